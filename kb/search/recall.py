"""Chinese recall at query time: a query word the segmenter cut differently from the text.

Each index generation's Chinese vocabulary (the body field's terms) answers two questions: which
indexed words contain a query word (量级 → 轻量级), and how a query word that no item holds
splits into indexed words (图像超分 → 图像 + 超分). The search core adds both as a low-weight
alternative of the word, ranked below a match of the word itself. It does at query time what a
second field of character bigrams (Lucene's CJKBigramFilter) does at index time, without that
field's cost: measured on the archive, a bigram field doubled the number of distinct terms and
the time of a full rebuild.
"""

from __future__ import annotations

from collections.abc import Iterable

from kb.analysis import is_chinese

MAX_CONTAINING = 32


class ChineseVocabulary:
    """The Chinese terms of one index generation."""

    def __init__(self, terms: Iterable[str]) -> None:
        self.terms = frozenset(t for t in terms if is_chinese(t))
        self._blob = "\n" + "\n".join(sorted(self.terms)) + "\n"

    def containing(self, text: str, limit: int = MAX_CONTAINING) -> list[str]:
        """Indexed words longer than `text` that contain it."""
        out: list[str] = []
        blob, at = self._blob, 0
        while len(out) < limit:
            at = blob.find(text, at)
            if at < 0:
                break
            start = blob.rfind("\n", 0, at) + 1
            end = blob.find("\n", at)
            if end - start > len(text):
                out.append(blob[start:end])
            at = end
        return out

    def pieces(self, text: str) -> list[str]:
        """`text` split into the fewest indexed words (each of 2+ characters where possible);
        [] when it is itself indexed or cannot be split."""
        if text in self.terms or len(text) < 3:
            return []
        best: list[list[str] | None] = [[]] + [None] * len(text)
        for end in range(1, len(text) + 1):
            for start in range(max(0, end - 8), end):
                piece, before = text[start:end], best[start]
                if before is None or (piece not in self.terms and end - start > 1):
                    continue
                if end - start == 1 and piece not in self.terms:
                    continue
                candidate = before + [piece]
                if best[end] is None or len(candidate) < len(best[end]):
                    best[end] = candidate
        found = best[len(text)]
        return found if found and len(found) > 1 else []
