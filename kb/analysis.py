"""Chinese-aware text analysis shared by indexing and querying.

`KbAnalyzer` segments mixed Chinese/English text with jieba's algorithm and dictionary (run by
rjieba, the jieba-rs binding) plus the project's user dictionary, keeps arXiv IDs and GitHub
`owner/name` slugs as exact tokens, lower-cases and NFKC-folds, stems Latin words (quantization,
quantized and quantize meet) and numbers token positions by word ordinal so phrase queries work.
At index time it also emits the sub-words jieba's search mode finds inside a long word
(天玑700 → 天玑), at the same position, so a shorter query still matches.

Whoosh pickles this analyzer into the index schema: keep it at this import path. The analyzer
holds no state; the jieba instance is a process-wide singleton loaded once.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path

from whoosh.analysis import Filter, Tokenizer
from whoosh.analysis.acore import Token
from whoosh.lang.porter import stem

from kb.errors import ConfigError
from kb.identifiers import ARXIV_BARE_RE, GITHUB_URL_RE, arxiv_matches, repo_key
from kb.tables import read_table

_URL_RE = re.compile(r"https?://[^\s<>\"'，。；、）()【】《》“”]+", re.IGNORECASE)
_SLUG_RE = re.compile(r"(?<![\w/.-])([A-Za-z0-9][A-Za-z0-9-]{0,38})/([A-Za-z0-9][\w.-]*\w)(?![\w/])")
_SPECIAL_RE = re.compile(
    "|".join(f"(?:{p})" for p in (_URL_RE.pattern, ARXIV_BARE_RE.pattern, _SLUG_RE.pattern)),
    re.IGNORECASE,
)
_WORDLIKE = re.compile(r"\w", re.UNICODE)
_LATIN_WORD = re.compile(r"^[a-z]+$")
_VERSION_SUFFIX = re.compile(r"(?<=[^\d\W])[-_]?[vV]?\d+(?:\.\d+)*[A-Za-z]?$")

_lock = threading.Lock()
_jieba = None
_user_words: tuple[str, ...] | None = None


def load_user_dictionary(path: str | Path) -> tuple[str, ...]:
    """Words from a user-dictionary YAML file (`words: [...]`)."""
    words = read_table(path, "user dictionary").get("words", [])
    if not isinstance(words, list):
        raise ConfigError(f"user dictionary {path}: 'words' must be a list")
    return tuple(str(w).strip() for w in words if str(w).strip())


def configure(user_words: Iterable[str]) -> None:
    """Set the user dictionary for this process (before or after the first analysis)."""
    global _user_words, _jieba
    words = tuple(user_words)
    with _lock:
        if words == _user_words and _jieba is not None:
            return
        _user_words = words
        _jieba = None
    _segment.cache_clear()


def _engine():
    global _jieba, _user_words
    if _jieba is None:
        with _lock:
            if _jieba is None:
                import rjieba

                if _user_words is None:
                    from kb.config import DATA_DIR

                    _user_words = load_user_dictionary(DATA_DIR / "userdict.yaml")
                engine = rjieba.Jieba()
                for word in _user_words:
                    engine.add_word(word, None, None)
                _jieba = engine
    return _jieba


def user_words() -> tuple[str, ...]:
    """The user dictionary in force (loading the default one if none was configured)."""
    _engine()
    return _user_words or ()


@lru_cache(maxsize=4096)
def _segment(text: str, with_subwords: bool) -> tuple[tuple[str, int, int, bool], ...]:
    """(word, start, end, is_subword) for a span of plain text, in order."""
    engine = _engine()
    words = engine.tokenize(text)
    if not with_subwords:
        return tuple((w, s, e, False) for w, s, e in words)
    subs: dict[int, list[tuple[str, int, int]]] = {}
    spans = {(s, e) for _, s, e in words}
    for w, s, e in engine.tokenize(text, mode="search"):
        if (s, e) not in spans:
            subs.setdefault(s, []).append((w, s, e))
    out: list[tuple[str, int, int, bool]] = []
    for w, s, e in words:
        out.append((w, s, e, False))
        seen = {w.lower()}
        for sw, ss, se in _subwords(w, s, e, subs.get(s, ())):
            if sw.lower() not in seen:
                seen.add(sw.lower())
                out.append((sw, ss, se, True))
    return tuple(out)


def _subwords(word: str, s: int, e: int, found: Iterable[tuple[str, int, int]]):
    """Shorter words inside `word`: jieba's search-mode pieces, hyphen parts, the name without
    its version suffix (骁龙865 → 骁龙, MobileNetV3 → MobileNet, YOLOv5 → YOLO)."""
    for sw, ss, se in found:
        if se <= e:
            yield sw, ss, se
    if "-" in word and e - s > 3:
        offset = s
        for part in word.split("-"):
            if len(part) >= 2:
                yield part, offset, offset + len(part)
            offset += len(part) + 1
    m = _VERSION_SUFFIX.search(word)
    if m and m.start() >= 2:
        yield word[: m.start()], s, s + m.start()


@lru_cache(maxsize=64)
def _pieces(value: str, with_subwords: bool) -> tuple[tuple[str, int, int, bool, bool], ...]:
    """(text, start, end, same_position_as_previous, exact) over `value`; cached, because the
    indexer analyzes a record's body once for its concepts and Whoosh then indexes it."""
    return tuple(_iter_pieces(value, with_subwords))


def _iter_pieces(value: str, with_subwords: bool) -> Iterator[tuple[str, int, int, bool, bool]]:
    last = 0
    for m in _SPECIAL_RE.finditer(value):
        if m.start() > last:
            yield from _plain(value, last, m.start(), with_subwords)
        yield from _special(m.group(0), m.start(), with_subwords)
        last = m.end()
    if last < len(value):
        yield from _plain(value, last, len(value), with_subwords)


def _plain(value: str, start: int, end: int, with_subwords: bool):
    for word, s, e, is_sub in _segment(value[start:end], with_subwords):
        if _WORDLIKE.search(word):
            yield word, start + s, start + e, is_sub, False


def _special(text: str, start: int, with_subwords: bool):
    end = start + len(text)
    if text[:4].lower() == "http":
        for ident, _ in arxiv_matches(text):
            yield ident, start, end, False, True
        for m in GITHUB_URL_RE.finditer(text):
            key = repo_key(m.group("owner"), m.group("name"))
            if key:
                yield key, start, end, False, True
        return
    if "/" in text:
        owner, name = text.split("/", 1)
        yield text.lower(), start, end, False, True
        # the parts stay searchable as words too ("TensorFlow/PyTorch")
        first = True
        for part, s, e, is_sub, _ in _plain(owner + " " + name, 0, len(text), with_subwords):
            yield part, start + s, start + e, is_sub or first, False
            first = False
        return
    for ident, _ in arxiv_matches(text, bare=True):
        yield ident, start, end, False, True


class KbTokenizer(Tokenizer):
    """Segments text into words with ordinal positions and character offsets."""

    def __eq__(self, other: object) -> bool:
        return other.__class__ is self.__class__

    def __hash__(self) -> int:
        return hash(self.__class__.__name__)

    def __call__(  # noqa: PLR0913 - Whoosh's tokenizer protocol
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            token.original = token.text = value
            token.exact = True
            token.pos, token.startchar, token.endchar = (
                start_pos,
                start_char,
                start_char + len(value),
            )
            yield token
            return
        pos = start_pos - 1
        for text, s, e, same_pos, exact in _pieces(value, with_subwords=mode != "query"):
            if not same_pos:
                pos += 1
            token.text = text
            token.exact = exact
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = text
            if positions:
                token.pos = pos
            if chars:
                token.startchar, token.endchar = start_char + s, start_char + e
            yield token


@lru_cache(maxsize=65536)
def normalize_word(word: str) -> str:
    """Fold one token: NFKC, lower case, Porter stem for plain Latin words."""
    if not word.isascii():
        word = unicodedata.normalize("NFKC", word)
    word = word.lower()
    if len(word) > 3 and _LATIN_WORD.match(word):
        return stem(word)
    return word


class KbNormalizer(Filter):
    """Lower-cases, folds width and stems Latin words; exact identifier tokens pass untouched."""

    def __eq__(self, other: object) -> bool:
        return other.__class__ is self.__class__

    def __hash__(self) -> int:
        return hash(self.__class__.__name__)

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:
        for token in tokens:
            if not getattr(token, "exact", False):
                token.text = normalize_word(token.text)
            yield token


def KbAnalyzer():  # noqa: N802 - named like Whoosh's analyzer factories
    """The project analyzer: `KbTokenizer() | KbNormalizer()`."""
    return KbTokenizer() | KbNormalizer()


def analyze(text: str, mode: str = "query") -> list[str]:
    """Token texts of `text` (query mode: no sub-words), for tests and query building."""
    return [t.text for t in KbAnalyzer()(text, mode=mode)]
