"""Query-string parameters ↔ search state, and the URLs of a search page.

Every bit of a search page's state is in its URL, so any page can be bookmarked: `q`, `sort`,
`page`, `per_page` and one repeatable parameter per facet (`section=paper&section=code`).
Values are validated here, before the core sees them; a bad one raises ParamError (a
QueryError, so the app's single error handler turns it into a 400). Facet *counting* is the
core's job; this module only builds the links that toggle a value on or off.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache
from typing import Any
from urllib.parse import quote_plus, urlencode

from werkzeug.datastructures import MultiDict

from kb.errors import QueryError
from kb.search.model import FACET_NAMES, MAX_PER_PAGE, SORTS, FacetSelection, SearchRequest

MAX_Q_BYTES = 10 * 1024  # longer queries are refused (the core itself cuts at 1000 characters)
DEFAULT_PER_PAGE = 20
DEFAULT_SORT = "relevance"
SORT_LABELS: dict[str, str] = {"relevance": "相关度", "newest": "最新", "oldest": "最早"}
_WHOLE_NUMBER = re.compile(r"^[0-9]+$")
_MAX_DIGITS = 9


#: the parameters after the query and the filters, in `pairs()` order
_TAIL = frozenset({"sort", "per_page", "page"})


class ParamError(QueryError):
    """A query-string parameter the web layer refuses (shown to the user as a 400)."""


@dataclass(frozen=True)
class SearchState:
    """One search page's parameters, as read from (and written back to) the URL."""

    q: str = ""
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    sort: str = DEFAULT_SORT
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE

    # -- to the core ------------------------------------------------------------------
    def to_request(self) -> SearchRequest:
        return SearchRequest(
            q=self.q,
            filters={name: list(values) for name, values in self.filters.items() if values},
            sort=self.sort,
            page=self.page,
            per_page=self.per_page,
        )

    @property
    def has_filters(self) -> bool:
        return any(self.filters.values())

    # -- new states ---------------------------------------------------------------------
    def with_selected(self, selections: Iterable[FacetSelection]) -> SearchState:
        """The same search with each facet's selection in the core's canonical spelling, as the
        core resolved it (SearchResult.selections).

        Links built from this state toggle the values the sidebar shows (`Huawei`, not the
        `华为` a user may have typed); values the core could not resolve are dropped.
        """
        selected: dict[str, list[str]] = {}
        for s in selections:
            if s.value is not None and s.value not in selected.setdefault(s.facet, []):
                selected[s.facet].append(s.value)
        return replace(self, filters={k: tuple(v) for k, v in selected.items() if v})

    def toggled(self, name: str, value: str) -> SearchState:
        """This state with `value` of facet `name` switched on or off, back on page 1."""
        values = list(self.filters.get(name, ()))
        if value in values:
            values.remove(value)
        else:
            values.append(value)
        filters = {**self.filters, name: tuple(values)}
        return replace(self, filters={k: v for k, v in filters.items() if v}, page=1)

    def cleared(self) -> SearchState:
        return replace(self, filters={}, page=1)

    # -- to a URL -------------------------------------------------------------------------
    def pairs(self) -> list[tuple[str, str]]:
        """Query-string pairs in a stable order, defaults left out."""
        out = self._head_pairs()
        if self.sort != DEFAULT_SORT:
            out.append(("sort", self.sort))
        if self.per_page != DEFAULT_PER_PAGE:
            out.append(("per_page", str(self.per_page)))
        if self.page != 1:
            out.append(("page", str(self.page)))
        return out

    def query_string(self, **changes: Any) -> str:
        """`?q=…&section=…` for this state with `changes` applied ('' when all defaults); the
        query and the filters encoded once per state (a page links several sorts and pages)."""
        if not changes.keys() <= _TAIL:
            return replace(self, **changes).query_string()
        sort, page = changes.get("sort", self.sort), changes.get("page", self.page)
        per_page = changes.get("per_page", self.per_page)
        parts = [self._encoded_head] if self._encoded_head else []
        if sort != DEFAULT_SORT:
            parts.append(f"sort={quote_plus(str(sort))}")
        if per_page != DEFAULT_PER_PAGE:
            parts.append(f"per_page={quote_plus(str(per_page))}")
        if page != 1:
            parts.append(f"page={quote_plus(str(page))}")
        return "?" + "&".join(parts) if parts else ""

    def _head_pairs(self) -> list[tuple[str, str]]:
        """The query and the filters: the pairs before sort, per_page and page."""
        out: list[tuple[str, str]] = [("q", self.q)] if self.q else []
        for name in FACET_NAMES:
            out += [(name, value) for value in self.filters.get(name, ())]
        return out

    @cached_property
    def _encoded_head(self) -> str:
        return urlencode(self._head_pairs())


class ToggleLinks:
    """The facet links of one search page: `href(name, value)` is `base` plus the query string
    of `state.toggled(name, value)`, the same string, but with everything a link does not
    change (the query, the other facets, sort, per_page) encoded once per page, not per link:
    a sidebar has up to 180 of them."""

    def __init__(self, state: SearchState, base: str) -> None:
        self.base = base
        self.values = {name: state.filters.get(name, ()) for name in FACET_NAMES}
        encoded = [_encode(name, values) if values else "" for name, values in self.values.items()]
        head = [f"q={quote_plus(state.q)}"] if state.q else []
        tail = [("sort", state.sort)] if state.sort != DEFAULT_SORT else []
        tail += [("per_page", str(state.per_page))] if state.per_page != DEFAULT_PER_PAGE else []
        tail_encoded = [urlencode(tail)]
        #: per facet: the encoded query string before and after its own parameters
        self.around: dict[str, tuple[str, str]] = {
            name: (_joined(head + encoded[:i]), _joined(encoded[i + 1 :] + tail_encoded))
            for i, name in enumerate(self.values)
        }
        #: per facet: the href up to its own parameter and after it (its own is never empty
        #: when nothing of the facet is selected: the usual case, a string format)
        self.affixes = {
            name: (f"{base}?{before}&" if before else f"{base}?", f"&{after}" if after else "")
            for name, (before, after) in self.around.items()
        }

    def href(self, name: str, value: str) -> str:
        values = self.values[name]
        if not values:
            prefix, suffix = self.affixes[name]
            return f"{prefix}{_KEYS[name]}={_quote_value(value)}{suffix}"
        toggled = tuple(v for v in values if v != value) if value in values else (*values, value)
        before, after = self.around[name]
        query = _joined((before, _encode(name, toggled), after))
        return f"{self.base}?{query}" if query else self.base


def _encode(name: str, values: Iterable[str]) -> str:
    """`name=v1&name=v2`, as urlencode writes it."""
    key = quote_plus(name)
    return "&".join(f"{key}={_quote_value(v)}" for v in values)


_KEYS = {name: quote_plus(name) for name in FACET_NAMES}

#: quote_plus of facet values, remembered: a sidebar links the same few hundred on every page
_quote_value = lru_cache(maxsize=8192)(quote_plus)


def _joined(parts: Iterable[str]) -> str:
    return "&".join(p for p in parts if p)


@dataclass(frozen=True)
class Limits:
    default: int
    low: int
    high: int | None


DEFAULT_PAGE_LIMITS = Limits(default=1, low=1, high=None)
DEFAULT_PER_PAGE_LIMITS = Limits(default=DEFAULT_PER_PAGE, low=1, high=MAX_PER_PAGE)


def parse_search_args(args: MultiDict[str, str]) -> SearchState:
    """Read and validate a search's query string; unknown parameter names are ignored."""
    q = args.get("q", "")
    if len(q.encode("utf-8", "surrogatepass")) > MAX_Q_BYTES:
        raise ParamError(f"查询过长：最多 {MAX_Q_BYTES // 1024} KB (query too long: at most {MAX_Q_BYTES} bytes)")
    q = " ".join(q.split())
    sort = args.get("sort", "").strip() or DEFAULT_SORT
    if sort not in SORTS:
        raise ParamError(
            f"排序方式 sort 只能是 {' / '.join(SORTS)} (sort must be one of {', '.join(SORTS)}), 收到 {sort[:40]!r}"
        )
    return SearchState(
        q=q,
        filters=read_filters(args),
        sort=sort,
        page=whole_number(args, "page", DEFAULT_PAGE_LIMITS),
        per_page=whole_number(args, "per_page", DEFAULT_PER_PAGE_LIMITS),
    )


#: Distinct values one facet parameter may carry (a facet panel offers far fewer); 400 beyond.
MAX_FACET_VALUES = 20


def read_filters(args: MultiDict[str, str]) -> dict[str, tuple[str, ...]]:
    """Facet selections: one repeatable parameter per facet name; empty and repeated values are
    ignored; more than MAX_FACET_VALUES distinct values for one facet is a ParamError (400)."""
    out: dict[str, tuple[str, ...]] = {}
    for name in FACET_NAMES:
        values = _unique(v.strip() for v in args.getlist(name)[: MAX_FACET_VALUES * 50])
        if len(values) > MAX_FACET_VALUES:
            limit = MAX_FACET_VALUES
            raise ParamError(f"{name} 最多选 {limit} 个值 (at most {limit} values of {name}), 收到 {len(values)}")
        if values:
            out[name] = values
    return out


def is_on(value: str | None) -> bool:
    """A checkbox or flag parameter that is set: `1`, `true` or `on` (what a form sends)."""
    return value in ("1", "true", "on")


def whole_number(args: MultiDict[str, str], name: str, limits: Limits) -> int:
    """Parameter `name` as an integer within `limits` (missing or empty → the default)."""
    raw = args.get(name, "").strip()
    if not raw:
        return limits.default
    if limits.high is None:
        rule = f"{name} 必须是不小于 {limits.low} 的整数"
        english = f"{name} must be a whole number from {limits.low}"
    else:
        rule = f"{name} 必须是 {limits.low} 到 {limits.high} 之间的整数"
        english = f"{name} must be a whole number from {limits.low} to {limits.high}"
    if not _WHOLE_NUMBER.match(raw):
        raise ParamError(f"{rule} ({english}), 收到 {raw[:40]!r}")
    if len(raw.lstrip("0")) > _MAX_DIGITS:
        raise ParamError(f"{name} 太大 ({name} is too large), 收到 {raw[:40]!r}")
    value = int(raw)
    if value < limits.low or (limits.high is not None and value > limits.high):
        raise ParamError(f"{rule} ({english}), 收到 {value}")
    return value


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v for v in values if v))
