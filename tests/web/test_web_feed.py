"""`/feed.xml`: an Atom feed of any search, parsed as XML; newest first; everything escaped."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET

import pytest
from kbweb_helpers import SAMPLE, build_index

from kb.records import SECTION_LABELS
from web.app import create_app

ATOM = "{http://www.w3.org/2005/Atom}"

# An issue whose text tries to break the XML: markup, entities, a CDATA end, control characters.
NASTY_ISSUE = """# 嵌入式AI简报 (2022-05-01) 转义测试

## 博文

- [A <b>&amp; "引号" ]]> 测试 \x01\x0b | 来源<&>](https://example.com/a?x=1&y=<2>)
摘要：<script>alert(1)</script> & ]]> 结尾 \x00\x1f 控制字符。
"""


def _feed(client, query: str = "", **params: str) -> ET.Element:
    response = client.get("/feed.xml" + query, query_string=params or None)
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    return ET.fromstring(response.get_data())


def test_feed_is_atom_with_one_entry_per_result_newest_first(client):
    root = _feed(client, "?q=量化")
    assert root.tag == f"{ATOM}feed"
    for name in ("title", "id", "updated", "author"):
        assert root.find(ATOM + name) is not None, name
    assert "量化" in root.findtext(ATOM + "title")
    links = {link.get("rel"): link.get("href") for link in root.findall(ATOM + "link")}
    assert links["self"].endswith("/feed.xml?q=%E9%87%8F%E5%8C%96")
    assert links["alternate"].endswith("/?q=%E9%87%8F%E5%8C%96")
    api = client.get("/api/search?q=量化&sort=newest&per_page=50").get_json()
    entries = root.findall(ATOM + "entry")
    assert [e.findtext(ATOM + "id").rsplit("/", 1)[1] for e in entries] == [r["id"] for r in api["results"]]
    dates = [e.findtext(ATOM + "updated") for e in entries]
    assert dates == sorted(dates, reverse=True) and root.findtext(ATOM + "updated") == dates[0]


def test_each_entry_links_the_item_page_with_date_section_outlet_summary(client):
    root = _feed(client, "?section=paper")
    api = client.get("/api/search?section=paper&sort=newest&per_page=50").get_json()
    by_id = {r["id"]: r for r in api["results"]}
    for entry in root.findall(ATOM + "entry"):
        record = by_id[entry.findtext(ATOM + "id").rsplit("/", 1)[1]]
        link = next(x for x in entry.findall(ATOM + "link") if x.get("rel") == "alternate")
        assert link.get("href").endswith(f"/item/{record['id']}")
        assert entry.findtext(ATOM + "title") == record["title"]
        assert entry.findtext(ATOM + "published") == f"{record['date']}T00:00:00Z"
        category = entry.find(ATOM + "category")
        assert category.get("term") == "paper" and category.get("label") == SECTION_LABELS["paper"]
        summary = entry.findtext(ATOM + "summary")
        assert summary.startswith(f"{record['date']} · 论文")
        if record["outlet"]:
            assert entry.findtext(f"{ATOM}author/{ATOM}name") == record["outlet"]
            assert record["outlet"] in summary
        assert record["summary"][:40] in summary


def test_feed_of_everything_and_of_nothing_are_valid(client):
    assert len(_feed(client).findall(ATOM + "entry")) == 50  # the newest 50
    empty = _feed(client, "?q=zzqqxxnothing")
    assert empty.findall(ATOM + "entry") == [] and empty.findtext(ATOM + "updated")


def test_feed_refuses_bad_parameters_like_the_page(client):
    assert client.get("/feed.xml?page=abc").status_code == 400


@pytest.fixture(scope="module")
def nasty(tmp_path_factory: pytest.TempPathFactory):
    base = tmp_path_factory.mktemp("nasty-feed")
    archive = base / "archive"
    archive.mkdir()
    shutil.copy(SAMPLE / "2022-03-01.md", archive / "2022-03-01.md")
    (archive / "2022-05-01.md").write_text(NASTY_ISSUE, encoding="utf-8")
    return create_app(build_index(base, archive)).test_client()


def test_markup_entities_and_control_characters_are_escaped_or_dropped(nasty):
    root = _feed(nasty, q='<b>&"x"]]>')
    assert '<b>&"x"]]>' in root.findtext(ATOM + "title")
    entry = next(e for e in _feed(nasty).findall(ATOM + "entry") if "测试" in e.findtext(ATOM + "title"))
    title = entry.findtext(ATOM + "title")
    assert '"引号"' in title and "<&>" in title and "\x01" not in title
    summary = entry.findtext(ATOM + "summary")
    assert "& ]]> 结尾" in summary  # text, not markup
    assert not any(ord(c) < 0x20 and c not in "\t\n\r" for c in summary)
