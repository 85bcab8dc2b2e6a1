"""Cross-lingual synonym groups (quantization ↔ 量化 ↔ int8 …) from YAML, keyed by the analyzed
form of each term so that a word finds its group however it is spelled or inflected.

Expansion happens at index time: `groups_in` tags each record with the groups its text mentions
(as `syn:N` concept terms), so a query word adds one term, not one per synonym."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from kb.analysis import KbAnalyzer, analyze
from kb.errors import ConfigError
from kb.tables import read_table


class Synonyms:
    def __init__(self, groups: list[list[str]]) -> None:
        self.groups = [list(dict.fromkeys(str(t) for t in g)) for g in groups if g]
        self._by_key: dict[tuple[str, ...], int] = {}
        for index, group in enumerate(self.groups):
            for term in group:
                self._by_key.setdefault(tuple(analyze(term)), index)
        self._by_first: dict[str, list[tuple[tuple[str, ...], int]]] = {}
        for key, index in self._by_key.items():
            if key:
                self._by_first.setdefault(key[0], []).append((key, index))

    def group_of(self, word: str) -> int | None:
        return self._by_key.get(tuple(analyze(word)))

    def expand(self, word: str) -> list[str]:
        """The other terms of `word`'s group ([] when it has none)."""
        index = self.group_of(word)
        if index is None:
            return []
        key = tuple(analyze(word))
        return [t for t in self.groups[index] if tuple(analyze(t)) != key]

    def groups_in(self, text: str) -> set[int]:
        """Groups one of whose terms occurs in `text` (as whole analyzed words, in order)."""
        at: dict[int, set[str]] = {}
        for token in KbAnalyzer()(text, positions=True, mode="index"):
            at.setdefault(token.pos, set()).add(token.text)
        found: set[int] = set()
        for pos, words in at.items():
            for word in words:
                for key, index in self._by_first.get(word, ()):
                    if index not in found and all(key[i] in at.get(pos + i, ()) for i in range(1, len(key))):
                        found.add(index)
        return found


def load_synonyms(path: str | Path) -> Synonyms:
    groups = read_table(path, "synonym table").get("groups", [])
    if not isinstance(groups, list) or not all(isinstance(g, list) for g in groups):
        raise ConfigError(f"synonym table {path}: 'groups' must be a list of lists")
    return Synonyms(groups)


@lru_cache(maxsize=8)
def cached_synonyms(path: str, mtime: float) -> Synonyms:
    return load_synonyms(path)
