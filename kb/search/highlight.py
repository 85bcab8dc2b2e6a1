"""Highlighting: escaped text with matched words in <mark>, and the best summary window.

Uses the project analyzer's character offsets, so Chinese words, stemmed English and words
found through synonyms are marked exactly where they stand.
"""

from __future__ import annotations

from html import escape

from kb.analysis import KbAnalyzer

_analyzer = KbAnalyzer()


def _spans(text: str, terms: frozenset[str]) -> list[tuple[int, int]]:
    spans = []
    for tok in _analyzer(text, chars=True, mode="index"):
        if tok.text in terms:
            spans.append((tok.startchar, tok.endchar))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged


def mark(text: str, terms: frozenset[str]) -> str:
    """The whole text, escaped, matches marked."""
    return _render(text, _spans(text, terms) if terms else [], 0, len(text))


def snippet(text: str, terms: frozenset[str], width: int = 160) -> str:
    """An escaped excerpt of about `width` characters around the densest matches."""
    text = " ".join(text.split())
    spans = _spans(text, terms) if terms else []
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


def _render(text: str, spans: list[tuple[int, int]], start: int, end: int) -> str:
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
