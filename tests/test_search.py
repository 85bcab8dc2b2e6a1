"""The search core on a real index of data/sample: identifiers, synonyms, aliases, facets,
sorting, paging, highlighting, typo tolerance, hostile queries."""

from __future__ import annotations

import pytest

from kb.analysis import index_tokens
from kb.errors import QueryError
from kb.search.engine import get_record, search
from kb.search.model import SearchRequest


def run(handle, q: str = "", **kw):
    return search(handle, SearchRequest(q=q, **kw))


def facet(result, name: str) -> dict[str, int]:
    return {v.value: v.count for v in result.facets[name]}


@pytest.mark.parametrize(
    "q",
    [
        "2201.05432",
        "2201.05432v2",
        "arXiv:2201.05432",
        "https://arxiv.org/abs/2201.05432v1",
        "https://arxiv.org/pdf/2201.05432v2.pdf",
    ],
)
def test_arxiv_id_in_any_form_finds_exactly_its_items(sample_handle, q) -> None:
    result = run(sample_handle, q)
    assert result.total == 2
    assert {h.record["date"] for h in result.hits} == {"2022-01-10", "2022-02-14"}
    assert all("2201.05432" in h.record["arxiv_ids"] for h in result.hits)
    assert result.identifiers == ["arxiv:2201.05432"]


@pytest.mark.parametrize(
    "q", ["tencent/ncnn", "Tencent/NCNN", "https://github.com/Tencent/ncnn/", "github.com/tencent/ncnn"]
)
def test_repo_in_any_form_finds_exactly_its_items(sample_handle, q) -> None:
    result = run(sample_handle, q)
    assert result.total >= 2
    assert all("tencent/ncnn" in h.record["repos"] for h in result.hits)


def test_uncovered_identifier_answers_nothing(sample_handle) -> None:
    assert run(sample_handle, "2301.99999").total == 0
    assert run(sample_handle, "https://github.com/nobody/nothing").total == 0


def test_exact_title_finds_the_item_and_items_sharing_its_arxiv_id(sample_handle) -> None:
    paper = next(h.record for h in run(sample_handle, "2201.05432").hits if h.record["paper_title"])
    result = run(sample_handle, paper["paper_title"].upper() + " !")
    assert result.total == 2 and result.identifiers[0].startswith("title:")


def test_synonyms_cross_languages_both_ways(sample_handle) -> None:
    english_only = run(sample_handle, "quantization")
    chinese = run(sample_handle, "量化")
    assert "量化" in english_only.expansions
    assert english_only.total == chinese.total > 3
    texts = [(h.record["title"] + h.record["summary"] + h.record["paper_title"]).lower() for h in english_only.hits]
    assert any("量化" in t and "quantiz" not in t for t in texts)  # found only through the synonym


def test_company_alias_expands(sample_handle) -> None:
    a, b = run(sample_handle, "英伟达"), run(sample_handle, "NVIDIA")
    assert a.total == b.total > 0


def test_plus_requires_a_word_and_minus_excludes(sample_handle) -> None:
    both = run(sample_handle, "华为 +芯片", per_page=100)
    only = run(sample_handle, "华为", per_page=100)
    assert 0 < both.total <= only.total and both.partial_from is None
    texts = [h.record["title"] + h.record["summary"] for h in both.hits]
    assert all("芯片" in t for t in texts)
    without = run(sample_handle, "华为 -芯片", per_page=100)
    assert without.total == only.total - both.total
    words = [{t for t, *_ in index_tokens(h.record["title"] + "\n" + h.record["summary"])} for h in without.hits]
    assert not any("芯片" in w for w in words)


def test_phrase_query(sample_handle) -> None:
    result = run(sample_handle, '"混合精度"')
    assert result.total > 0
    assert all("混合精度" in h.record["title"] + h.record["summary"] + h.record["paper_title"] for h in result.hits)


def test_field_filters(sample_handle) -> None:
    result = run(sample_handle, "section:论文 year:2022", per_page=100)
    assert result.total > 0 and all(h.record["section"] == "paper" for h in result.hits)
    result = run(sample_handle, "company:华为", per_page=100)
    assert result.total > 0 and all("Huawei" in h.record["companies"] for h in result.hits)
    result = run(sample_handle, "date:2022-01..2022-01", per_page=100)
    assert {h.record["date"][:7] for h in result.hits} == {"2022-01"}


def test_facets_or_within_and_across_and_own_selection_removed(sample_handle) -> None:
    everything = run(sample_handle)
    sections = facet(everything, "section")
    one = run(sample_handle, filters={"section": ["paper"]})
    assert one.total == sections["paper"]
    assert facet(one, "section") == sections  # own selection removed from its counts
    two = run(sample_handle, filters={"section": ["paper", "code"]})
    assert two.total == sections["paper"] + sections["code"]
    both = run(sample_handle, filters={"section": ["paper", "code"], "has": ["arxiv"]})
    assert both.total == facet(two, "has")["arxiv"]
    assert all(h.record["arxiv_ids"] for h in run(sample_handle, filters={"has": ["arxiv"]}, per_page=100).hits)
    selected = [v for v in one.facets["section"] if v.selected]
    assert [v.value for v in selected] == ["paper"] and selected[0].label == "论文"


def test_unknown_facet_value_gives_nothing_with_a_notice(sample_handle) -> None:
    result = run(sample_handle, filters={"company": ["NoSuchCompany"]})
    assert result.total == 0 and any("NoSuchCompany" in n for n in result.notices)


def test_empty_query_lists_everything_newest_first_and_sorts(sample_handle) -> None:
    result = run(sample_handle, per_page=100)
    dates = [h.record["date"] for h in result.hits]
    assert dates == sorted(dates, reverse=True) and result.total == len(dates)
    oldest = [h.record["date"] for h in run(sample_handle, sort="oldest", per_page=100).hits]
    assert oldest == sorted(oldest)


def test_pagination(sample_handle) -> None:
    pages = [run(sample_handle, page=p, per_page=10) for p in (1, 2)]
    assert len(pages[0].hits) == 10 and pages[0].pages >= 2
    assert not {h.record["id"] for h in pages[0].hits} & {h.record["id"] for h in pages[1].hits}
    assert run(sample_handle, page=999).hits == []


def test_highlights_are_spans_of_chinese_and_synonym_words(sample_handle) -> None:
    result = run(sample_handle, "quantization")
    marked = [h.snippet[s:e] for h in result.hits for s, e in h.snippet_spans]
    marked += [h.title[s:e] for h in result.hits for s, e in h.title_spans]
    assert "量化" in marked  # found through the synonym, marked where it stands
    for hit in result.hits:  # plain text and sorted, non-overlapping spans inside it
        for text, spans in ((hit.title, hit.title_spans), (hit.snippet, hit.snippet_spans)):
            assert "<mark>" not in text
            assert all(0 <= s < e <= len(text) for s, e in spans)
            assert all(e1 <= s2 for (_, e1), (s2, _) in zip(spans, spans[1:], strict=False))


def test_typo_in_a_model_name_still_finds_it(sample_handle) -> None:
    result = run(sample_handle, "ncnnn")
    assert result.total > 0 and result.suggestion == "ncnn"


@pytest.mark.parametrize(
    "q",
    [
        '"unbalanced',
        "(((",
        "*",
        "foo:bar",
        "a" * 20000,
        "<script>alert(1)</script>",
        "company:",
        "-",
        "\x00",
        "date:notadate",
        'title:"',
        "AND OR NOT",
        "[2201",
        "]]]]",
    ],
)
def test_hostile_queries_never_raise(sample_handle, q) -> None:
    result = run(sample_handle, q)
    assert result.total >= 0


@pytest.mark.parametrize(
    "kw",
    [{"page": 0}, {"page": -1}, {"per_page": 0}, {"per_page": 101}, {"sort": "x"}, {"filters": {"colour": ["red"]}}],
)
def test_bad_parameters_raise_query_error(sample_handle, kw) -> None:
    with pytest.raises(QueryError):
        run(sample_handle, **kw)


def test_histogram_covers_every_issue(sample_handle) -> None:
    result = run(sample_handle, "量化")
    assert len(result.histogram) == 4 and sum(c for _, c in result.histogram) == result.total


def test_get_record(sample_handle) -> None:
    hit = run(sample_handle).hits[0]
    assert get_record(sample_handle, hit.record["id"]) == hit.record
    assert get_record(sample_handle, "nope") is None


def test_multi_word_synonyms_are_marked_only_where_whole() -> None:
    from kb.search.highlight import Terms, spans

    terms = Terms(frozenset({"量化"}), frozenset({("8", "位")}))
    assert spans("8位量化，平均位宽只有8", terms) == ((0, 4),)  # adjacent marks merge; the lone 位 is not marked


def test_typo_is_corrected_against_words_as_written(sample_handle) -> None:
    result = run(sample_handle, "quantizaton")
    assert result.suggestion == "quantization" and result.total == run(sample_handle, "quantization").total


def test_facet_values_typed_by_users_resolve(sample_handle) -> None:
    from kb.search.facets import resolve_facet_value

    assert resolve_facet_value(sample_handle, "company", "华为") == "Huawei"
    assert resolve_facet_value(sample_handle, "section", "论文") == "paper"
    assert resolve_facet_value(sample_handle, "has", "代码") == "code"
    assert resolve_facet_value(sample_handle, "venue", "CVPR 2022") == "CVPR2022"
    assert resolve_facet_value(sample_handle, "year", "20x0") is None


@pytest.mark.parametrize("q", ["华为 芯片", "quantization", "", "company:华为"])
def test_a_view_answers_as_its_handle(sample_handle, q) -> None:
    """A web page passes the one generation it reads (IndexView) where a handle is taken; the
    search reads every table from it and answers the same."""
    request = SearchRequest(q=q, filters={"company": ["华为"]} if not q else {})
    view = sample_handle.view()
    assert view.view() is view and view.companies is view.tables.companies
    assert search(view, request).to_json() == search(sample_handle, request).to_json()


def test_in_text_answers_whether_a_text_field_holds_a_token(sample_handle) -> None:
    view = sample_handle.view()
    assert view.in_text(index_tokens("量化")[0][0]) and not view.in_text("zzqqxxnothing")


def test_docs_matching_follows_the_per_document_rule(sample_handle) -> None:
    """The value index answers a facet filter as `matches` does document by document: exact
    values, any of a multi-valued facet's values, a venue's prefix (CVPR ⊂ CVPR2020)."""
    from kb.search.facets import docs_matching, matches, value_docs
    from kb.search.model import FACET_NAMES

    view = sample_handle.view()
    for name in FACET_NAMES:
        stored = [v for v in value_docs(view, name) if v]
        for values in [stored[:1], stored[:3], [v[:4] for v in stored[:2]], ["nothing-like-it"], ["\0none"]]:
            expected = {d for d in view.live if matches(view.columns[name][d], name, set(values))}
            assert docs_matching(view, name, values) == expected, (name, values)
