"""The company alias table: canonical names, their spellings, products and GitHub owners.

Loaded from YAML (`kb/data/companies.yaml` by default). `find` returns canonical names
mentioned in a text: Latin names match on word boundaries (ARM is not found in ARMv8 or
arm64), longest alias first (华为海思 before 华为), short Latin aliases case-sensitively.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from kb.errors import ConfigError
from kb.tables import read_table
from kb.trie import trie_pattern

_CASE_SENSITIVE_MAX = 4  # ARM, AMD, LG, SONY...: exact case only


@dataclass(frozen=True)
class Mention:
    """One name in a text: where it stands, its canonical company, whether it is a product."""

    start: int
    end: int
    surface: str
    company: str
    product: bool


@dataclass
class CompanyTable:
    aliases: dict[str, str] = field(default_factory=dict)  # alias -> canonical
    products: dict[str, str] = field(default_factory=dict)  # product -> canonical
    owners: dict[str, str] = field(default_factory=dict)  # github owner (lower) -> canonical
    labels: dict[str, str] = field(default_factory=dict)  # canonical -> Chinese label
    not_companies: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        names = {**self.products, **self.aliases}
        self._lookup = {k.lower(): v for k, v in names.items()}
        self._company_names = {k.lower(): v for k, v in self.aliases.items()}
        self._company_names.update({c.lower(): c for c in self.labels})
        self._exact_latin = {k for k in names if k.isascii()}
        self._cjk = re.compile(trie_pattern(k for k in names if not k.isascii()))
        latin = trie_pattern(k.lower() for k in self._exact_latin)
        self._latin = re.compile(rf"(?<![A-Za-z0-9_.-])(?:{latin})(?![A-Za-z0-9_]|-[A-Za-z])", re.IGNORECASE)
        self._mentions = lru_cache(maxsize=4096)(self._find_mentions)  # each rule asks of the same texts

    def find(self, text: str) -> list[str]:
        """Canonical companies mentioned in `text`, in order of first mention."""
        return list(dict.fromkeys(m.company for m in self.mentions(text)))

    def mentions(self, text: str) -> list[Mention]:
        """Every company or product name in `text`, in order, with its place."""
        return list(self._mentions(text)) if text else []

    def _find_mentions(self, text: str) -> tuple[Mention, ...]:
        hits = [m for m in self._cjk.finditer(text)]
        hits += [
            m
            for m in self._latin.finditer(text)
            if len(m.group(0)) > _CASE_SENSITIVE_MAX or m.group(0) in self._exact_latin
        ]
        out: list[Mention] = []
        for m in sorted(hits, key=lambda m: (m.start(), -m.end())):
            if out and m.start() < out[-1].end:
                continue  # inside a longer name: Arm in Arm中国 (the Latin and CJK patterns overlap)
            low = m.group(0).lower()
            out.append(Mention(m.start(), m.end(), m.group(0), self._lookup[low], low not in self._company_names))
        return tuple(out)

    def resolve(self, name: str) -> str | None:
        """Canonical company for an alias, a product or a canonical name (any case)."""
        low = name.strip().lower()
        return self._company_names.get(low) or self._lookup.get(low) if low else None

    def resolve_name(self, name: str) -> str | None:
        """Canonical company for a company name only (not a product), any case."""
        return self._company_names.get(name.strip().lower())

    def spellings(self, canonical: str) -> list[str]:
        """Every alias of a canonical company (for query expansion)."""
        return [a for a, c in self.aliases.items() if c == canonical]

    def label(self, canonical: str) -> str:
        zh = self.labels.get(canonical, "")
        return f"{zh} {canonical}" if zh and zh != canonical else canonical


def load_companies(path: str | Path) -> CompanyTable:
    """Read and check a company table; ConfigError names the bad entry."""
    data = read_table(path, "company table")
    companies = data.get("companies") or {}
    if not isinstance(companies, dict):
        raise ConfigError(f"company table {path}: 'companies' must be a mapping")
    aliases: dict[str, str] = {}
    labels: dict[str, str] = {}
    for canonical, entry in companies.items():
        entry = entry or {}
        if not isinstance(entry, dict):
            raise ConfigError(f"company table {path}: entry {canonical!r} must be a mapping")
        labels[str(canonical)] = str(entry.get("zh", "") or "")
        names = [str(canonical), *(str(a) for a in entry.get("aliases", []) or [])]
        if labels[str(canonical)]:
            names.append(labels[str(canonical)])
        for alias in names:
            aliases.setdefault(alias, str(canonical))
    products = {str(k): str(v) for k, v in (data.get("products") or {}).items()}
    owners = {str(k).lower(): str(v) for k, v in (data.get("github_owners") or {}).items()}
    for kind, mapping in (("products", products), ("github_owners", owners)):
        for key, value in mapping.items():
            if value not in labels:
                raise ConfigError(f"company table {path}: {kind} entry {key!r} names unknown company {value!r}")
    return CompanyTable(
        aliases=aliases,
        products=products,
        owners=owners,
        labels=labels,
        not_companies=frozenset(str(x) for x in data.get("not_companies", []) or []),
    )


@lru_cache(maxsize=8)
def cached_companies(path: str) -> CompanyTable:
    return load_companies(path)
