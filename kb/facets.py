"""The facet registry: one `Facet` entry per facet, in the order the UI shows them.

Each entry says everything about its facet: its name (the URL parameter and `--name` option),
its Chinese label, whether a record carries several values, how a record's values are read
into the facet column at index time, how a value a user typed is resolved to the stored one,
how a stored value is labelled, and how the values are ordered. Adding a facet is one entry
here (and a reindex: `read` shapes the index, so this file is in the schema's fingerprint).

Imports only `kb.records`; the company table is passed in where a facet needs it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from kb.records import SECTION_LABELS, Record, section_from_user


class Names(Protocol):
    """What a facet may ask of the company table (kb.companies.CompanyTable)."""

    def resolve(self, name: str) -> str | None: ...

    def label(self, canonical: str) -> str: ...


def _as_typed(raw: str, names: Names) -> str | None:
    return raw


def _same(value: str, names: Names) -> str:
    return value


@dataclass(frozen=True)
class Facet:
    name: str
    label: str  # Chinese, as the sidebar and notices show it
    read: Callable[[Record], Any]  # the record's value (a tuple when multi-valued) for the column
    multi: bool = False
    resolve: Callable[[str, Names], str | None] = _as_typed  # typed value → stored value, or None
    value_label: Callable[[str, Names], str] = _same  # stored value → what the UI shows
    order: str = "count"  # "count": most first, ties by value; "value-desc": newest first (years)
    prefix: bool = False  # a selected value also matches stored values it begins (CVPR ⊂ CVPR2020)


HAS_LABELS = {"arxiv": "有 arXiv 论文", "code": "有代码"}
_HAS_ALIASES = {"arxiv": "arxiv", "论文": "arxiv", "paper": "arxiv", "code": "code", "代码": "code", "github": "code"}


def _has(record: Record) -> tuple[str, ...]:
    return (("arxiv",) if record.arxiv_ids else ()) + (("code",) if record.repos else ())


#: Every facet, in display order.
FACETS: tuple[Facet, ...] = (
    Facet(
        "section",
        "栏目",
        read=lambda r: r.section,
        resolve=lambda raw, _: section_from_user(raw),
        value_label=lambda v, _: SECTION_LABELS.get(v, v),
    ),
    Facet(
        "company",
        "公司",
        read=lambda r: tuple(r.companies),
        multi=True,
        resolve=lambda raw, names: names.resolve(raw),
        value_label=lambda v, names: names.label(v),
    ),
    Facet(
        "year",
        "年份",
        read=lambda r: r.date[:4],
        resolve=lambda raw, _: raw if raw.isdigit() and len(raw) == 4 else None,
        order="value-desc",
    ),
    Facet("outlet", "来源", read=lambda r: r.outlet),
    Facet("venue", "会议", read=lambda r: r.venue, resolve=lambda raw, _: raw.replace(" ", ""), prefix=True),
    Facet(
        "has",
        "包含",
        read=_has,
        multi=True,
        resolve=lambda raw, _: _HAS_ALIASES.get(raw.lower()),
        value_label=lambda v, _: HAS_LABELS.get(v, v),
    ),
)
FACET_BY_NAME: dict[str, Facet] = {f.name: f for f in FACETS}
FACET_NAMES: tuple[str, ...] = tuple(FACET_BY_NAME)
FACET_LABELS: dict[str, str] = {f.name: f.label for f in FACETS}


def resolve(name: str, raw: str, names: Names) -> str | None:
    """The stored value for what a user typed for facet `name` (华为 → Huawei, 论文 → paper,
    代码 → code, CVPR 2020 → CVPR2020); None when it cannot be one."""
    raw = raw.strip()
    return FACET_BY_NAME[name].resolve(raw, names) or None if raw else None


def value_label(name: str, value: str, names: Names) -> str:
    return FACET_BY_NAME[name].value_label(value, names)
