"""Bad archive input: each case gets a clear warning naming the file, the other issues are
indexed, nothing is silently lost and nothing crashes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from kbtest import SAMPLE, make_config

from indexer.build import reindex
from indexer.source import MAX_FILE_BYTES
from kb.export import all_records

BAD = Path(__file__).parent / "fixtures" / "bad"


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("bad")
    archive = tmp / "archive"
    shutil.copytree(SAMPLE, archive)
    for path in BAD.iterdir():
        shutil.copy(path, archive / path.name)
    (archive / "2023-05-05-huge.md").write_bytes(b"# x\n" + b"a" * (MAX_FILE_BYTES + 1024))
    config = make_config(tmp, archive)
    res = reindex(config)
    return res, all_records(config)


def _warnings(result, name: str) -> list[str]:
    return [w for w in result[0].warnings if w.startswith(name)]


def test_the_good_issues_are_all_indexed(result) -> None:
    files = {r["source_file"] for r in result[1]}
    assert {p.name for p in SAMPLE.glob("*.md")} <= files


def test_invalid_utf8_is_replaced_and_reported_with_its_line(result) -> None:
    (warning,) = _warnings(result, "latin1-bytes.md")
    assert "invalid UTF-8" in warning and "latin1-bytes.md:" in warning
    assert any(r["source_file"] == "latin1-bytes.md" for r in result[1])


def test_bom_and_crlf_parse_like_clean_files(result) -> None:
    for name in ("bom.md", "crlf.md"):
        assert not _warnings(result, name)
        records = [r for r in result[1] if r["source_file"] == name]
        assert records and all("\r" not in r["title"] + r["summary"] for r in records)
        assert not any(r["title"].startswith("\ufeff") for r in records)


def test_empty_file_and_readme_are_skipped_with_a_warning(result) -> None:
    for name in ("empty.md", "README.md"):
        (warning,) = _warnings(result, name)
        assert "not an issue" in warning


def test_file_name_without_a_date_takes_the_title_date(result) -> None:
    records = [r for r in result[1] if r["source_file"] == "no-date-in-name.md"]
    assert records and all(r["date"] for r in records)


def test_issue_without_sections_keeps_its_text(result) -> None:
    assert any("no sections" in w or "outside any item" in w for w in _warnings(result, "no-sections.md"))
    raw = "".join(r["raw"] for r in result[1] if r["source_file"] == "no-sections.md")
    text = (BAD / "no-sections.md").read_text(encoding="utf-8")
    body = [
        line
        for line in text.splitlines()[1:]
        if line.strip() and not line.startswith(("#", "**")) and line.strip() != "---" and "layout" not in line
    ]
    assert all(line.strip() in raw for line in body)


def test_unclosed_link_is_recovered_and_reported(result) -> None:
    assert any("unclosed link" in w for w in _warnings(result, "unclosed-link.md"))
    records = [r for r in result[1] if r["source_file"] == "unclosed-link.md"]
    assert any(r["url"].startswith("https://mp.weixin.qq.com/s/") for r in records)
    assert len(records) >= 2  # the item after it is still its own item


def test_huge_file_is_skipped_loudly(result) -> None:
    (warning,) = _warnings(result, "2023-05-05-huge.md")
    assert "MB limit" in warning


def test_two_items_with_one_url_are_both_kept(result) -> None:
    assert any("both kept" in w for w in _warnings(result, "duplicate-url.md"))
    records = [r for r in result[1] if r["source_file"] == "duplicate-url.md"]
    urls = [r["url"] for r in records]
    dup = {u for u in urls if urls.count(u) > 1}
    assert dup and len({r["id"] for r in records}) == len(records)
