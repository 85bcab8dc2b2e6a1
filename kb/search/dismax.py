"""A dis-max query that scores correctly.

Whoosh's `DisjunctionMaxMatcher.score` (2.7.x, whoosh-reloaded 2.7.5) returns the larger score
of its two sub-matchers without checking that both stand on the current document, so a document
matching one alternative is scored with another document's score, and its `tiebreak` is
ignored. `DisMax` is Whoosh's `DisjunctionMax` with a matcher that scores only the
sub-matchers on the current document: best alternative + tiebreak × the others.
"""

from __future__ import annotations

from whoosh import matching
from whoosh import query as Q


class _DisMaxMatcher(matching.DisjunctionMaxMatcher):
    def copy(self):
        return self.__class__(self.a.copy(), self.b.copy(), tiebreak=self.tiebreak)

    def _scores(self) -> list[float]:
        current = self.id()
        return [m.score() for m in (self.a, self.b) if m.is_active() and m.id() == current]

    def score(self) -> float:
        scores = self._scores()
        if len(scores) == 1:
            return scores[0]
        high, low = max(scores), min(scores)
        return high + self.tiebreak * low

    def max_quality(self) -> float:
        return max(self.a.max_quality(), self.b.max_quality()) * (1 + self.tiebreak)

    def block_quality(self) -> float:
        return max(self.a.block_quality(), self.b.block_quality()) * (1 + self.tiebreak)

    def replace(self, minquality=0):
        # never prune by quality (the tiebreak makes the bound loose); keep the tiebreak
        a, b = self.a.replace(), self.b.replace()
        if not a.is_active():
            return b
        if not b.is_active():
            return a
        if a is not self.a or b is not self.b:
            return self.__class__(a, b, tiebreak=self.tiebreak)
        return self

    def supports_block_quality(self) -> bool:
        return False


class DisMax(Q.DisjunctionMax):
    """Matches any subquery; scores the best one plus `tiebreak` × the rest."""

    def _matcher(self, subs, searcher, context):
        reader = searcher.reader()
        return self._tree_matcher(
            subs, _DisMaxMatcher, searcher, context, lambda q: q.estimate_size(reader), tiebreak=self.tiebreak
        )
