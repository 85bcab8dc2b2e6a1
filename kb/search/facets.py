"""Facets and filters over the in-memory facet columns: what a typed value means, which
documents pass a selection, and the counts (each facet counted as if its own selection were
removed). Plain data out; URL building is the web layer's job."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Set
from itertools import chain

from kb.records import SECTION_LABELS, section_from_user
from kb.search.index_view import IndexHandle, IndexView
from kb.search.model import FACET_NAMES, FacetValue

MULTI_VALUED = frozenset({"company", "has"})
HAS_LABELS = {"arxiv": "有 arXiv 论文", "code": "有代码"}
_HAS_ALIASES = {
    "arxiv": "arxiv",
    "论文": "arxiv",
    "paper": "arxiv",
    "code": "code",
    "代码": "code",
    "github": "code",
}


def resolve_facet_value(handle: IndexHandle, name: str, raw: str) -> str | None:
    """The stored value for what a user typed for facet `name` (华为 → Huawei, 论文 → paper,
    代码 → code, CVPR 2020 → CVPR2020); None when it cannot be one."""
    raw = raw.strip()
    if not raw:
        return None
    if name == "section":
        return section_from_user(raw)
    if name == "company":
        return handle.companies.resolve(raw)
    if name == "has":
        return _HAS_ALIASES.get(raw.lower())
    if name == "year":
        return raw if raw.isdigit() and len(raw) == 4 else None
    if name == "venue":
        return raw.replace(" ", "")
    return raw


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
    if name in MULTI_VALUED:
        return any(v in values for v in value or ())
    if name == "venue" and value:
        return value in values or any(value.startswith(v) for v in values)
    return value in values


def count_facets(view: IndexView, docs: Set[int], selections: dict[str, set[str]], handle: IndexHandle, limit: int):
    """The selected subset and every facet's counts, each facet counted as if its own
    selection were removed (OR within a facet, AND across facets)."""
    if not selections:
        final = docs
        if docs is view.live_set:
            counts = view.cached("counts", lambda: {n: _count(view, n, docs) for n in FACET_NAMES})
        else:
            counts = {name: _count(view, name, docs) for name in FACET_NAMES}
    else:
        passing = {
            name: {d for d in docs if matches(view.columns[name][d], name, values)}
            for name, values in selections.items()
        }
        docs = set(docs)
        final = docs.intersection(*passing.values())
        counts = {}
        for name in FACET_NAMES:
            others = [p for n, p in passing.items() if n != name]
            counts[name] = _count(view, name, docs.intersection(*others) if others else docs)
    out = {}
    for name in FACET_NAMES:
        selected = selections.get(name, set())
        if name == "year":  # years newest first, the rest by count
            ranked = sorted(counts[name].items(), reverse=True)
        else:
            ranked = sorted(counts[name].items(), key=lambda kv: (-kv[1], kv[0]))
        top = dict(ranked[:limit])
        extra = [(v, counts[name].get(v, 0)) for v in selected if v not in top and v != "\0none"]
        out[name] = [FacetValue(v, _label(name, v, handle), c, v in selected) for v, c in ranked[:limit] + extra]
    return final, out


def _count(view: IndexView, name: str, docs: Iterable[int]) -> Counter:
    column = view.columns[name]
    if name in MULTI_VALUED:
        return Counter(chain.from_iterable(column[d] for d in docs))
    counts = Counter(column[d] for d in docs)
    counts.pop("", None)
    counts.pop(None, None)
    return counts


def _label(name: str, value: str, handle: IndexHandle) -> str:
    if name == "section":
        return SECTION_LABELS.get(value, value)
    if name == "company":
        return handle.companies.label(value)
    if name == "has":
        return HAS_LABELS.get(value, value)
    return value
