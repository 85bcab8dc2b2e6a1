"""BM25F scores of every match of a query, term at a time, equal to Whoosh's own.

Whoosh scores a query by walking a tree of matchers document at a time in Python: on 80,000
records a common word costs a few hundred milliseconds, and a best-match search needs every
unit's matches and the ranking of the union. `Scores` reads each term's postings block by block
and scores them with Whoosh's formula and statistics (BM25F: the generation's IDF, average field
length and quantised field lengths), then combines the units as Whoosh's matchers do: Or sums,
And sums over the documents in all, DisMax takes the best plus the tiebreak share of the other,
a boost multiplies. A phrase takes its documents from Whoosh (positions) and scores them as the
And of its words, as Whoosh's span matcher does. Any other query is scored by Whoosh itself.

One `Scores` per index generation (kb.search.index_view.IndexView.scores): field lengths and
average lengths are loaded once per field, lazily.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

from whoosh import query as Q
from whoosh import scoring
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.reading import TermNotFound
from whoosh.util.numeric import byte_to_length

from kb.search.dismax import DisMax

#: docnum → score
ScoreMap = dict[int, float]

_LENGTHS = [byte_to_length(b) if b else None for b in range(256)]


class Scores:
    """Scores queries against one open searcher (thread-safe; the searcher is the caller's)."""

    def __init__(self, live: frozenset[int], searcher) -> None:
        check_weighting(searcher)
        self.live = live
        self._lengths: dict[str, list] = {}
        self._avgfl: dict[str, float] = {}
        self._lock = threading.Lock()

    def of(self, searcher, query: Q.Query) -> ScoreMap:
        """Every live document `query` matches, with its score."""
        return self._eval(searcher, query)

    # -- the query tree ------------------------------------------------------------
    def _eval(self, searcher, query: Q.Query) -> ScoreMap:
        boost = getattr(query, "boost", 1.0)
        if isinstance(query, Q.Term):
            out = self._term(searcher, query.fieldname, query.text)
        elif isinstance(query, DisMax):
            out = _dismax([self._eval(searcher, q) for q in query.subqueries], query.tiebreak)
        elif type(query) is Q.Or and getattr(query, "scale", None) is None:
            out = _sum(self._eval(searcher, q) for q in query.subqueries)
        elif type(query) is Q.And:
            out = _sum_all([self._eval(searcher, q) for q in query.subqueries])
        elif type(query) is Q.Phrase:
            out = self._phrase(searcher, query)
        elif query is Q.NullQuery:
            return {}
        else:  # anything else: Whoosh scores it
            return {h.docnum: h.score for h in searcher.search(query, limit=None) if h.docnum in self.live}
        if boost != 1.0:
            out = {d: s * boost for d, s in out.items()}
        return out

    def _phrase(self, searcher, query: Q.Phrase) -> ScoreMap:
        docs = set(searcher.docs_for_query(query))
        if not docs:
            return {}
        words = _sum_all([self._term(searcher, query.fieldname, w) for w in query.words])
        return {d: s for d, s in words.items() if d in docs}

    # -- one term --------------------------------------------------------------------
    def _term(self, searcher, field: str, text) -> ScoreMap:
        schema = searcher.schema
        if field not in schema:
            return {}
        try:
            btext = schema[field].to_bytes(text)
        except ValueError:
            return {}
        leaves = _leaves(searcher)
        matchers = [(sub, offset, _matcher(sub.reader(), field, btext)) for sub, offset in leaves]
        if not any(m is not None for _, _, m in matchers):  # the term is in no segment
            return {}
        scorable = schema[field].scorable
        if scorable:
            idf = searcher.idf(field, btext)
            avgfl = self._avg_length(searcher, field)
            lengths = self._field_lengths(searcher, field)
            k1, b = _K1, _B
            norm0, norm1 = k1 * (1 - b), k1 * b / avgfl
            k1p1 = k1 + 1
        out: ScoreMap = {}
        live = self.live
        for _sub, offset, matcher in matchers:
            if matcher is None:
                continue
            for docnum, weight in _postings(matcher):
                d = docnum + offset
                if d not in live:
                    continue
                if scorable:
                    out[d] = idf * (weight * k1p1) / (weight + norm0 + norm1 * lengths[d])
                else:
                    out[d] = weight
        return out

    def _avg_length(self, searcher, field: str) -> float:
        avgfl = self._avgfl.get(field)
        if avgfl is None:
            avgfl = self._avgfl[field] = searcher.avg_field_length(field) or 1
        return avgfl

    def _field_lengths(self, searcher, field: str) -> list:
        lengths = self._lengths.get(field)
        if lengths is None:
            with self._lock:
                lengths = self._lengths.get(field)
                if lengths is None:
                    lengths = self._lengths[field] = _read_lengths(searcher, field)
        return lengths


_K1, _B = scoring.BM25F().K1, scoring.BM25F().B


def check_weighting(searcher) -> None:
    """The formula above is Whoosh's BM25F with its default parameters: refuse anything else."""
    w = searcher.weighting
    if type(w) is not scoring.BM25F or w.K1 != _K1 or w.B != _B or w._field_B:
        raise TypeError(f"kb.search.scoring implements BM25F(B={_B}, K1={_K1}) only, not {w!r}")


def _matcher(reader, field: str, btext: bytes):
    """The term's postings in one segment, or None where it has none (one look-up of the term,
    not a membership test and then the postings)."""
    try:
        return reader.postings(field, btext)
    except TermNotFound:
        return None


def _leaves(searcher) -> list[tuple]:
    subs = searcher.subsearchers if not searcher.is_atomic() else [(searcher, 0)]
    return list(subs)


def _postings(matcher) -> Iterable[tuple[int, float]]:
    """(docnum, weight) of a term's postings in one segment; whole blocks at a time when the
    matcher is Whoosh's on-disk one (the usual case), else one posting at a time."""
    if type(matcher) is W3LeafMatcher:
        while matcher.is_active():
            if matcher._ids is None:
                matcher._read_ids()
            if matcher._weights is None:
                matcher._read_weights()
            i = matcher._i
            yield from zip(matcher._ids[i:], matcher._weights[i:], strict=True)
            matcher._i = matcher._blocklength - 1
            matcher.next()
        return
    while matcher.is_active():
        yield matcher.id(), matcher.weight()
        matcher.next()


def _read_lengths(searcher, field: str) -> list:
    """Quantised length of `field` per docnum, as Whoosh's scorer reads it (1 with no column)."""
    out: list = []
    for sub, _offset in _leaves(searcher):
        reader = sub.reader()
        count = reader.doc_count_all()
        perdoc = getattr(reader, "_perdoc", None)
        column = perdoc._cached_reader(_lenfield(field), LENGTHS_COLUMN) if perdoc is not None else None
        if column is None:
            out.extend(reader.doc_field_length(n, field, 1) for n in range(count))
        else:
            out.extend(_LENGTHS[b] for b in (column[n] for n in range(count)))
    return out


def _sum(maps: Iterable[ScoreMap]) -> ScoreMap:
    out: ScoreMap = {}
    for m in maps:
        if not out:
            out = dict(m)
            continue
        get = out.get
        for d, s in m.items():
            out[d] = get(d, 0.0) + s
    return out


def _sum_all(maps: list[ScoreMap]) -> ScoreMap:
    if not maps or not all(maps):
        return {}
    maps = sorted(maps, key=len)
    common = set(maps[0]).intersection(*maps[1:])
    return {d: sum(m[d] for m in maps) for d in common}


def _dismax(maps: list[ScoreMap], tiebreak: float) -> ScoreMap:
    out: ScoreMap = {}
    for m in maps:
        for d, s in m.items():
            if d in out:
                high, low = max(out[d], s), min(out[d], s)
                out[d] = high + tiebreak * low
            else:
                out[d] = s
    return out
