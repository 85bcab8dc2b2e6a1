"""Term groups from YAML: the cross-lingual synonym groups (quantization ↔ 量化 ↔ int8 …) and the
bilingual glossary of everyday words (acquisition ↔ 收购). Each group is keyed by the analyzed
form of its terms, so a word finds its group however it is spelled or inflected, and carries a
stable id made from its first term (`syn:quantization`, `gl:acquisition`): inserting a group in
the middle of the file renumbers nothing.

Expansion happens at index time: `occurrences_at` tags a text with the groups it mentions (as
concept terms, once per mention), so a query word adds one term, not one per synonym. At query
time `match_at` recognises a group term of several words (`object detection`) as one unit.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence, Set
from pathlib import Path

from kb.analysis import analyze
from kb.errors import ConfigError
from kb.tables import read_table

#: Longest group term, in tokens, that the matchers look for.
MAX_TERM_TOKENS = 6


#: Suffix of the concept id that narrower terms (instances) of a group are indexed under.
NARROWER = "/nt"


class TermGroups:
    """Groups of interchangeable terms, each with a stable id `PREFIX:slug`; a group may also
    list narrower terms (instances of the concept), indexed under `PREFIX:slug/nt`."""

    def __init__(self, groups: Sequence, prefix: str = "syn") -> None:
        self.prefix = prefix
        entries = [_entry(g) for g in groups if g]
        entries = [(terms, narrower) for terms, narrower in entries if terms]
        self.groups: list[list[str]] = [terms for terms, _ in entries]
        self.narrower: list[list[str]] = [narrower for _, narrower in entries]
        self.ids: list[str] = _stable_ids(prefix, self.groups)
        self._by_key: dict[tuple[str, ...], int] = {}
        for index, group in enumerate(self.groups):
            for term in group:
                key = tuple(analyze(term))
                if key and len(key) <= MAX_TERM_TOKENS:
                    self._by_key.setdefault(key, index)
        found: dict[tuple[str, ...], str] = {key: self.ids[i] for key, i in self._by_key.items()}
        for index, terms in enumerate(self.narrower):
            for term in terms:
                key = tuple(analyze(term))
                if key and len(key) <= MAX_TERM_TOKENS and key not in found:
                    found[key] = self.ids[index] + NARROWER
        self._by_first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for key, concept in sorted(found.items(), key=lambda kv: -len(kv[0])):
            self._by_first.setdefault(key[0], []).append((key, concept))
        self._firsts = frozenset(self._by_first)

    def has_narrower(self, group_id: str) -> bool:
        try:
            return bool(self.narrower[self.ids.index(group_id)])
        except ValueError:
            return False

    def terms(self, group_id: str) -> list[str]:
        """Every term of a group (then its narrower terms), as written in the table."""
        try:
            index = self.ids.index(group_id)
        except ValueError:
            return []
        return self.groups[index] + self.narrower[index]

    def match_at(self, tokens: Sequence[str], start: int) -> tuple[int, str] | None:
        """The longest group term starting at `tokens[start]`: (length in tokens, group id).
        A narrower term is not the concept: asking for TVM does not widen to every compiler."""
        for key, concept in self._by_first.get(tokens[start], ()):
            if not concept.endswith(NARROWER) and tuple(tokens[start : start + len(key)]) == key:
                return len(key), concept
        return None

    def occurrences_at(self, at: Sequence[Set[str]]) -> Counter[str]:
        """Group id → number of mentions, over the token sets per word position of an analyzed
        text (`kb.analysis.index_positions`): whole analyzed words, in order."""
        found: Counter[str] = Counter()
        by_first = self._by_first
        firsts = self._firsts
        size = len(at)
        for pos, words in enumerate(at):
            if firsts.isdisjoint(words):  # no group term starts here (most positions)
                continue
            for word in words:
                for key, concept in by_first.get(word, ()):
                    n = len(key)
                    if n == 1 or (pos + n <= size and all(key[i] in at[pos + i] for i in range(1, n))):
                        found[concept] += 1
                        break
        return found


def _entry(group) -> tuple[list[str], list[str]]:
    """(terms, narrower terms) of a list entry or a `{terms: [...], narrower: [...]}` entry."""
    if isinstance(group, dict):
        terms, narrower = group.get("terms") or [], group.get("narrower") or []
    else:
        terms, narrower = group, []
    return list(dict.fromkeys(str(t) for t in terms)), list(dict.fromkeys(str(t) for t in narrower))


def _stable_ids(prefix: str, groups: list[list[str]]) -> list[str]:
    """`prefix:slug-of-first-term`, made unique with a numeric suffix if two slugs collide."""
    ids, seen = [], Counter()
    for group in groups:
        slug = re.sub(r"[\s_/]+", "-", group[0].strip().lower()) or "group"
        seen[slug] += 1
        ids.append(f"{prefix}:{slug}" if seen[slug] == 1 else f"{prefix}:{slug}~{seen[slug]}")
    return ids


def _load(path: str | Path, what: str, key: str, prefix: str) -> TermGroups:
    groups = read_table(path, what).get(key, [])
    ok = isinstance(groups, list) and all(
        isinstance(g, list) or (isinstance(g, dict) and isinstance(g.get("terms"), list)) for g in groups
    )
    if not ok:
        raise ConfigError(f"{what} {path}: {key!r} must be a list of lists (or of {{terms: [...]}} entries)")
    return TermGroups(groups, prefix)


def load_synonyms(path: str | Path) -> TermGroups:
    """The synonym groups (`groups: [[...], ...]`)."""
    return _load(path, "synonym table", "groups", "syn")


def load_glossary(path: str | Path) -> TermGroups:
    """The bilingual glossary (`entries: [[english..., 中文...], ...]`)."""
    return _load(path, "glossary", "entries", "gl")
