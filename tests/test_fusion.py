"""Hybrid ranking order (kb.search.fusion) on hand-made lists."""

from __future__ import annotations

from kb.search import fusion


def test_full_matches_stay_above_records_found_by_meaning_alone() -> None:
    lexical = [1, 2, 3, 4, 5]
    order = fusion.fuse(lexical, {1, 2}, lambda d: 0.5, semantic=[9, 8, 5], upto=10)
    assert order[:2] == [1, 2]
    assert set(order) == {1, 2, 3, 4, 5, 8, 9}
    assert order.index(9) > 1


def test_a_full_match_near_in_meaning_rises_among_the_full_matches() -> None:
    lexical = list(range(1, 11))
    order = fusion.fuse(lexical, set(lexical), lambda d: 1.0, semantic=[4], upto=10)
    assert order[0] == 4 and order[1:] == [1, 2, 3, 5, 6, 7, 8, 9, 10]


def test_below_the_full_matches_coverage_and_meaning_decide() -> None:
    lexical = [1, 2, 3]  # no full match: 1 holds one word of five, 2 and 3 four of five
    coverage = {1: 0.2, 2: 0.8, 3: 0.8}.__getitem__
    order = fusion.fuse(lexical, set(), coverage, semantic=[7, 3], upto=10)
    assert order[0] == 3  # most words and nearest in meaning
    assert order.index(2) < order.index(1)  # four words of five above one word of five
    assert order.index(7) < order.index(1)  # the nearest record above a passing one-word match


def test_deep_lexical_results_keep_their_order_after_the_fused_part() -> None:
    lexical = list(range(1, 400))
    order = fusion.fuse(lexical, set(), lambda d: 1.0, semantic=[1000], upto=300)
    assert len(order) >= 300
    tail = [d for d in order if fusion.DEPTH < d < 1000]
    assert tail == sorted(tail)
    assert 1000 in order[: fusion.DEPTH + 1]


def test_no_semantic_candidates_leave_the_lexical_order() -> None:
    lexical = [5, 3, 9, 1]
    assert fusion.fuse(lexical, {5, 3}, lambda d: 0.5, semantic=[], upto=4) == lexical
