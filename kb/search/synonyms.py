"""Cross-lingual synonym groups (quantization ↔ 量化 ↔ int8 …) from YAML, keyed by the analyzed
form of each term so that a query word finds its group however it is spelled or inflected."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from kb.analysis import analyze
from kb.errors import ConfigError
from kb.tables import read_table


class Synonyms:
    def __init__(self, groups: list[list[str]]) -> None:
        self.groups = [list(dict.fromkeys(str(t) for t in g)) for g in groups if g]
        self._by_key: dict[tuple[str, ...], int] = {}
        for index, group in enumerate(self.groups):
            for term in group:
                self._by_key.setdefault(tuple(analyze(term)), index)

    def expand(self, word: str) -> list[str]:
        """The other terms of `word`'s group ([] when it has none)."""
        index = self._by_key.get(tuple(analyze(word)))
        if index is None:
            return []
        key = tuple(analyze(word))
        return [t for t in self.groups[index] if tuple(analyze(t)) != key]


def load_synonyms(path: str | Path) -> Synonyms:
    groups = read_table(path, "synonym table").get("groups", [])
    if not isinstance(groups, list) or not all(isinstance(g, list) for g in groups):
        raise ConfigError(f"synonym table {path}: 'groups' must be a list of lists")
    return Synonyms(groups)


@lru_cache(maxsize=8)
def cached_synonyms(path: str, mtime: float) -> Synonyms:
    return load_synonyms(path)
