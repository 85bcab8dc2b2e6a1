"""The judged relevance benchmark (bench/relevance/) run on the real archive, with floors a little
under the figures measured when it was checked in (README): quality, not time."""

from __future__ import annotations

import sys

import pytest
from kbtest import ROOT, assert_relevance_floors, make_config

pytestmark = pytest.mark.archive

sys.path.insert(0, str(ROOT / "bench" / "relevance"))
import evaluate  # noqa: E402

#: class → metric → floor (measured on all 244 queries: see the README's relevance table)
FLOORS = {
    "known": {"s3": 0.95, "mrr": 0.93, "zero": 0.0},
    "descriptive": {"s3": 0.75, "mrr": 0.70, "zero": 0.0},
    "topic": {"r50": 0.90, "ndcg10": 0.78, "zero": 0.0},
    "negative": {"zero": 0.75},
}


@pytest.fixture(scope="module")
def summary(archive_dir, tmp_path_factory):
    from indexer.build import reindex
    from kb.search.index_view import IndexHandle

    config = make_config(tmp_path_factory.mktemp("relevance"), archive_dir)
    reindex(config)
    handle = IndexHandle(config)
    judged = evaluate.load_judged(handle, ["queries"])
    assert len(judged) >= 150
    return evaluate.summarize(evaluate.run_queries(handle, judged))


@pytest.mark.parametrize("cls", sorted(FLOORS))
def test_relevance_stays_above_its_floor(summary, cls) -> None:
    assert_relevance_floors(summary[cls], cls, FLOORS[cls])
