"""kb.facets: the facet registry. Every facet is one entry; nothing else names a facet."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from kbtest import ROOT, SAMPLE

from kb.facets import FACET_BY_NAME, FACET_LABELS, FACET_NAMES, FACETS, resolve, value_label
from kb.records import Record
from kb.schema import facet_values


class _Names:
    def resolve(self, name: str) -> str | None:
        return {"华为": "Huawei", "huawei": "Huawei"}.get(name.lower())

    def label(self, canonical: str) -> str:
        return f"华为 {canonical}"


def test_registry_is_data_with_labels_and_unique_names() -> None:
    assert FACET_NAMES == ("section", "company", "year", "outlet", "venue", "has")  # the sidebar order
    assert len(set(FACET_NAMES)) == len(FACETS) and set(FACET_BY_NAME) == set(FACET_LABELS)
    assert all(f.label and f.order in ("count", "value-desc") for f in FACETS)
    assert {f.name for f in FACETS if f.multi} == {"company", "has"}


def test_facet_values_read_every_registered_facet() -> None:
    record = Record(
        id="2020-01-01-x",
        date="2020-01-01",
        issue_title="",
        section="paper",
        section_title="论文",
        position=1,
        title="t",
        url="",
        summary="",
        outlet="机器之心",
        venue="CVPR2020",
        companies=["Huawei"],
        arxiv_ids=["2001.00001"],
    )
    assert facet_values(record) == {
        "date": "2020-01-01",
        "section": "paper",
        "company": ("Huawei",),
        "year": "2020",
        "outlet": "机器之心",
        "venue": "CVPR2020",
        "has": ("arxiv",),
    }


RESOLVE = [
    ("section", "论文", "paper"),
    ("section", "paper", "paper"),
    ("section", "nope", None),
    ("company", "华为", "Huawei"),
    ("company", "nobody", None),
    ("year", "2020", "2020"),
    ("year", "20x0", None),
    ("venue", "CVPR 2020", "CVPR2020"),
    ("has", "代码", "code"),
    ("has", "Paper", "arxiv"),
    ("has", "x", None),
    ("outlet", " 机器之心 ", "机器之心"),
    ("outlet", "  ", None),
]


def test_typed_values_resolve_through_their_entry() -> None:
    for name, raw, value in RESOLVE:
        assert resolve(name, raw, _Names()) == value, (name, raw)


def test_values_are_labelled_through_their_entry() -> None:
    assert value_label("section", "paper", _Names()) == "论文"
    assert value_label("company", "Huawei", _Names()) == "华为 Huawei"
    assert value_label("has", "code", _Names()) == "有代码"
    assert value_label("outlet", "机器之心", _Names()) == "机器之心"


def test_no_module_outside_the_registry_branches_on_a_facet_name() -> None:
    """The name-keyed if-chains are gone: adding a facet touches kb/facets.py only (a line
    comparing some other kind of thing that shares a facet's name says `not a facet`)."""
    names = "|".join(FACET_NAMES)
    chain = re.compile(rf"""(==|!=)\s*["'](?:{names})["']|["'](?:{names})["']\s*(==|!=)""")
    offenders = [
        f"{path.relative_to(ROOT)}:{n}"
        for package in ("kb", "web")
        for path in sorted((ROOT / package).rglob("*.py"))
        if path.name != "facets.py" or path.parent.name != "kb"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if chain.search(line) and "not a facet" not in line
    ]
    assert offenders == []


ADD_A_FACET = r"""
import sys
from pathlib import Path

import kb.facets as F

# what one new entry in kb/facets.py does (the module derives the rest from FACETS)
F.FACETS += (F.Facet("lang", "语言", read=lambda r: "en" if r.title.isascii() else "zh"),)
F.FACET_BY_NAME = {f.name: f for f in F.FACETS}
F.FACET_NAMES = tuple(F.FACET_BY_NAME)
F.FACET_LABELS = {f.name: f.label for f in F.FACETS}

from indexer.build import reindex
from kb.cli import main
from kb.config import load_config
from kb.search.engine import search
from kb.search.index_view import IndexHandle
from kb.search.model import SearchRequest
from web.app import create_app

tmp, sample = Path(sys.argv[1]), Path(sys.argv[2])
config = load_config(cwd=tmp).replace(index=tmp / "index", archive=sample)
reindex(config, archive=sample)
result = search(IndexHandle(config), SearchRequest(filters={"lang": ["en"]}))
assert result.total > 0, result.total
assert {v.value for v in result.facets["lang"]} == {"en", "zh"}, result.facets["lang"]
assert [(s.facet, s.raw, s.value) for s in result.selections] == [("lang", "en", "en")]
html = create_app(config).test_client().get("/?lang=zh").get_data(as_text=True)
assert "<summary>语言</summary>" in html and 'data-facet="lang" data-value="en"' in html, "sidebar"
assert "语言：zh" in html, "the active filter chip"
assert main(["search", "--lang", "en", "--index", str(tmp / "index"), "--limit", "1"]) == 0
print("ok")
"""


def test_adding_a_facet_is_one_registry_entry(tmp_path: Path) -> None:
    """Index, search, count, resolve, the sidebar, the chip and the CLI option all follow."""
    out = subprocess.run(
        [sys.executable, "-c", ADD_A_FACET, str(tmp_path), str(SAMPLE)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert out.returncode == 0 and out.stdout.strip().endswith("ok"), out.stderr[-3000:]
