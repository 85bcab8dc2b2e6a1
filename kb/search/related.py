"""Items like a given one (the item page's 相关条目) and its neighbours in its issue.

What two items share is weighed by how rare it is (idf over the live generation): concepts
(synonym groups, glossary entries), tagged companies, identifiers (arXiv IDs, repos) and title
words. Concepts are read back from the generation's own concept fields (what the indexer
tagged), not tagged again; the per-item features are built once per index generation
(`IndexView.cached`). Plain records out; the web layer renders them.
May import kb.* only.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from kb.analysis import analyze
from kb.schema import CONCEPT_FIELDS
from kb.search.index_view import IndexHandle, IndexView

RELATED_LIMIT = 5
#: Weight of one shared feature of each kind, before its rarity (idf) is applied.
WEIGHTS = {"id": 4.0, "company": 2.0, "syn": 1.5, "word": 0.8, "gl": 0.3}
_CJK = re.compile(r"[\u4e00-\u9fff]")
_MIN_WORD = 2  # title words shorter than this (single Latin letters, 的) say nothing


@dataclass
class Related:
    record: dict[str, Any]
    score: float
    shared: list[str] = field(default_factory=list)  # readable names of what both items have


@dataclass(frozen=True)
class Neighbours:
    previous: dict[str, Any] | None
    next: dict[str, Any] | None


def related_records(handle: IndexHandle, record_id: str, limit: int = RELATED_LIMIT) -> list[Related]:
    """The `limit` items most like item `record_id`, best first (none when it is unknown)."""
    view = handle.view()
    table = _features(handle, view)
    docs = view.docnums("id", record_id)
    if not docs:
        return []
    me = table.features[docs[0]]
    scores: Counter[int] = Counter()
    for feature in me:
        for other in table.postings[feature]:
            if other != docs[0]:
                scores[other] += table.weight[feature]
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1], view.rank["newest"][kv[0]]))[:limit]
    return [Related(view.record(d), round(s, 3), _shared(handle, me & table.features[d])) for d, s in ranked]


def issue_neighbours(view: IndexView, record: dict[str, Any]) -> Neighbours:
    """The items before and after `record` in its issue file (archive order)."""
    info = view.manifest.get("files", {}).get(record.get("source_file", ""), {})
    found = [view.record(d) for rid in info.get("ids", []) for d in view.docnums("id", rid)[:1]]
    found.sort(key=lambda r: r.get("line_start", 0))
    ids = [r["id"] for r in found]
    if record["id"] not in ids:
        return Neighbours(None, None)
    at = ids.index(record["id"])
    return Neighbours(found[at - 1] if at > 0 else None, found[at + 1] if at + 1 < len(found) else None)


@dataclass
class _Table:
    features: dict[int, frozenset[tuple[str, str]]]
    postings: dict[tuple[str, str], list[int]]
    weight: dict[tuple[str, str], float]


def _features(handle: IndexHandle, view: IndexView) -> _Table:
    return view.cached("related_features", lambda: _build(handle, view))


def indexed_concepts(view: IndexView) -> dict[int, frozenset[str]]:
    """Live docnum → the concept ids the indexer tagged in its title or body (`syn:…`, `gl:…`,
    `co:…`), read from the generation's concept fields; once per generation."""
    return view.cached("indexed_concepts", lambda: _read_concepts(view))


def _read_concepts(view: IndexView) -> dict[int, frozenset[str]]:
    reader = view.searcher().reader()
    found: dict[int, set[str]] = {}
    for name in CONCEPT_FIELDS:
        for term in reader.lexicon(name):
            text = term.decode("utf-8") if isinstance(term, bytes) else term
            for docnum in reader.postings(name, text).all_ids():
                if docnum in view.facets:
                    found.setdefault(docnum, set()).add(text)
    return {d: frozenset(found.get(d, ())) for d in view.live}


def _build(handle: IndexHandle, view: IndexView) -> _Table:
    concepts = indexed_concepts(view)
    named = {c for cs in concepts.values() for c in cs if handle.tables.group_terms(c)}  # not co:, not stale
    features = {d: frozenset(_item_features(view.record(d), concepts[d] & named)) for d in view.live}
    postings: dict[tuple[str, str], list[int]] = {}
    for d, feats in features.items():
        for f in feats:
            postings.setdefault(f, []).append(d)
    n = max(1, len(features))
    weight = {f: WEIGHTS[f[0]] * math.log(1 + n / len(ds)) for f, ds in postings.items() if len(ds) > 1}
    postings = {f: ds for f, ds in postings.items() if f in weight}
    return _Table({d: frozenset(f for f in fs if f in weight) for d, fs in features.items()}, postings, weight)


def _item_features(record: dict[str, Any], concepts: frozenset[str]):
    for ident in record.get("arxiv_ids", []):
        yield ("id", "arXiv:" + ident)
    for repo in record.get("repos", []):
        yield ("id", repo)
    for company in record.get("companies", []):
        yield ("company", company)
    for concept in concepts:
        kind = concept.split(":", 1)[0]
        if kind in WEIGHTS:
            yield (kind, concept)
    for word in analyze(record.get("title", "")):
        if len(word) >= _MIN_WORD and not word.isdigit():
            yield ("word", word)


def concept_label(terms: list[str]) -> str:
    """A concept's name for a Chinese reader: its first term if an acronym (GPU), else its first
    term written in Chinese, else its first."""
    if terms and terms[0].isascii() and terms[0].isupper():
        return terms[0]
    return next((t for t in terms if _CJK.search(t)), terms[0] if terms else "")


def _shared(handle: IndexHandle, shared: frozenset[tuple[str, str]]) -> list[str]:
    """Readable names of the shared features, the strongest kinds first."""
    order = list(WEIGHTS)
    out = []
    for kind, value in sorted(shared, key=lambda f: (order.index(f[0]), f[1])):
        if kind == "company":  # a kind of shared feature, not a facet
            out.append(handle.companies.label(value))
        elif kind in ("syn", "gl"):
            out.append(concept_label(handle.tables.group_terms(value)) or value)
        else:
            out.append(value)
    return list(dict.fromkeys(out))[:6]
