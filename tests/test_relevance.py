"""Relevance behaviours on a real index of a fixture issue written for them
(tests/fixtures/relevance/): best match and its partial-match notice, concept phrases,
glossary expansion both ways, Chinese recall, repo fallback, titles, repeated words and the cap."""

from __future__ import annotations

from pathlib import Path

import pytest
from kbtest import make_config

from kb.search.engine import search
from kb.search.model import SearchRequest
from kb.search.plan import MAX_UNITS, plan_units
from kb.search.recall import ChineseVocabulary

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "relevance"


@pytest.fixture(scope="module")
def handle(tmp_path_factory):
    from indexer.build import reindex
    from kb.search.index_view import IndexHandle

    config = make_config(tmp_path_factory.mktemp("relevance"), FIXTURE)
    reindex(config)
    return IndexHandle(config)


def run(handle, q: str, **kw):
    return search(handle, SearchRequest(q=q, **kw))


def titles(result) -> list[str]:
    return [h.record["title"] for h in result.hits]


def test_best_match_puts_items_with_every_word_first_and_says_what_the_rest_lack(handle) -> None:
    result = run(handle, "amd xilinx acquisition")
    assert "收购赛灵思" in titles(result)[0] and result.hits[0].missing == []
    assert result.full_matches == 1 and result.partial_from == 2 and result.total > 1
    assert all(h.missing for h in result.hits[1:])
    assert "amd" in result.hits[1].missing or "acquisition" in result.hits[1].missing
    data = result.to_json()
    assert data["partial_from"] == 2 and data["full_matches"] == 1
    assert data["results"][0]["missing"] == [] and data["results"][1]["missing"] == result.hits[1].missing


def test_partial_groups_rank_by_how_many_words_they_match(handle) -> None:
    result = run(handle, "华为 芯片 禁令 zzqqxx")
    counts = [len(h.missing) for h in result.hits]
    assert counts == sorted(counts) and result.total > 0  # a word nobody has never empties the answer
    assert all("zzqqxx" in h.missing for h in result.hits)
    assert "出口禁令" in titles(result)[0]


def test_identifiers_no_item_carries_still_answer_nothing(handle) -> None:
    assert run(handle, "2301.99999").total == 0
    assert run(handle, "https://github.com/nobody/nothing").total == 0
    assert run(handle, "facebookresearch/llama").total == 0  # words of a slug must all match


def test_quoted_phrases_and_plus_words_stay_strict(handle) -> None:
    assert run(handle, 'amd "zzqqxx"').total == 0
    assert run(handle, "amd +zzqqxx").total == 0
    strict = run(handle, "+赛灵思 +收购")
    assert strict.total == 1 and strict.partial_from is None


def test_a_concept_of_several_words_is_one_unit(handle) -> None:
    plan = plan_units(["knowledge", "distillation"], handle.tables)
    assert len(plan.units) == 1 and plan.units[0].concepts == ("syn:distillation",)
    result = run(handle, "knowledge distillation")
    assert result.partial_from is None and "知识蒸馏" in titles(result)[0]  # no literal "knowledge" in it


def test_items_about_a_topic_rank_above_a_passing_mention(handle) -> None:
    result = run(handle, "object detection")
    assert titles(result)[0].startswith("轻量级目标检测网络设计")
    assert any(t.startswith("A survey of video codecs") for t in titles(result))


def test_glossary_expands_both_ways(handle) -> None:
    english = run(handle, "edge ai chip startup funding")
    assert titles(english)[0].startswith("边缘AI芯片初创公司") and english.hits[0].missing == []
    assert "融资" in english.expansions and "初创" in english.expansions
    chinese = run(handle, "视频 综述")
    assert titles(chinese)[0].startswith("A survey of video codecs")  # 综述 → survey


def test_a_sentence_typed_without_spaces_is_counted_word_by_word(handle) -> None:
    # more than MAX_COMPOUND_WORDS words in one run: each word is a unit, so best match answers
    # with the item holding most of them (requiring all of them in one item answered nothing)
    result = run(handle, "供货之前必须先申请执照")
    assert titles(result)[0].startswith("美国出口禁令升级") and set(result.hits[0].missing) == {"之前", "执照"}
    assert [u.text for u in plan_units(["供货之前必须先申请执照"], handle.tables).units] == [
        "供货",
        "之前",
        "必须",
        "申请",
        "执照",
    ]
    # up to MAX_COMPOUND_WORDS words it stays one unit, all of whose words an item must hold
    assert [u.text for u in plan_units(["供货申请执照"], handle.tables).units] == ["供货申请执照"]
    assert run(handle, "供货申请执照").total == 0


def test_repeated_words_are_merged_and_distinct_words_capped(handle) -> None:
    assert len(plan_units(["芯片"] * 250, handle.tables).units) == 1
    result = run(handle, " ".join(["芯片"] * 250))
    assert result.total == run(handle, "芯片").total
    many = " ".join(f"w{n}x" for n in range(40))
    result = run(handle, many)
    assert any(str(MAX_UNITS) in n for n in result.notices)


def test_chinese_recall_where_the_segmenter_cuts_differently(handle) -> None:
    # the query cuts 图像超分 into 图像 + 超分; the text holds 超分辨率 as one word, with no 超分 inside
    result = run(handle, "图像超分")
    assert titles(result)[0].startswith("图像超分辨率")
    vocabulary = ChineseVocabulary(["图像", "超分", "超分辨率", "轻量级", "量级", "轻量"])
    assert vocabulary.containing("量级") == ["轻量级"]
    assert vocabulary.pieces("图像超分") == ["图像", "超分"] and vocabulary.pieces("超分辨率") == []


def test_a_repo_no_item_carries_falls_back_to_its_words(handle) -> None:
    result = run(handle, "Microsoft/MiniLM")
    assert titles(result) and titles(result)[0].startswith("microsoft/unilm")
    assert any("MiniLM".lower() in n.lower() for n in result.notices)
    sub = run(handle, "https://github.com/microsoft/unilm/tree/master/minilm")
    assert sub.identifiers == ["repo:microsoft/unilm"] and sub.total == 1


def test_exact_titles_ignore_case_and_punctuation_on_every_path(handle) -> None:
    typed = "轻量级目标检测网络设计 —— 面向手机的实时检测器!"
    assert run(handle, typed).identifiers[0].startswith("title:")
    assert run(handle, f'title:"{typed}"').total == 1
    paper = run(handle, "知识蒸馏新方法 让小模型向教师学习")
    assert paper.identifiers[0].startswith("title:") and paper.total == 1
    assert run(handle, "A SURVEY OF VIDEO-CODECS, FOR EDGE DEVICES").total == 1
