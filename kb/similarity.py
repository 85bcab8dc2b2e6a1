"""How alike two items are, for the editor's 可能重复: one score from the title and summary text,
the rare names both carry (products, models, projects) and the concepts both are about.

    score = cos(title) + NAME_WEIGHT × min(names, NAME_CAP) / NAME_CAP
            + CONCEPT_WEIGHT × concepts + SUMMARY_WEIGHT × cos(title + summary)

cos(·): TF-IDF cosine over Chinese character bigrams and Latin words (so a reworded or a
mixed-language title still overlaps); names: the summed IDF of rare Latin or numeric names in one
item's title that the other item names anywhere (MNN, T7520, ProxylessNAS); concepts: the
IDF-weighted Jaccard overlap of the title concepts (kb.concepts: synonym groups, glossary,
companies), which carries a title across languages. Weights and the threshold were chosen on the
labelled pairs of bench/duplicates/pairs.yaml (bench/duplicates/evaluate.py prints the figures).

A `SimilarityIndex` belongs to one index generation (IndexView.cached): document frequencies and
postings over that generation's records, scored term at a time.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from kb.concepts import Tables

NAME_WEIGHT, NAME_CAP = 0.2, 15.0
CONCEPT_WEIGHT = 0.6
SUMMARY_WEIGHT = 1.0
#: 可能重复 from this score on (chosen on the labelled pairs; see the README's figures).
SIMILAR_THRESHOLD = 1.0

_CJK_RUN = re.compile(r"[\u3400-\u9fff]+")
_LATIN = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-_.+][A-Za-z0-9]+)*|\d{3,}")
_STOP = frozenset(
    [
        "the",
        "a",
        "an",
        "of",
        "and",
        "for",
        "to",
        "in",
        "on",
        "with",
        "by",
        "is",
        "are",
        "from",
        "at",
        "as",
        "via",
        "using",
        "based",
        "new",
        "ai",
        "deep",
        "learning",
        "neural",
        "network",
        "networks",
        "model",
        "models",
        "paper",
        "code",
        "github",
        "soc",
        "chip",
        "cpu",
        "gpu",
        "npu",
        "tpu",
        "dsp",
        "fpga",
        "arm",
        "android",
        "ios",
        "app",
        "pytorch",
        "tensorflow",
        "tf",
        "lite",
        "mobile",
        "edge",
        "sdk",
        "api",
        "int8",
        "cnn",
        "cnns",
        "dnn",
        "dnns",
        "nas",
        "bert",
        "transformer",
        "yolo",
        "iphone",
        "nm",
        "plus",
        "pro",
        "max",
        "release",
        "releases",
        "open",
        "source",
    ]
)


@dataclass(frozen=True)
class Similar:
    """An earlier item like the one checked: its docnum, the score and what made it alike."""

    docnum: int
    score: float
    title: float  # title cosine
    summary: float  # title + summary cosine
    names: tuple[str, ...]
    concepts: float


def _terms(text: str) -> Counter:
    out: Counter = Counter()
    for run in _CJK_RUN.findall(text):
        if len(run) == 1:
            out["c:" + run] += 1
        for i in range(len(run) - 1):
            out["c:" + run[i : i + 2]] += 1
    for word in _LATIN.findall(text):
        word = word.lower()
        if word not in _STOP:
            out["w:" + word] += 1
    return out


def _names(text: str) -> set[str]:
    out = set()
    for token in _LATIN.findall(text):
        key = token.lower()
        key = key[:-1] if len(key) > 4 and key.endswith("s") else key
        if key not in _STOP and len(key) >= 2 and not (key.isdigit() and len(key) < 3):
            out.add(key)
    return out


def item_texts(record: dict) -> tuple[str, str]:
    """(title text, title + summary text) of a record: its title, paper title and repo names."""
    repos = " ".join(r.split("/")[-1] for r in record.get("repos", ()))
    title = " ".join(t for t in (record.get("title", ""), record.get("paper_title", ""), repos) if t)
    return title, f"{title} {record.get('summary', '')}"


class _Space:
    """TF-IDF vectors of one text per record, with postings for term-at-a-time cosines."""

    def __init__(self, bags: list[Counter]) -> None:
        self.n = max(1, len(bags))
        self.df: Counter = Counter(t for bag in bags for t in bag)
        self.postings: dict[str, list[tuple[int, float]]] = {}
        for i, bag in enumerate(bags):
            for term, weight in self.vector(bag).items():
                self.postings.setdefault(term, []).append((i, weight))

    def vector(self, bag: Counter) -> dict[str, float]:
        v = {t: (1 + math.log(c)) * math.log(1 + self.n / self.df.get(t, 1)) for t, c in bag.items()}
        norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
        return {t: x / norm for t, x in v.items()}

    def cosines(self, bag: Counter) -> dict[int, float]:
        out: dict[int, float] = {}
        for term, q in self.vector(bag).items():
            for i, w in self.postings.get(term, ()):
                out[i] = out.get(i, 0.0) + q * w
        return out


class SimilarityIndex:
    """Near-duplicate scores of a new item against the records of one generation."""

    def __init__(self, records: list[tuple[int, dict]], tables: Tables) -> None:
        self.docnums = [d for d, _ in records]
        texts = [item_texts(r) for _, r in records]
        self.titles = _Space([_terms(t) for t, _ in texts])
        self.bodies = _Space([_terms(b) for _, b in texts])
        self.tables = tables
        self.title_names = [_names(t) for t, _ in texts]
        self.body_names = [_names(b) for _, b in texts]
        self.name_df: Counter = Counter(n for names in self.body_names for n in names)
        self.name_postings: dict[str, list[int]] = {}
        for i, names in enumerate(self.body_names):
            for name in names:
                self.name_postings.setdefault(name, []).append(i)
        self.concepts = [self._concepts(t) for t, _ in texts]
        self.concept_df: Counter = Counter(c for cs in self.concepts for c in cs)
        self.concept_postings: dict[str, list[int]] = {}
        for i, cs in enumerate(self.concepts):
            for c in cs:
                self.concept_postings.setdefault(c, []).append(i)

    def _concepts(self, text: str) -> frozenset[str]:
        return frozenset(c for c in self.tables.concept_terms(text).split(",") if c and "/" not in c)

    def similar(self, record: dict, allowed: Iterable[int] | None = None, limit: int = 5) -> list[Similar]:
        """The earlier items most like `record` (a draft item's fields), best first, among
        `allowed` docnums (all when None), scored as the module docstring says."""
        title, body = item_texts(record)
        t_cos = self.titles.cosines(_terms(title))
        b_cos = self.bodies.cosines(_terms(body))
        names_t, names_b = _names(title), _names(body)
        shared: dict[int, set[str]] = {}
        for name in names_t | names_b:
            for i in self.name_postings.get(name, ()):
                if name in names_t or name in self.title_names[i]:
                    shared.setdefault(i, set()).add(name)
        concepts = self._concepts(title)
        c_hits: set[int] = {i for c in concepts for i in self.concept_postings.get(c, ())}
        allowed_set = None if allowed is None else set(allowed)
        out = []
        for i in set(t_cos) | set(b_cos) | set(shared) | c_hits:
            docnum = self.docnums[i]
            if allowed_set is not None and docnum not in allowed_set:
                continue
            names = tuple(sorted(shared.get(i, ())))
            name_idf = sum(math.log(len(self.docnums) / self.name_df[n]) for n in names if self.name_df[n])
            c = self._concept_overlap(concepts, self.concepts[i])
            score = (
                t_cos.get(i, 0.0)
                + NAME_WEIGHT * min(name_idf, NAME_CAP) / NAME_CAP
                + CONCEPT_WEIGHT * c
                + SUMMARY_WEIGHT * b_cos.get(i, 0.0)
            )
            out.append(Similar(docnum, score, t_cos.get(i, 0.0), b_cos.get(i, 0.0), names, c))
        out.sort(key=lambda s: (-s.score, s.docnum))
        return out[:limit]

    def _concept_overlap(self, a: frozenset[str], b: frozenset[str]) -> float:
        if not a or not b:
            return 0.0
        n = len(self.docnums)

        def weight(c: str) -> float:
            return math.log(n / self.concept_df[c]) if self.concept_df.get(c) else math.log(n)

        union = sum(weight(c) for c in a | b)
        return sum(weight(c) for c in a & b) / union if union else 0.0
