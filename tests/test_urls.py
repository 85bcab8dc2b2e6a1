"""Article links as identifiers: one normal form however they are written (cases in
tests/cases/urls/), found exactly by search, and an unknown link answers nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from kb.identifiers import looks_like_url, normalize_url
from kb.search.engine import search
from kb.search.model import SearchRequest
from kb.search.querylang import parse_query

CASES = yaml.safe_load((Path(__file__).parent / "cases" / "urls" / "normalize.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[c["in"][:60] for c in CASES])
def test_normalize_url(case: dict) -> None:
    assert normalize_url(case["in"]) == case["out"]


def test_url_queries_are_identifiers() -> None:
    parsed = parse_query("https://mp.weixin.qq.com/s/KC-QxYZf2471OICDFra7Zw?scene=21")
    assert parsed.urls == ["mp.weixin.qq.com/s/KC-QxYZf2471OICDFra7Zw"] and not parsed.words
    assert parse_query("url:www.infoq.cn/article/abc").urls == ["infoq.cn/article/abc"]
    assert looks_like_url("www.a.com/x") and not looks_like_url("a b") and not looks_like_url("量化")


def test_search_finds_an_item_by_any_form_of_its_link(sample_handle) -> None:
    view = sample_handle.view()
    record = next(view.record(d) for d in view.live if "mp.weixin.qq.com/s/" in view.record(d)["url"])
    url = record["url"]
    for form in (url, url.replace("https://", "http://") + "/", url + "#rd", url + "?scene=21&from=groupmessage"):
        result = search(sample_handle, SearchRequest(q=form))
        assert [h.record["id"] for h in result.hits] == [record["id"]], form
        assert result.identifiers == [f"url:{normalize_url(url)}"]
    assert search(sample_handle, SearchRequest(q=url[:-3] + "zzz")).total == 0  # not covered: empty
