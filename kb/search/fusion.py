"""Hybrid ranking: the lexical ranking and the nearest records by meaning, fused by reciprocal
rank (RRF, as in Elasticsearch's and Vespa's hybrid search), tuned on the judged relevance
benchmark (bench/relevance, dev split).

Two tiers keep what best match promises. Items containing every query word stay first, re-ranked
among themselves by RRF (a full match that is also near in meaning rises). Below them, the items
matching only some words and the items found by meaning alone are fused: a lexical rank counts
by the share of the query's words the item holds (a two-of-three match counts more than one
word of five), a semantic rank by SEMANTIC_WEIGHT. So a query answered well by its words keeps
its order, and a description whose words match only in passing is ranked by meaning.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence, Set
from itertools import islice

RRF_K = 10  # the rank constant: small, so the top ranks of each list count most
SEMANTIC_WEIGHT = 0.5  # a semantic rank against a lexical rank of an item with every word
DEPTH = 100  # lexical ranks fused per tier; deeper items keep their lexical order
SEMANTIC_DEPTH = 20  # nearest records fused in


def fuse(
    lexical: Iterable[int],
    full: Set[int],
    coverage: Callable[[int], float],
    semantic: Sequence[int],
    upto: int,
) -> list[int]:
    """The hybrid ranking's first results: at least `upto` (when there are), and always through
    the last semantic candidate placed.

    `lexical`: the matches in lexical order (best-match tiers, then score); `full`: the ones with
    every query word (a prefix of `lexical`); `coverage(d)`: the share of query words d holds;
    `semantic`: the nearest records, best first (they need not be lexical matches)."""
    semantic_rank = {d: r for r, d in enumerate(semantic, 1)}
    lexical_rank: dict[int, int] = {}
    stream = iter(lexical)
    out: list[int] = []
    placed: set[int] = set()

    def rrf(d: int, weight: float) -> float:
        score = weight / (RRF_K + lexical_rank[d]) if d in lexical_rank else 0.0
        if d in semantic_rank:
            score += SEMANTIC_WEIGHT / (RRF_K + semantic_rank[d])
        return score

    def take(n: int) -> list[int]:
        got = list(islice(stream, n))
        for d in got:
            lexical_rank[d] = len(lexical_rank) + 1
        return got

    def emit(docs: Iterable[int]) -> None:
        for d in docs:
            if d not in placed:
                placed.add(d)
                out.append(d)

    # tier 1: the full matches, their top re-ranked
    head = take(min(len(full), DEPTH))
    near_full = [d for d in semantic if d in full and d not in lexical_rank]
    for d in near_full:  # a full match deeper than DEPTH: ranked just below it
        lexical_rank.setdefault(d, DEPTH + 1)
    emit(sorted([*head, *near_full], key=lambda d: (-rrf(d, 1.0), lexical_rank[d], d)))
    rest_of_full = len(full) - len(head)
    while rest_of_full > 0:
        chunk = take(min(rest_of_full, 1000))
        if not chunk:
            break
        rest_of_full -= len(chunk)
        emit(chunk)
    # tier 2: partial matches and the records found by meaning alone
    partial = take(DEPTH)
    others = [d for d in semantic if d not in full and d not in placed]
    pool = list(dict.fromkeys([*partial, *others]))
    weight = {d: coverage(d) for d in partial}
    emit(sorted(pool, key=lambda d: (-rrf(d, weight.get(d, 0.0)), lexical_rank.get(d, 1 << 30), d)))
    while len(out) < upto:
        chunk = take(max(upto - len(out), 1))
        if not chunk:
            break
        emit(chunk)
    return out
