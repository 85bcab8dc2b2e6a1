"""Parser cases as data: tests/cases/parse/NAME.md is parsed and compared with NAME.yaml
(only the keys the YAML states are compared). `warnings` is a count, or the list of warnings
in order as "LINE CODE" (e.g. "12 no-outlet"; line 0 for the whole file)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from indexer.parse import parse_issue
from indexer.source import decode
from kb.companies import load_companies
from kb.config import DATA_DIR

CASES = Path(__file__).parent / "cases" / "parse"
COMPANIES = load_companies(DATA_DIR / "companies.yaml")


def _cases():
    return sorted(p.stem for p in CASES.glob("*.yaml"))


def _parse(name: str):
    src = decode(f"{name}.md", (CASES / f"{name}.md").read_bytes())
    return parse_issue(src.name, src.text, COMPANIES), src


@pytest.mark.parametrize("name", _cases())
def test_case(name: str) -> None:
    expected = yaml.safe_load((CASES / f"{name}.yaml").read_text(encoding="utf-8"))
    issue, src = _parse(name)
    for key, value in (expected.get("issue") or {}).items():
        assert getattr(issue, key) == value, f"issue.{key}"
    if "warnings" in expected:
        warnings = [str(w) for w in src.warnings + issue.warnings]
        if isinstance(expected["warnings"], list):
            got_codes = [f"{w.line} {w.code}" for w in src.warnings + issue.warnings]
            assert got_codes == expected["warnings"], warnings
        else:
            assert len(warnings) == expected["warnings"], warnings
    records = issue.records
    wanted = expected.get("records", [])
    got = [(r.section, r.title) for r in records]
    assert len(records) == len(wanted), got
    for index, (record, want) in enumerate(zip(records, wanted, strict=True)):
        for key, value in want.items():
            where = f"record {index} ({record.title[:30]!r}) {key}"
            if key == "summary_contains":
                for part in value:
                    assert part in record.summary or part in record.raw, where
            elif key == "links":
                assert [{"label": link.label, "url": link.url} for link in record.links] == value, where
            else:
                assert getattr(record, key) == value, where


def test_every_case_has_both_files() -> None:
    md = {p.stem for p in CASES.glob("*.md")}
    assert md == set(_cases()) and len(md) >= 15
