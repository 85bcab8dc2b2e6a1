"""From the words of a query to the units that best-match ranking counts.

A unit is what a reader means by one word: a single word, or a concept of several words
recognised as one (`object detection`, `knowledge distillation`, `模型压缩`, `Arm China`),
longest match first, from the synonym groups, the glossary and the company names. Each unit
carries its literal tokens and the concepts it stands for. Function words (`on`, `the`, `的`)
are dropped unless nothing else is left; repeated words are merged; at most `MAX_UNITS` distinct
units are kept, with a notice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from kb.analysis import analyze_spans, is_chinese
from kb.concepts import COMPANY_PREFIX, Tables
from kb.config import DATA_DIR
from kb.synonyms import MAX_TERM_TOKENS
from kb.tables import read_table

MAX_UNITS = 32
#: a run of Chinese words typed without spaces stays one unit up to this many words (a compound:
#: 智能合约, 大语言模型); a longer run is a sentence, and its words are units of their own
MAX_COMPOUND_WORDS = 3
_MAX_COMPANY_TOKENS = 4


@dataclass(frozen=True)
class Unit:
    text: str  # as the reader typed it (for notices)
    tokens: tuple[str, ...]  # analyzed literal tokens
    concepts: tuple[str, ...] = ()  # concept ids: syn:…, gl:…, co:…
    required: bool = False

    @property
    def company(self) -> str | None:
        return next((c[len(COMPANY_PREFIX) :] for c in self.concepts if c.startswith(COMPANY_PREFIX)), None)

    @property
    def is_phrase(self) -> bool:
        """Whether the literal words must stand together: a concept of several words, or a
        Chinese word the segmenter cut into pieces of which one is a lone character."""
        return bool(self.concepts) or any(len(t) == 1 for t in self.tokens)

    @property
    def chinese(self) -> str:
        """The unit's literal text when it is all Chinese ('' otherwise), for recall."""
        text = "".join(self.tokens)
        return text if len(text) >= 2 and is_chinese(text) else ""


@dataclass
class Plan:
    units: list[Unit] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)

    @property
    def optional(self) -> list[Unit]:
        return [u for u in self.units if not u.required]

    @property
    def required(self) -> list[Unit]:
        return [u for u in self.units if u.required]


@dataclass(frozen=True)
class _Token:
    text: str
    word: int  # index of the typed word it came from
    start: int
    end: int


def plan_units(words: list[str], tables: Tables, required: list[str] | None = None) -> Plan:
    """The units of `words` (optional) and `required` (`+word`), in query order."""
    plan = Plan()
    seen: set[tuple[tuple[str, ...], tuple[str, ...]]] = set()
    candidates = [(u, False) for u in _units(words, tables)] + [(u, True) for u in _units(required or [], tables)]
    concepts: set[str] = set()
    for unit, must in candidates:
        key = (unit.tokens, unit.concepts)
        if key in seen or (unit.concepts and set(unit.concepts) <= concepts and not must):
            continue  # a repeat, or another name of a concept already asked for (quantization int8)
        seen.add(key)
        concepts.update(unit.concepts)
        plan.units.append(Unit(unit.text, unit.tokens, unit.concepts, must))
    content = [u for u in plan.units if u.required or u.concepts or not is_stopword(u.tokens)]
    if content:
        plan.units = content
    if len(plan.units) > MAX_UNITS:
        dropped = " ".join(u.text for u in plan.units[MAX_UNITS:])
        plan.notices.append(f"查询词太多，只用了前 {MAX_UNITS} 个；未用：{dropped[:80]}")
        plan.units = plan.units[:MAX_UNITS]
    return plan


def _units(words: list[str], tables: Tables) -> list[Unit]:
    tokens = _tokens(words)
    spans: list[tuple[list[_Token], tuple[str, ...]]] = []
    i = 0
    while i < len(tokens):
        length, concepts = _concept_at(tokens, i, words, tables)
        spans.append((tokens[i : i + length], concepts))
        i += length
    spans = _split_sentences(_join_plain_chinese(spans))
    return [Unit(_typed(span, words), tuple(t.text for t in span), concepts) for span, concepts in spans]


def _join_plain_chinese(spans: list[tuple[list[_Token], tuple[str, ...]]]):
    """Chinese written without spaces is one word to the reader even where the segmenter cuts
    it (智能合约 → 智能 + 合约, 大语言模型 → 大 + 语言 + 模型): consecutive Chinese tokens of one
    typed word that are no concept stay one unit, so best match never answers 智能合约 with
    智能 alone (_split_sentences undoes a run too long to be a compound). Concepts and company
    names (华为芯片 → 华为 + 芯片) stand on their own."""
    out: list[tuple[list[_Token], tuple[str, ...]]] = []
    for span, concepts in spans:
        plain = not concepts and all(_is_chinese(t) for t in span)
        previous = out[-1][0] if out and not out[-1][1] else None
        if plain and previous and all(_is_chinese(t) for t in previous) and _adjacent(previous[-1], span[0]):
            out[-1] = (previous + span, ())
            continue
        out.append((span, concepts))
    return out


def _split_sentences(spans: list[tuple[list[_Token], tuple[str, ...]]]):
    """A joined run of more than MAX_COMPOUND_WORDS words is a description typed as one string
    (上世纪四十年代固态放大元件): requiring all its words in one item answers nothing, so each
    word of two or more characters becomes a unit that best match can count; its lone
    characters (凭, 搭) say little and are left out."""
    out: list[tuple[list[_Token], tuple[str, ...]]] = []
    for span, concepts in spans:
        if concepts or len(span) <= MAX_COMPOUND_WORDS:  # a longer plain span is a joined run
            out.append((span, concepts))
            continue
        words = [t for t in span if len(t.text) > 1]
        out.extend(([t], ()) for t in words or span)
    return out


def _is_chinese(token: _Token) -> bool:
    return is_chinese(token.text) and not is_stopword((token.text,))


def _adjacent(a: _Token, b: _Token) -> bool:
    return a.word == b.word and a.end == b.start


def _tokens(words: list[str]) -> list[_Token]:
    out: list[_Token] = []
    for n, word in enumerate(words):
        last_start = -1
        for text, start, end in analyze_spans(word):
            if start == last_start:  # a part of an `owner/name` slug, at the slug's place
                continue
            last_start = start
            out.append(_Token(text, n, start, end))
    return out


def _concept_at(tokens: list[_Token], i: int, words: list[str], tables: Tables) -> tuple[int, tuple[str, ...]]:
    """(tokens taken, concept ids) for the longest concept starting at `tokens[i]`; (1, ()) when
    the token stands alone."""
    texts = [t.text for t in tokens[i : i + MAX_TERM_TOKENS]]
    found: dict[int, list[str]] = {}
    for groups in tables.groups:
        hit = groups.match_at(texts, 0)
        if hit:
            found.setdefault(hit[0], []).append(hit[1])
    for length in range(min(_MAX_COMPANY_TOKENS, len(texts)), 0, -1):
        typed = _typed(tokens[i : i + length], words)
        company = tables.companies.resolve_name(typed)
        if company and length == 1 and is_stopword((texts[0],)) and typed not in tables.companies.aliases:
            company = None  # "on" is not ON Semiconductor unless typed as the alias is written
        if company:
            found.setdefault(length, []).append(COMPANY_PREFIX + company)
            break
    if not found:
        return 1, ()
    length = max(found)
    return length, tuple(dict.fromkeys(found[length]))


def _typed(span: list[_Token], words: list[str]) -> str:
    """The original text of a run of tokens (words joined by a space)."""
    parts: list[str] = []
    for n in dict.fromkeys(t.word for t in span):
        mine = [t for t in span if t.word == n]
        parts.append(words[n][mine[0].start : mine[-1].end])
    return " ".join(parts)


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """Function words a query can drop (kb/data/stopwords.yaml), analyzed."""
    data = read_table(DATA_DIR / "stopwords.yaml", "stop word list")
    words = [str(w) for key in ("en", "zh") for w in data.get(key, []) or []]
    return frozenset(t for w in words for t, _, _ in analyze_spans(w))


def is_stopword(tokens: tuple[str, ...]) -> bool:
    return len(tokens) == 1 and tokens[0] in stopwords()
