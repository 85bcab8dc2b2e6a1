"""Plain data in and out of the search core: request, hits (text plus highlight spans, never
HTML), facet values, the resolved facet selections, result."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

# the facet registry, re-exported for the layers above
from kb.facets import FACET_LABELS as FACET_LABELS
from kb.facets import FACET_NAMES as FACET_NAMES
from kb.facets import FACETS as FACETS

SORTS: tuple[str, ...] = ("relevance", "newest", "oldest")
MAX_PER_PAGE = 100
MAX_QUERY_CHARS = 1000


@dataclass
class SearchRequest:
    q: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)  # facet -> selected values
    sort: str = "relevance"
    page: int = 1
    per_page: int = 20
    semantic: bool = True  # fuse in records near in meaning, when the semantic layer is on


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


#: Character ranges [start, end) of matched words in a text (Python string offsets).
Spans = tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class FacetSelection:
    """One facet value of the request, as typed and as the core resolved it."""

    facet: str
    raw: str  # as typed (华为)
    value: str | None  # the stored value (Huawei), None when it cannot be one
    label: str  # what to show (华为 Huawei); the raw text when unresolved


@dataclass
class Hit:
    record: dict[str, Any]  # every record field, EXPORT_KEYS order
    score: float
    title_spans: Spans  # matched words in record["title"]
    snippet: str  # summary excerpt of about 160 characters ("…" where cut), plain text
    snippet_spans: Spans  # matched words in `snippet`
    missing: list[str] = field(default_factory=list)  # query words this item lacks (best match)
    similarity: float | None = None  # cosine similarity to the query, when among the nearest records
    semantic: bool = False  # found by meaning alone (it matches none of the query's words)

    @property
    def title(self) -> str:
        return self.record["title"]


@dataclass
class SearchResult:
    total: int
    page: int
    per_page: int
    hits: list[Hit]
    facets: dict[str, list[FacetValue]]
    expansions: list[str] = field(default_factory=list)  # synonyms/aliases also searched
    identifiers: list[str] = field(default_factory=list)  # arxiv:…, repo:…, title:… looked up
    suggestion: str = ""  # "did you mean" query, '' if none
    corrected_from: str = ""  # the words typed, when nothing matched them and the hits are the suggestion's
    notices: list[str] = field(default_factory=list)  # e.g. unknown field ignored, query cut
    histogram: list[tuple[str, int]] = field(default_factory=list)  # (issue date, matches)
    full_matches: int = 0  # how many results contain every query word (the rest match most)
    selections: list[FacetSelection] = field(default_factory=list)  # the request's facet values
    semantic: str = "off"  # the semantic layer: off, on, not indexed, other model (IndexHandle)
    semantic_added: int = 0  # results found by meaning alone (counted in total and facets)
    semantic_from: int | None = None  # 1-based rank of the first of them (relevance order)

    @property
    def partial_from(self) -> int | None:
        """1-based rank of the first result that lacks a query word (relevance order), or None."""
        return self.full_matches + 1 if self.full_matches < self.total else None

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    def to_json(self) -> dict[str, Any]:
        """`{"total", "results", "facets", ...}` as the CLI's --json and /api/search answer."""
        return {
            "total": self.total,
            "page": self.page,
            "per_page": self.per_page,
            "results": [
                {
                    **h.record,
                    "score": round(h.score, 4),
                    "title_spans": [list(s) for s in h.title_spans],
                    "snippet": h.snippet,
                    "snippet_spans": [list(s) for s in h.snippet_spans],
                    "missing": h.missing,
                    "similarity": None if h.similarity is None else round(h.similarity, 4),
                    "semantic": h.semantic,
                }
                for h in self.hits
            ],
            "full_matches": self.full_matches,
            "partial_from": self.partial_from,
            "facets": {k: [asdict(v) for v in vs] for k, vs in self.facets.items()},
            "selections": [asdict(s) for s in self.selections],
            "expansions": self.expansions,
            "identifiers": self.identifiers,
            "suggestion": self.suggestion,
            "corrected_from": self.corrected_from,
            "notices": self.notices,
            "semantic": {"status": self.semantic, "added": self.semantic_added, "from": self.semantic_from},
        }
