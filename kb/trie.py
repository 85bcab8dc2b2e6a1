"""A regular expression matching any of many literal words, built as a trie so Python's regex
engine checks one character class per position instead of trying every word (the company
table has ~500 aliases). Longer words win: each optional tail is greedy."""

from __future__ import annotations

import re
from collections.abc import Iterable


def trie_pattern(words: Iterable[str]) -> str:
    """Regex source matching any of `words` (empty words are ignored)."""
    trie: dict = {}
    for word in words:
        if word:
            node = trie
            for ch in word:
                node = node.setdefault(ch, {})
            node[""] = {}
    return _render(trie) if trie else "(?!)"


def _render(node: dict) -> str:
    branches = [re.escape(ch) + _render(child) for ch, child in sorted(node.items()) if ch]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if "" in node else body
