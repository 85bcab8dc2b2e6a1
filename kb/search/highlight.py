"""Highlighting as data: where the matched words stand in a text (character spans), and the
best summary window with its spans. No markup: the web layer renders `<mark>` (escaping the
text), the CLI its own bold.

Uses the project analyzer's character offsets, so Chinese words, stemmed English and words
found through synonyms are marked exactly where they stand.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from kb.analysis import index_tokens
from kb.search.model import Spans


@dataclass(frozen=True)
class Terms:
    """What to mark: single words, and phrases (token sequences) marked only where whole."""

    words: frozenset[str] = frozenset()
    phrases: frozenset[tuple[str, ...]] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.words or self.phrases)


@lru_cache(maxsize=4096)
def _layout(text: str) -> tuple[dict[int, dict[str, tuple[int, int]]], dict[str, list[int]]]:
    """Where each token of `text` stands: word position → token → character span, and token →
    the positions it occurs at."""
    at: dict[int, dict[str, tuple[int, int]]] = {}
    starts: dict[str, list[int]] = {}
    for token, pos, start, end in index_tokens(text):
        at.setdefault(pos, {})[token] = (start, end)
        starts.setdefault(token, []).append(pos)
    return at, starts


@lru_cache(maxsize=4096)
def _spans(text: str, terms: Terms) -> Spans:
    at, starts = _layout(text)
    spans = [at[pos][word] for word in terms.words for pos in starts.get(word, ())]
    for phrase in terms.phrases:
        for pos in starts.get(phrase[0], ()):
            if all(phrase[i] in at.get(pos + i, {}) for i in range(1, len(phrase))):
                spans.append((at[pos][phrase[0]][0], at[pos + len(phrase) - 1][phrase[-1]][1]))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return tuple(merged)


def spans(text: str, terms: Terms) -> Spans:
    """The [start, end) ranges of the matches in `text`, sorted, overlaps merged."""
    return _spans(text, terms) if terms and text else ()


@lru_cache(maxsize=4096)
def snippet(text: str, terms: Terms, width: int = 160) -> tuple[str, Spans]:
    """An excerpt of about `width` characters around the densest matches (whitespace runs made
    one space, "…" where cut), and the matches' spans in the excerpt (cached like the spans)."""
    text = " ".join(text.split())
    found = spans(text, terms)
    if len(text) <= width:
        return text, found
    start = 0
    if found:
        best, best_count = found[0][0], 0
        for s, _ in found:
            count = sum(1 for s2, _ in found if s <= s2 < s + width)
            if count > best_count:
                best, best_count = s, count
        start = max(0, best - width // 4)
    end = min(len(text), start + width)
    lead = "…" if start else ""
    shift = len(lead) - start
    inside = tuple((max(s, start) + shift, min(e, end) + shift) for s, e in found if e > start and s < end)
    return lead + text[start:end] + ("…" if end < len(text) else ""), inside
