"""Facets and filters over the in-memory facet columns: what a typed value means, which
documents pass a selection, and the counts (each facet counted as if its own selection were
removed). Plain data out; URL building is the web layer's job."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Set
from functools import lru_cache, partial
from itertools import chain
from operator import itemgetter

from kb.facets import FACET_BY_NAME, FACETS, Facet, resolve
from kb.search.index_view import IndexHandle, IndexView
from kb.search.model import FacetValue


def resolve_facet_value(handle: IndexHandle | IndexView, name: str, raw: str) -> str | None:
    """The stored value for what a user typed for facet `name` (see kb.facets.resolve)."""
    return resolve(name, raw, handle.companies)


def date_range(value: str, notices: list[str]) -> tuple[str, str] | None:
    lo, sep, hi = value.partition("..")
    lo, hi = lo.strip(), (hi.strip() if sep else lo.strip())
    ok = all(not part or (part[:4].isdigit() and len(part) in (4, 7, 10)) for part in (lo, hi))
    if not ok or not (lo or hi):
        notices.append(f"看不懂日期 {value!r}，请写 2020、2020-01 或 2020-01..2020-06 (date filter not understood)")
        return None
    return lo, hi


def in_range(date: str, bounds: tuple[str, str] | None) -> bool:
    if bounds is None:
        return True
    lo, hi = bounds
    return (not lo or date[: len(lo)] >= lo) and (not hi or date[: len(hi)] <= hi)


def matches(value, name: str, values: set[str]) -> bool:
    """The rule, for one document's stored `value`: `docs_matching` answers it for a whole
    generation from its value index (the tests compare the two)."""
    facet = FACET_BY_NAME[name]
    if facet.multi:
        return any(v in values for v in value or ())
    if facet.prefix and value:
        return value in values or any(value.startswith(v) for v in values)
    return value in values


def docs_matching(view: IndexView, name: str, values: Iterable[str]) -> set[int]:
    """The live documents whose facet `name` matches one of `values` (what `matches` decides
    per document), from the generation's index of each value's documents."""
    index = value_docs(view, name)
    values = set(values)
    out: set[int] = set()
    for v in values:
        out.update(index.get(v, ()))
    if FACET_BY_NAME[name].prefix:  # CVPR matches CVPR2020 too
        for stored, docs in index.items():
            if stored and any(stored.startswith(v) for v in values):
                out.update(docs)
    return out


def value_docs(view: IndexView, name: str) -> dict:
    """Facet `name`'s stored values → their documents (a multi-valued facet's values one by
    one), built once per generation."""
    return view.cached(("value_docs", name), lambda: _value_docs(view, name))


def _value_docs(view: IndexView, name: str) -> dict:
    index: dict = {}
    multi = FACET_BY_NAME[name].multi
    for docnum, value in view.columns[name].items():
        for v in value or () if multi else (value,):
            index.setdefault(v, set()).add(docnum)
    return {v: frozenset(docs) for v, docs in index.items()}


def count_facets(view: IndexView, docs: Set[int], selections: dict[str, set[str]], limit: int):
    """The selected subset and every facet's counts, each facet counted as if its own
    selection were removed (OR within a facet, AND across facets)."""
    if not selections:
        final = docs
        if docs is view.live_set:
            counts = view.cached("counts", lambda: {f.name: _count(view, f.name, docs) for f in FACETS})
        else:
            counts = {f.name: _count(view, f.name, docs) for f in FACETS}
    else:
        docs = set(docs)
        passing = {name: docs & docs_matching(view, name, values) for name, values in selections.items()}
        final = docs.intersection(*passing.values())
        counts = {}
        for facet in FACETS:
            others = [p for n, p in passing.items() if n != facet.name]
            counts[facet.name] = _count(view, facet.name, docs.intersection(*others) if others else docs)
    out = {}
    for facet in FACETS:
        counted = counts[facet.name]
        selected = selections.get(facet.name, set())
        if facet.order == "value-desc":
            ranked = sorted(counted.items(), reverse=True)[:limit]
        else:  # most first, ties by value: a stable sort by count after one by value
            ranked = sorted(sorted(counted.items()), key=itemgetter(1), reverse=True)[:limit]
        if selected:
            top = dict(ranked)
            ranked += [(v, counted.get(v, 0)) for v in selected if v not in top and v != "\0none"]
        labels = _labels(view, facet)
        out[facet.name] = [FacetValue(v, labels(v), c, v in selected) for v, c in ranked]
    return final, out


def _labels(view: IndexView, facet: Facet) -> Callable[[str], str]:
    """`facet`'s value labels in this generation (its company table), each made once."""
    return view.cached(("facet_labels", facet.name), lambda: lru_cache(maxsize=4096)(partial(_label, facet, view)))


def _label(facet: Facet, view: IndexView, value: str) -> str:
    return facet.value_label(value, view.companies)


def _count(view: IndexView, name: str, docs: Iterable[int]) -> Counter:
    values = map(view.columns[name].__getitem__, docs)  # no Python frame per document
    if FACET_BY_NAME[name].multi:
        return Counter(chain.from_iterable(values))
    counts = Counter(values)
    counts.pop("", None)
    counts.pop(None, None)
    return counts
