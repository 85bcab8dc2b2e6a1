"""The tables that turn words into concepts: companies, synonym groups and the glossary.

A concept is one of them, named by a stable id: `co:Huawei`, `syn:quantization`,
`gl:acquisition`. The indexer tags each record's title and body with the concepts they mention
(once per mention, so a text that names a concept in several forms counts more), and the search
core recognises the same concepts in a query, longest match first. Both sides use `Tables`,
so a word is read the same way when it is stored and when it is asked for.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from kb.analysis import index_positions
from kb.companies import CompanyTable, load_companies
from kb.config import Config
from kb.synonyms import TermGroups, load_glossary, load_synonyms

COMPANY_PREFIX = "co:"


@dataclass(frozen=True)
class Tables:
    companies: CompanyTable
    synonyms: TermGroups
    glossary: TermGroups

    @property
    def groups(self) -> tuple[TermGroups, TermGroups]:
        """The term groups, synonyms first (a word in both is read as a synonym)."""
        return (self.synonyms, self.glossary)

    def concepts(self, text: str) -> Counter[str]:
        """Concept id → mentions in `text`: every group term and company name it contains."""
        at = index_positions(text)
        found: Counter[str] = Counter()
        for groups in self.groups:
            found.update(groups.occurrences_at(at))
        for name in self.companies.find(text):
            found[COMPANY_PREFIX + name] += 1
        return found

    def concept_terms(self, text: str) -> str:
        """`concepts(text)` as the comma-separated terms of a concept field (repeated per mention,
        so BM25 sees the frequency)."""
        return ",".join(key for key, n in sorted(self.concepts(text).items()) for _ in range(n))

    def group_terms(self, concept: str) -> list[str]:
        """The written forms of a concept (group terms, or a company's spellings)."""
        if concept.startswith(COMPANY_PREFIX):
            return self.companies.spellings(concept[len(COMPANY_PREFIX) :])
        for groups in self.groups:
            if concept.startswith(groups.prefix + ":"):
                return groups.terms(concept)
        return []


def load_tables(config: Config) -> Tables:
    """The tables named by the configuration; ConfigError names a bad file."""
    return _load(config.companies, config.synonyms, config.glossary)


def _load(companies: Path, synonyms: Path, glossary: Path) -> Tables:
    return Tables(load_companies(companies), load_synonyms(synonyms), load_glossary(glossary))


#: The names of the table files inside an index generation, in table_files' order.
TABLE_NAMES = ("companies.yaml", "userdict.yaml", "synonyms.yaml", "glossary.yaml")


def table_files(config: Config) -> tuple[Path, ...]:
    """The files the tables are read from (part of the index fingerprint)."""
    return (config.companies, config.userdict, config.synonyms, config.glossary)


def generation_tables(folder: Path, config: Config) -> tuple[Tables, Path]:
    """The tables a generation was built with (its `tables/` folder) and its user dictionary;
    the configured ones for an index built before generations kept their tables."""
    if not (folder / TABLE_NAMES[0]).is_file():
        return cached_tables(config), config.userdict
    companies, userdict, synonyms, glossary = (folder / name for name in TABLE_NAMES)
    files = (companies, synonyms, glossary)
    return _cached(files, tuple(_mtime(f) for f in files)), userdict


def cached_tables(config: Config) -> Tables:
    """`load_tables`, once per process for the same files and modification times."""
    files = (config.companies, config.synonyms, config.glossary)
    return _cached(files, tuple(_mtime(f) for f in files))


@lru_cache(maxsize=8)
def _cached(files: tuple[Path, Path, Path], mtimes: tuple[float, ...]) -> Tables:
    return _load(*files)


def _mtime(path: Path) -> float:
    try:
        return Path(path).stat().st_mtime
    except OSError:
        return 0.0
