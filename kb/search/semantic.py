"""The semantic side of a search: the text embedded for a query, the nearest records that pass
the request's filters, and the state of the layer for a generation.

Only plain text queries are embedded: identifier look-ups (arXiv ID, repo, URL, exact title)
stay exact, and `+word` or "quoted phrase" queries stay strict. Nearest records join only a
query whose words match something: a query none of whose words occurs in the archive still
answers nothing (so an editor's empty answer still means "not covered").
"""

from __future__ import annotations

import re
from collections.abc import Callable

from kb.concepts import Tables
from kb.search.index_view import IndexView
from kb.search.querylang import ParsedQuery

MAX_QUERY_TEXT = 256  # characters of a query embedded (a description, not a document)
MAX_TRANSLATIONS = 12  # Chinese forms added to an English query
_CJK_RE = re.compile(r"[\u3400-\u9fff]")


def status(view: IndexView) -> str:
    """'off' (config), 'on' (this generation has vectors of the configured embedder), 'not
    indexed' (built without vectors: run `kb reindex`) or 'other model' (vectors of another)."""
    embedder = view.embedder()
    if embedder is None:
        return "off"
    found = view.vectors()
    if found is None:
        return "not indexed"
    return "on" if found.model_id == embedder.model_id else "other model"


def query_text(parsed: ParsedQuery, tables: Tables) -> str:
    """What is embedded for a query: its words and phrases; an English query also gets the
    Chinese forms of the concepts it names (synonyms, glossary, companies), since the small
    multilingual model matches within a language better than across (measured on the judged
    sets: English descriptions of Chinese items, success@3 from 7% to 17%)."""
    text = " ".join(parsed.words + parsed.phrases)[:MAX_QUERY_TEXT].strip()
    if not text or _CJK_RE.search(text):
        return text
    extra: list[str] = []
    for concept in tables.concepts(text):
        for term in tables.group_terms(concept):
            if _CJK_RE.search(term) and term not in extra:
                extra.append(term)
    return " ".join([text, *extra[:MAX_TRANSLATIONS]])


def nearest(view: IndexView, text: str, k: int, accept: Callable[[int], bool]) -> list[tuple[int, float]]:
    """The `k` accepted records nearest to `text` by meaning: (docnum, cosine similarity), for
    a view whose `status` is 'on'."""
    embedder, found = view.embedder(), view.vectors()
    if not text or embedder is None or found is None:
        return []
    return found.nearest(embedder.query(text), k, accept=accept)
