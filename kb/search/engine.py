"""`search()`: one request in, ranked and faceted records out.

Steps: parse the query (querylang) → identifiers are looked up exactly, words become Whoosh
queries with synonym and company-alias expansion, ranked by BM25F → query filters and facet
selections are applied over the in-memory facet column → facet counts (each facet counted as if
its own selection were removed) → sort, page, highlight.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Set

from whoosh import query as Q

from kb.analysis import analyze, normalize_word
from kb.errors import QueryError
from kb.identifiers import title_key
from kb.schema import PHRASE_FIELD, TEXT_FIELDS
from kb.search import highlight
from kb.search.facets import count_facets, date_range, in_range, matches, resolve_facet_value
from kb.search.index_view import IndexHandle, IndexView
from kb.search.model import (
    FACET_LABELS,
    FACET_NAMES,
    MAX_PER_PAGE,
    SORTS,
    Hit,
    SearchRequest,
    SearchResult,
)
from kb.search.querylang import ParsedQuery, parse_query

FACET_LIMIT = 30
EXPANSION_BOOST = 0.5  # a synonym or alias counts half as much as the word the user typed


def search(handle: IndexHandle, request: SearchRequest, *, facet_limit: int = FACET_LIMIT) -> SearchResult:
    """Answer `request` against the live index generation."""
    _validate(request)
    view = handle.view()
    parsed = parse_query(request.q)
    ctx = _Context(handle, view, parsed)
    docs = ctx.match()
    if ctx.has_query_filters:
        docs = {d for d in docs if ctx.passes_query_filters(d)}
    selections = ctx.selections(request.filters)
    final, facets = count_facets(view, docs, selections, handle, facet_limit)
    page_docs, scores = _page(view, ctx, final, request)
    terms = ctx.highlight_terms()
    hits = [_hit(view, d, scores.get(d, 0.0), terms) for d in page_docs]
    histogram = _histogram(view, final)
    return SearchResult(
        total=len(final),
        page=request.page,
        per_page=request.per_page,
        hits=hits,
        facets=facets,
        expansions=ctx.expansions,
        identifiers=ctx.identifiers,
        suggestion=ctx.suggestion,
        notices=parsed.notices + ctx.notices,
        histogram=[(date, histogram.get(date, 0)) for date in view.dates],
    )


def _page(view: IndexView, ctx: _Context, final: Set[int], request: SearchRequest):
    """The docnums of the requested page, in order, and their scores when ranked.

    Relevance scores only the top of the list (Whoosh's top-k, restricted to `final`); the date
    orders use the per-generation rank tables."""
    start, end = (request.page - 1) * request.per_page, request.page * request.per_page
    if start >= len(final):
        return [], {}
    if request.sort == "relevance" and ctx.query is not None:
        restrict = None if final is ctx.matched else set(final)
        results = view.searcher().search(ctx.query, limit=end, filter=restrict)
        hits = [(h.docnum, h.score) for h in results][start:end]
        return [d for d, _ in hits], dict(hits)
    order = "oldest" if request.sort == "oldest" else "newest"
    if final is view.live_set:
        return getattr(view, order)[start:end], {}
    rank = view.rank[order]
    return heapq.nsmallest(end, final, key=rank.__getitem__)[start:end], {}


def _histogram(view: IndexView, final: Set[int]) -> Counter:
    if final is view.live_set:
        return view.cached("histogram", lambda: Counter(view.columns["date"].values()))
    dates = view.columns["date"]
    return Counter(dates[d] for d in final)


def _validate(request: SearchRequest) -> None:
    if request.sort not in SORTS:
        raise QueryError(f"sort must be one of {', '.join(SORTS)}, got {request.sort!r}")
    if not isinstance(request.page, int) or request.page < 1:
        raise QueryError(f"page must be a whole number from 1, got {request.page!r}")
    if not isinstance(request.per_page, int) or not 1 <= request.per_page <= MAX_PER_PAGE:
        raise QueryError(f"per_page must be from 1 to {MAX_PER_PAGE}, got {request.per_page!r}")
    unknown = [k for k in request.filters if k not in FACET_NAMES]
    if unknown:
        raise QueryError(f"unknown facet {unknown[0]!r} (facets: {', '.join(FACET_NAMES)})")


class _Context:
    """State of one search: the parsed query, what was expanded, what was looked up."""

    def __init__(self, handle: IndexHandle, view: IndexView, parsed: ParsedQuery) -> None:
        self.handle, self.view, self.parsed = handle, view, parsed
        self.expansions: list[str] = []
        self.identifiers: list[str] = []
        self.notices: list[str] = []
        self.suggestion = ""
        self.query: Q.Query | None = None  # ranks the matches by relevance, when there is one
        self.matched: Set[int] = frozenset()
        self._terms: set[str] = set()
        self._phrases: set[tuple[str, ...]] = set()
        self._expanded_tokens: set[tuple[str, ...]] = set()  # the typed words and expansions so far
        self._query_filters = self._read_query_filters()

    # -- matching ---------------------------------------------------------------
    def match(self) -> Set[int]:
        """Docnums matching the query part of the request (all live docs when it is empty);
        sets `self.query` to the Whoosh query that ranks them, if any."""
        parsed = self.parsed
        self._bare_repos_to_words()
        exact = self._exact_title() if not parsed.has_identifiers else None
        if parsed.has_identifiers or parsed.titles or exact is not None:
            return self._identifier_docs(exact)
        if parsed.is_empty:
            return self.view.live_set
        found = self._text_search(parsed.words)
        if not found and parsed.words:
            corrected = self._corrected_words(parsed.words)
            if corrected and corrected != parsed.words:
                self.suggestion = " ".join(corrected)
                found = self._text_search(corrected)
                if found:
                    typed, shown = " ".join(parsed.words), self.suggestion
                    self.notices.append(
                        f"没有 {typed!r} 的结果，显示 {shown!r} 的结果 (no results for {typed!r}; showing {shown!r})"
                    )
        self.matched = found
        return found

    def _text_search(self, words: list[str]) -> set[int]:
        parts = [q for q in (self._word_query(w) for w in words) if q is not None]
        parts += [q for q in (self._phrase_query(p) for p in self.parsed.phrases) if q is not None]
        if not parts:
            if self.parsed.excluded and not words and not self.parsed.phrases:
                return self._minus(set(self.view.live_set))
            return set()
        query: Q.Query = Q.And(parts) if len(parts) > 1 else parts[0]
        found = self._minus(set(self.view.searcher().docs_for_query(query)) & self.view.live_set)
        self.query = query if found else None
        return found

    def _minus(self, found: set[int]) -> set[int]:
        for word in self.parsed.excluded:
            q = self._phrase_query(word, expand=False)
            if q is not None:
                found.difference_update(self.view.searcher().docs_for_query(q))
        return found

    def _word_query(self, word: str) -> Q.Query | None:
        """The word itself in title/body, or (at half weight) any synonym or alias of it, via
        the concept terms added at index time; the company field when it names a company."""
        alternatives: list[Q.Query] = []
        tokens = analyze(word)
        self._expanded_tokens.add(tuple(tokens))
        own = self._tokens_query(tokens, phrase=False)
        if own is not None:
            alternatives.append(own)
            self._mark(tuple(tokens), phrase=False)
        group = self.handle.synonyms.group_of(word)
        if group is not None:
            alternatives.append(Q.Term("concept", f"syn:{group}", boost=EXPANSION_BOOST))
            for synonym in self.handle.synonyms.expand(word):
                self._note_expansion(synonym)
        company = self.handle.companies.resolve_name(word)
        if company:
            alternatives.append(Q.Term("company", company))
            alternatives.append(Q.Term("concept", f"co:{company}", boost=EXPANSION_BOOST))
            for alias in self.handle.companies.spellings(company):
                self._note_expansion(alias)
        if not alternatives:
            return None
        return Q.Or(alternatives) if len(alternatives) > 1 else alternatives[0]

    def _note_expansion(self, text: str) -> None:
        """Report and highlight an expansion the index holds (the concept term did the search)."""
        tokens = tuple(analyze(text))
        if tokens and tokens not in self._expanded_tokens and self._indexed(tokens):
            self._expanded_tokens.add(tokens)
            self._expanded(text)
            self._mark(tokens, phrase=True)

    def _indexed(self, tokens: tuple[str, ...]) -> bool:
        """Whether every token occurs in some text field (expansions that match nothing are not
        reported as "also searched")."""
        reader = self.view.searcher().reader()
        return all(any(reader.doc_frequency(f, t) for f in TEXT_FIELDS) for t in tokens)

    def _phrase_query(self, text: str, expand: bool = True) -> Q.Query | None:
        tokens = analyze(text)
        if expand:
            self._mark(tuple(tokens), phrase=True)
        return self._tokens_query(tokens, phrase=True)

    def _mark(self, tokens: tuple[str, ...], phrase: bool) -> None:
        if phrase and len(tokens) > 1:
            self._phrases.add(tokens)
        else:
            self._terms.update(tokens)

    @staticmethod
    def _tokens_query(tokens: list[str], phrase: bool) -> Q.Query | None:
        if not tokens:
            return None
        if len(tokens) == 1:
            return Q.Or([Q.Term(f, tokens[0]) for f in TEXT_FIELDS])
        if phrase:
            return Q.Phrase(PHRASE_FIELD, tokens)
        return Q.And([Q.Or([Q.Term(f, t) for f in TEXT_FIELDS]) for t in tokens])

    def _expanded(self, term: str) -> None:
        if term not in self.expansions:
            self.expansions.append(term)

    # -- identifiers --------------------------------------------------------------
    def _bare_repos_to_words(self) -> None:
        """`owner/name` typed without github.com is a repo only if some item carries it."""
        kept = []
        for repo in self.parsed.repos:
            typed = next((w for w in self.parsed.text.split() if w.lower().strip("/") == repo), None)
            if typed is not None and "github.com" not in typed.lower() and not self.view.docnums("repo", repo):
                self.parsed.words.append(typed)
                self.notices.append(
                    f"没有条目收录仓库 {repo!r}，按普通词搜索 (no item carries the repo {repo!r}; searched as words)"
                )
            else:
                kept.append(repo)
        self.parsed.repos = kept

    def _exact_title(self) -> str | None:
        """The query itself when it is an exact title some item carries."""
        parsed = self.parsed
        if parsed.excluded or parsed.phrases and parsed.words:
            return None
        text = " ".join(parsed.words + parsed.phrases)
        key = title_key(text)
        return text if len(key) >= 8 and self.view.docnums("title_key", key) else None

    def _identifier_docs(self, exact: str | None) -> set[int]:
        """Items carrying every identifier of the query (arXiv IDs, repos, titles)."""
        wanted = [("arxiv", i) for i in self.parsed.arxiv] + [("repo", r) for r in self.parsed.repos]
        wanted += [("title", t) for t in self.parsed.titles + ([exact] if exact else [])]
        groups = []
        for kind, value in wanted:
            self.identifiers.append(f"{kind}:{value}")
            groups.append(self.view.identifier_docs(kind, value))
        docs = set.intersection(*groups) if groups else set()
        if exact is None and (self.parsed.words or self.parsed.phrases) and docs:
            docs &= self._text_search(self.parsed.words)
            self.query = None  # identifier answers are listed by date
        return docs & self.view.live_set

    # -- typo tolerance ---------------------------------------------------------------
    def _corrected_words(self, words: list[str]) -> list[str] | None:
        reader = self.view.searcher().reader()
        out, changed = [], False
        for word in words:
            token = word.lower()
            if not (word.isascii() and word.replace("-", "").isalnum()) or len(token) < 4:
                out.append(word)
                continue
            best = _closest_term(reader, token)
            if best and normalize_word(best) != normalize_word(token):
                out.append(best)
                changed = True
            else:
                out.append(word)
        return out if changed else None

    # -- filters -----------------------------------------------------------------
    def _read_query_filters(self) -> dict[str, list]:
        """Facet values resolved, date ranges parsed: once per search, not per document."""
        out: dict[str, list] = {}
        for name, values in self.parsed.filters.items():
            if name == "date":
                out["date"] = [b for b in (date_range(v, self.notices) for v in values) if b]
                continue
            resolved = [self._facet_value(name, v) for v in values]
            out[name] = [v for v in resolved if v]
        return out

    @property
    def has_query_filters(self) -> bool:
        return bool(self._query_filters)

    def passes_query_filters(self, docnum: int) -> bool:
        facets = self.view.facets[docnum]
        for name, values in self._query_filters.items():
            if name == "date":
                if not all(in_range(facets["date"], bounds) for bounds in values):
                    return False
            elif not values or not matches(facets.get(name), name, set(values)):
                return False
        return True

    def selections(self, filters: dict[str, list[str]]) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {}
        for name, values in filters.items():
            picked = {v for v in (self._facet_value(name, raw) for raw in values if raw.strip()) if v}
            if values and any(raw.strip() for raw in values):
                out[name] = picked or {"\0none"}
        return out

    def _facet_value(self, name: str, raw: str) -> str | None:
        value = resolve_facet_value(self.handle, name, raw)
        if not value:
            shown = raw.strip()
            self.notices.append(
                f"未知的{FACET_LABELS[name]} {shown!r}，没有匹配 (unknown {name} {shown!r}: nothing matches)"
            )
        return value

    def highlight_terms(self) -> highlight.Terms:
        return highlight.Terms(frozenset(self._terms), frozenset(self._phrases))


def _closest_term(reader, token: str) -> str | None:
    best, best_freq = None, 0
    maxdist = 1 if len(token) <= 6 else 2
    try:
        candidates = list(reader.terms_within("spell", token, maxdist, prefix=1))
    except Exception:  # noqa: BLE001 - an index with no spelling words
        return None
    for term in candidates:
        freq = reader.doc_frequency("spell", term)
        if freq > best_freq:
            best, best_freq = term, freq
    return best


def _hit(view: IndexView, docnum: int, score: float, terms: highlight.Terms) -> Hit:
    record = view.record(docnum)
    text = record["summary"] or record.get("paper_title") or ""
    return Hit(
        record=record,
        score=score,
        title_html=highlight.mark(record["title"], terms),
        snippet_html=highlight.snippet(text, terms),
    )


def get_record(handle: IndexHandle, record_id: str) -> dict | None:
    view = handle.view()
    docs = view.docnums("id", record_id)
    return view.record(docs[0]) if docs else None
