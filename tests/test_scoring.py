"""kb.search.scoring gives every match Whoosh's own BM25F score: on real indexes of the sample and
the relevance fixture, for the queries the engine builds (terms, unions, conjunctions, phrases,
dis-max recall, boosts), and on an index of several segments with deleted documents."""

from __future__ import annotations

from pathlib import Path

import pytest
from kbtest import SAMPLE, copy_tree, make_config

from kb.search import engine
from kb.search.index_view import IndexHandle
from kb.search.querylang import parse_query
from kb.search.scoring import Scores

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "relevance"
QUERIES = [
    "量化",
    "quantization",
    "华为 芯片",
    "amd xilinx acquisition",
    "knowledge distillation",
    "目标检测 手机",
    '"模型压缩" 剪枝',
    "神经网络 加速 推理 芯片 训练",
    "深度学习编译器",
    "高通 骁龙",
    "推理引擎 +arm",
    "量化 -剪枝",
    "npu",
    "物体检测",  # Chinese recall: a word the index does not hold as one
]


def engine_query(handle: IndexHandle, q: str):
    """The Whoosh query that ranks a search (the sum of its units), as the engine builds it."""
    view = handle.view()
    ctx = engine._Context(view, parse_query(q))
    ctx.match()
    parts = []
    plan = engine.plan_units(ctx.parsed.words, handle.tables, required=ctx.parsed.required)
    parts += [ctx._unit_query(u) for u in plan.optional + plan.required]
    parts += [p for p in (ctx._phrase_query(t) for t in ctx.parsed.phrases) if p is not None]
    return engine._union(parts) if parts else None


def assert_same_scores(handle: IndexHandle, queries: list[str]) -> int:
    view = handle.view()
    searcher = view.searcher()
    compared = 0
    for q in queries:
        query = engine_query(handle, q)
        if query is None:
            continue
        whoosh = {h.docnum: h.score for h in searcher.search(query, limit=None) if h.docnum in view.live_set}
        ours = Scores(view.live_set, searcher).of(searcher, query)
        assert set(ours) == set(whoosh), q
        for docnum, score in whoosh.items():
            assert ours[docnum] == pytest.approx(score, rel=1e-9), (q, docnum)
        compared += len(whoosh)
    return compared


@pytest.fixture(scope="module")
def fixture_handle(tmp_path_factory):
    from indexer.build import reindex

    config = make_config(tmp_path_factory.mktemp("scoring"), FIXTURE)
    reindex(config)
    return IndexHandle(config)


def test_scores_equal_whooshs_on_the_relevance_fixture(fixture_handle) -> None:
    assert assert_same_scores(fixture_handle, QUERIES) > 15


def test_scores_equal_whooshs_on_the_sample(sample_handle) -> None:
    assert assert_same_scores(sample_handle, QUERIES) > 50


def test_scores_equal_whooshs_across_segments_with_deletions(tmp_path) -> None:
    from indexer.build import reindex

    archive = copy_tree(SAMPLE, tmp_path / "archive")
    config = make_config(tmp_path, archive)
    reindex(config)
    issue = sorted(archive.glob("*.md"))[-1]
    issue.write_text(issue.read_text(encoding="utf-8").replace("量化", "量化 芯片"), encoding="utf-8")
    stats = reindex(config)
    assert stats.updated == 1
    handle = IndexHandle(config)
    searcher = handle.view().searcher()
    assert not searcher.is_atomic() and searcher.reader().has_deletions()  # the case this test is for
    assert assert_same_scores(handle, QUERIES) > 50


def test_the_engine_ranks_by_those_scores(fixture_handle) -> None:
    result = engine.search(fixture_handle, engine.SearchRequest(q="华为 芯片"))
    scores = [h.score for h in result.hits]
    first_group = [h.score for h in result.hits if not h.missing]
    assert first_group == sorted(first_group, reverse=True) and all(s > 0 for s in scores)
