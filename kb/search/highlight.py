"""Highlighting: escaped text with matched words in <mark>, and the best summary window.

Uses the project analyzer's character offsets, so Chinese words, stemmed English and words
found through synonyms are marked exactly where they stand.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from html import escape

from kb.analysis import index_tokens


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
def _spans(text: str, terms: Terms) -> tuple[tuple[int, int], ...]:
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


def mark(text: str, terms: Terms) -> str:
    """The whole text, escaped, matches marked."""
    return _render(text, _spans(text, terms) if terms else (), 0, len(text))


def snippet(text: str, terms: Terms, width: int = 160) -> str:
    """An escaped excerpt of about `width` characters around the densest matches."""
    text = " ".join(text.split())
    spans = _spans(text, terms) if terms else ()
    if len(text) <= width:
        return _render(text, spans, 0, len(text))
    start = 0
    if spans:
        best, best_count = spans[0][0], 0
        for s, _ in spans:
            count = sum(1 for s2, _ in spans if s <= s2 < s + width)
            if count > best_count:
                best, best_count = s, count
        start = max(0, best - width // 4)
    end = min(len(text), start + width)
    return ("…" if start else "") + _render(text, spans, start, end) + ("…" if end < len(text) else "")


def _render(text: str, spans: tuple[tuple[int, int], ...], start: int, end: int) -> str:
    out, pos = [], start
    for s, e in spans:
        if e <= start or s >= end:
            continue
        s, e = max(s, start), min(e, end)
        out.append(escape(text[pos:s]))
        out.append(f"<mark>{escape(text[s:e])}</mark>")
        pos = e
    out.append(escape(text[pos:end]))
    return "".join(out)
