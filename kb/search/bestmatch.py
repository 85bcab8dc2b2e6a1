"""Best match instead of all-or-nothing (Lucene's coordination, Meilisearch's matching strategy).

Items that contain every query unit come first. When they are too few to fill a page, the
query is relaxed one unit at a time: items matching all but one unit follow, then all but two,
down to one. Within the relaxed part, items are grouped by which units they contain, groups
ordered by how many units and how informative (IDF) those units are; BM25F orders each group.
"""

from __future__ import annotations

import math
from collections.abc import Sequence, Set
from dataclasses import dataclass

#: Relax the query while fewer than this many items contain every unit (one page).
ENOUGH_FULL_MATCHES = 1000000


@dataclass(frozen=True)
class Group:
    """Items matching the same units: `mask` has bit i set for unit i."""

    mask: int
    docs: frozenset[int]
    missing: tuple[int, ...]  # indexes of the units these items lack


@dataclass
class BestMatch:
    docs: set[int]  # every item in the answer
    groups: list[Group]  # in rank order; the first is the full match when there is one
    full: int  # how many items contain every unit

    def restricted(self, docs: set[int]) -> BestMatch:
        """The same answer limited to `docs` (after `-word` exclusions)."""
        groups = [Group(g.mask, g.docs & docs, g.missing) for g in self.groups]
        groups = [g for g in groups if g.docs]
        full = len(groups[0].docs) if groups and not groups[0].missing else 0
        return BestMatch(self.docs & docs, groups, full)

    def missing_of(self, docnum: int) -> tuple[int, ...]:
        for group in self.groups:
            if docnum in group.docs:
                return group.missing
        return ()


def best_match(unit_docs: Sequence[Set[int]], total_docs: int, enough: int = ENOUGH_FULL_MATCHES) -> BestMatch:
    """Combine the matches of each unit (docnum sets, in query order)."""
    n = len(unit_docs)
    if n == 0:
        return BestMatch(set(), [], 0)
    if n == 1:  # one unit: its matches are the full match
        docs = set(unit_docs[0])
        return BestMatch(docs, [Group(1, frozenset(docs), ())] if docs else [], len(docs))
    full_mask = (1 << n) - 1
    masks: dict[int, int] = {}
    for i, docs in enumerate(unit_docs):
        bit = 1 << i
        for d in docs:
            masks[d] = masks.get(d, 0) | bit
    by_mask: dict[int, set[int]] = {}
    for d, mask in masks.items():
        by_mask.setdefault(mask, set()).add(d)
    idf = [math.log(1 + total_docs / (1 + len(docs))) for docs in unit_docs]
    full = len(by_mask.get(full_mask, ()))
    need = n
    taken = full
    while need > 1 and taken < enough:
        need -= 1
        taken = sum(len(ds) for m, ds in by_mask.items() if m.bit_count() >= need)
    kept = [m for m in by_mask if m.bit_count() >= need]
    kept.sort(key=lambda m: (-m.bit_count(), -sum(idf[i] for i in range(n) if m >> i & 1), m))
    groups = [Group(m, frozenset(by_mask[m]), tuple(i for i in range(n) if not m >> i & 1)) for m in kept]
    docs = set().union(*(g.docs for g in groups)) if groups else set()
    return BestMatch(docs, groups, full)
