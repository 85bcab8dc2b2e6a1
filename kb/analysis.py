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
from bisect import bisect_right
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
    for cache in (_segment, _pieces_cached, index_tokens):  # every cache of a segmentation
        cache.cache_clear()


def _engine():
    global _jieba, _user_words
    if _jieba is None:
        with _lock:
            if _jieba is None:
                if _user_words is None:
                    from kb.config import DATA_DIR

                    _user_words = load_user_dictionary(DATA_DIR / "userdict.yaml")
                engine = _fresh_engine()
                for word in _user_words:
                    engine.add_word(word, None, None)
                _jieba = engine
    return _jieba


_module_engine_taken = False


def _fresh_engine():
    """A segmenter with jieba's dictionary and no user words. Importing rjieba loads the
    dictionary into the module's own instance (`rjieba.tokenize`, `rjieba.add_word`): the first
    engine is that one, so a process loads it once (70 ms), not twice; a later configuration
    (another user dictionary) gets a new instance."""
    global _module_engine_taken
    import rjieba

    if _module_engine_taken:
        return rjieba.Jieba()
    _module_engine_taken = True
    return rjieba


def user_words() -> tuple[str, ...]:
    """The user dictionary in force (loading the default one if none was configured)."""
    _engine()
    return _user_words or ()


@lru_cache(maxsize=4096)
def _segment(text: str, with_subwords: bool) -> tuple[tuple[str, int, int, bool], ...]:
    """(word, start, end, is_subword) for a span of plain text, in order: only the word-like
    ones (`_wordlike`)."""
    engine = _engine()
    cut = engine.tokenize(text)
    words = _join_latin(cut)
    if not with_subwords:
        return tuple([(w, s, e, False) for w, s, e in words if w.isalnum() or _WORDLIKE.search(w)])
    subs = _search_subwords(text, cut, words, engine.tokenize(text, mode="search"))
    out: list[tuple[str, int, int, bool]] = []
    for w, s, e in words:
        if not (w.isalnum() or _WORDLIKE.search(w)):
            continue  # punctuation or space: no word, nor any inside (sub-words are substrings)
        out.append((w, s, e, False))
        if e - s < 3 and s not in subs:  # nothing shorter inside (the common case)
            continue
        seen = {w.lower()}
        for sw, ss, se in _subwords(w, s, e, subs.get(s, ())):
            low = sw.lower()
            if low not in seen:
                seen.add(low)
                if _wordlike(sw):
                    out.append((sw, ss, se, True))
    return tuple(out)


def _search_subwords(text: str, cut: list, words: list, search: list) -> dict[int, list[tuple[str, int, int]]]:
    """Word start -> the pieces jieba's search mode finds inside the word (none in a Latin
    word). Search mode gives the plain cut's words (`cut`, before `_join_latin`), each after
    the pieces inside it: what it adds to the cut are the pieces."""
    subs: dict[int, list[tuple[str, int, int]]] = {}
    if search == cut:  # no word with a dictionary word inside (most spans)
        return subs
    starts = [s for _, s, _ in words]
    end_of = {s: e for _, s, e in words}
    i, n = 0, len(cut)
    for token in search:
        if i < n and token == cut[i]:
            i += 1
            continue
        w, s, e = token
        at = starts[bisect_right(starts, s) - 1] if starts else 0
        word_end = end_of.get(at, -1)
        if e <= word_end and not _is_latin(text[at:word_end]):
            subs.setdefault(at, []).append((w, s, e))
    return subs


def _wordlike(word: str) -> bool:
    """Whether `word` holds a word character (`\\w`): a letter, digit or `_`."""
    return word.isalnum() or bool(_WORDLIKE.search(word))


_HAS_LATIN = re.compile(r"[A-Za-z0-9]")
_SCRIPT_RUN = re.compile(r"[A-Za-z0-9]+|[\u3400-\u9fff]+")


def _is_latin(word: str) -> bool:
    """Letters and digits of the Latin alphabet only."""
    return word.isascii() and word.isalnum()


def _join_latin(words: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """Glue back a Latin word the segmenter cut at a dictionary word (`ncnnn` → `ncnn` + `n`):
    only Chinese is segmented; a run of letters and digits stays whole."""
    out: list[tuple[str, int, int]] = []
    latin = False  # whether out[-1] is a Latin word
    for token in words:
        w, s, e = token
        if w.isascii() and w.isalnum():
            if latin and out[-1][2] == s:
                prev = out[-1]
                out[-1] = (prev[0] + w, prev[1], e)
                continue
            latin = True
        else:
            latin = False
        out.append(token)
    return out


def _subwords(word: str, s: int, e: int, found: Iterable[tuple[str, int, int]]):
    """Shorter words inside `word`: jieba's search-mode pieces (深度学习 → 深度, 学习), hyphen
    parts, the name without its version suffix (骁龙865 → 骁龙, MobileNetV3 → MobileNet)."""
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
    if not word.isascii() and _HAS_LATIN.search(word):  # AI芯片 → AI, 芯片; 5G芯片 → 5G, 芯片
        for part in _SCRIPT_RUN.finditer(word):
            if len(part.group(0)) >= 2 and part.end() - part.start() < len(word):
                yield part.group(0), s + part.start(), s + part.end()


_primed: dict[tuple[str, bool], tuple] = {}  # analyses done in another process, used once


def analyzed_entries(texts: Iterable[str]) -> dict[tuple[str, bool], tuple]:
    """The index-mode analysis of `texts`, to hand to `prime` in another process."""
    return {(t, True): _pieces(t, True) for t in texts}


def prime(entries: dict[tuple[str, bool], tuple]) -> None:
    """Take analyses made by a worker process (replacing the last ones); each is used once, by
    the next indexing of its text."""
    _primed.clear()
    _primed.update(entries)


def _pieces(value: str, with_subwords: bool) -> tuple[tuple[str, int, int, bool, bool], ...]:
    """(text, start, end, same_position_as_previous, exact) over `value`."""
    if _primed:
        done = _primed.pop((value, with_subwords), None)
        if done is not None:
            return done
    return _pieces_cached(value, with_subwords)


@lru_cache(maxsize=256)
def _pieces_cached(value: str, with_subwords: bool) -> tuple[tuple[str, int, int, bool, bool], ...]:
    """(text, start, end, same_position_as_previous, exact) over `value`; cached, because the
    indexer analyzes a record's body once for its concepts and Whoosh then indexes it."""
    return tuple(_iter_pieces(value, with_subwords))


def _iter_pieces(value: str, with_subwords: bool) -> list[tuple[str, int, int, bool, bool]]:
    out: list[tuple[str, int, int, bool, bool]] = []
    last = 0
    for m in _SPECIAL_RE.finditer(value):
        if m.start() > last:
            out += _plain(value, last, m.start(), with_subwords)
        out += _special(m.group(0), m.start(), with_subwords)
        last = m.end()
    if last < len(value):
        out += _plain(value, last, len(value), with_subwords)
    return out


def _plain(value: str, start: int, end: int, with_subwords: bool) -> list[tuple[str, int, int, bool, bool]]:
    """The words of `value[start:end]`, segmented a line at a time: jieba never joins words
    across a line break, and a record's title, paper title and outlet are lines of its body
    (the segmentation of each line is cached)."""
    out: list[tuple[str, int, int, bool, bool]] = []
    for line in value[start:end].split("\n"):
        if line:
            words = _segment(line, with_subwords)
            if start:
                out += [(word, start + s, start + e, is_sub, False) for word, s, e, is_sub in words]
            else:
                out += [(word, s, e, is_sub, False) for word, s, e, is_sub in words]
        start += len(line) + 1
    return out


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
    """Token texts of `text` as the analyzer makes them (query mode: no sub-words)."""
    return [w if exact else normalize_word(w) for w, _, _, _, exact in _iter_pieces(text, mode != "query")]


def analyze_spans(text: str) -> list[tuple[str, int, int]]:
    """(token, start, end) of `text` in query mode: the token texts with their character span."""
    return [(normalize_word(w) if not exact else w, s, e) for w, s, e, _, exact in _pieces(text, False)]


def token_positions(value: str) -> dict[str, list[int]]:
    """Each token `KbAnalyzer` gives Whoosh for `value` at index time, with its positions, in
    order of first occurrence: what Whoosh's Positions format gathers from the token stream
    (kb.analysis's pieces, normalised, positions as KbTokenizer numbers them), without the
    stream of Token objects."""
    found: dict[str, list[int]] = {}
    pos = -1
    for text, _, _, same_pos, exact in _pieces(value, True):
        if not same_pos:
            pos += 1
        token = text if exact else normalize_word(text)
        positions = found.get(token)
        if positions is None:
            found[token] = [pos]
        else:
            positions.append(pos)
    return found


def _indexed(text: str) -> Iterator[tuple[str, int, int, int]]:
    """(token, word position, start, end) of `text` as indexed; sub-words share their word's
    position."""
    pos = -1
    for word, start, end, same_pos, exact in _pieces(text, True):
        if not same_pos or pos < 0:
            pos += 1
        yield (word if exact else normalize_word(word)), pos, start, end


@lru_cache(maxsize=8192)
def index_tokens(text: str) -> tuple[tuple[str, int, int, int], ...]:
    """(token, word position, start, end) of `text` as indexed, sub-words included (cached, for
    highlighting)."""
    return tuple(_indexed(text))


def index_positions(text: str) -> list[set[str]]:
    """The normalised token texts at each word position of `text` as indexed, for matching group
    terms of several words (a new list of new sets each call)."""
    at: list[set[str]] = []
    for word, _, _, same_pos, exact in _pieces(text, True):
        token = word if exact else normalize_word(word)
        if same_pos and at:
            at[-1].add(token)
        else:
            at.append({token})
    return at


def is_chinese(text: str) -> bool:
    """Whether `text` is all Chinese characters (CJK unified ideographs and extension A)."""
    return bool(text) and all("\u3400" <= ch <= "\u9fff" for ch in text)
