"""`search()`: one request in, ranked and faceted records out.

Steps: parse the query (querylang) → identifiers are looked up exactly, words become Whoosh
queries with synonym and company-alias expansion, ranked by BM25F → query filters and facet
selections are applied over the in-memory facet column → facet counts (each facet counted as if
its own selection were removed) → sort, page, highlight.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Iterator, Set

from whoosh import query as Q

from kb.analysis import analyze, normalize_word
from kb.errors import QueryError
from kb.facets import value_label
from kb.identifiers import title_key
from kb.schema import CONCEPT_FIELDS, PHRASE_FIELD, TEXT_FIELDS
from kb.search import highlight, semantic
from kb.search.bestmatch import BestMatch, Group, best_match
from kb.search.dismax import DisMax
from kb.search.facets import count_facets, date_range, docs_matching, in_range, resolve_facet_value
from kb.search.fusion import SEMANTIC_DEPTH, fuse
from kb.search.index_view import IndexHandle, IndexView
from kb.search.model import (
    FACET_LABELS,
    FACET_NAMES,
    MAX_PER_PAGE,
    SORTS,
    FacetSelection,
    Hit,
    SearchRequest,
    SearchResult,
)
from kb.search.plan import Unit, plan_units
from kb.search.querylang import ParsedQuery, parse_query
from kb.search.scoring import ScoreMap
from kb.synonyms import NARROWER

FACET_LIMIT = 30
#: How much a match of a concept counts, per kind of concept (a plain word's match counts 1.0).
CONCEPT_BOOSTS = {"syn": 1.0, "gl": 0.8, "co": 1.0}
NARROWER_BOOST = 0.5  # an instance of the concept (TVM for 深度学习编译器), against the concept itself
TYPED_FORM_BONUS = 0.3  # added where the concept stands in the form the reader typed
COMPANY_TAG_BOOST = 1.0  # the item is tagged with the company the query names
RECALL_BOOST = 0.25  # a Chinese word found inside a longer word, or split into words: below a match
TIEBREAK = 0.1  # a unit scores its best alternative plus this share of the others


def search(handle: IndexHandle | IndexView, request: SearchRequest, *, facet_limit: int = FACET_LIMIT) -> SearchResult:
    """Answer `request` against the live index generation (or the one view given): every
    table the search reads (companies, synonyms) is that generation's."""
    _validate(request)
    view = handle.view()
    parsed = parse_query(request.q)
    ctx = _Context(view, parsed)
    docs = ctx.match()
    if ctx.has_query_filters:
        docs = ctx.apply_query_filters(docs)
    selections = ctx.selections(request.filters)
    ctx.near = ctx.semantic_matches(docs, selections, request)
    added = {d for d, _ in ctx.near} - docs
    if added:
        docs = set(docs) | added
    final, facets = count_facets(view, docs, selections, facet_limit)
    page_docs, scores = _page(view, ctx, final, request)
    terms = ctx.highlight_terms()
    near = dict(ctx.near)
    hits = [_hit(view, d, scores.get(d, 0.0), terms, ctx.missing_of(d), near.get(d), d in added) for d in page_docs]
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
        corrected_from=ctx.corrected_from,
        notices=parsed.notices + ctx.notices,
        histogram=[(date, histogram.get(date, 0)) for date in view.dates],
        full_matches=ctx.full_matches(final),
        selections=ctx.selected,
        semantic=ctx.semantic_status,
        semantic_added=len(added & final) if added else 0,
        semantic_from=ctx.semantic_from,
    )


def _page(view: IndexView, ctx: _Context, final: Set[int], request: SearchRequest):
    """The docnums of the requested page, in order, and their scores when ranked.

    Relevance scores only the top of the list (Whoosh's top-k, restricted to `final`); the date
    orders use the per-generation rank tables."""
    start, end = (request.page - 1) * request.per_page, request.page * request.per_page
    if start >= len(final):
        return [], {}
    if request.sort == "relevance" and ctx.ranking is not None and ctx.near:
        return _fused_page(ctx, final, start, end)
    if request.sort == "relevance" and ctx.ranking is not None:
        return _ranked_page(view, ctx, final, start, end)
    order = "oldest" if request.sort == "oldest" else "newest"
    if final is view.live_set:
        return getattr(view, order)[start:end], {}
    rank = view.rank[order]
    return heapq.nsmallest(end, final, key=rank.__getitem__)[start:end], {}


def _ranked_page(view: IndexView, ctx: _Context, final: Set[int], start: int, end: int):
    """The page [start, end) of the best-match groups in order, each group by score (BM25F,
    kb.search.scoring), ties by docnum."""
    scores = ctx.ranking or {}
    ranked: list[int] = []  # the results from offset `first` on, in order
    first: int | None = None
    offset = 0

    get = scores.get
    for group in ctx.groups():
        docs = group.docs if final is ctx.matched else group.docs & final
        if offset + len(docs) <= start:  # empty, or wholly before the page
            offset += len(docs)
            continue
        first = offset if first is None else first
        wanted = end - offset
        keyed = [(-get(d, 0.0), d) for d in docs]  # compared as tuples in C, no key call per item
        best = heapq.nsmallest(wanted, keyed) if wanted < len(keyed) else sorted(keyed)
        ranked += [d for _, d in best]
        offset += len(docs)
        if offset >= end:
            break
    if first is None:
        return [], {}
    page = ranked[start - first : end - first]
    return page, {d: scores.get(d, 0.0) for d in page}


def _lexical_order(ctx: _Context, final: Set[int]) -> Iterator[int]:
    """Every match in `final`, in lexical order: best-match groups, each by score."""
    scores = ctx.ranking or {}
    for group in ctx.groups():
        docs = group.docs if final is ctx.matched else group.docs & final
        yield from sorted(docs, key=lambda d: (-scores.get(d, 0.0), d))


def _fused_page(ctx: _Context, final: Set[int], start: int, end: int):
    """The page [start, end) of the hybrid ranking (kb.search.fusion) of the lexical matches
    and the records near in meaning."""
    scores = ctx.ranking or {}
    groups = ctx.groups()
    full = groups[0].docs & final if groups and not groups[0].missing else frozenset()
    units = max(1, len(ctx.units))
    semantic = [d for d, _ in ctx.near if d in final]
    order = fuse(_lexical_order(ctx, final), full, lambda d: 1 - len(ctx.missing_of(d)) / units, semantic, end)
    lexical = scores.keys()
    ctx.semantic_from = next((n for n, d in enumerate(order, 1) if d not in lexical), None)
    page = order[start:end]
    return page, {d: scores.get(d, 0.0) for d in page}


def _boosted(query: Q.Query, boost: float) -> Q.Query:
    query.boost = boost
    return query


def _union(parts: list[Q.Query]) -> Q.Query:
    """The sum of the parts' scores."""
    return parts[0] if len(parts) == 1 else Q.Or(parts)


def _histogram(view: IndexView, final: Set[int]) -> Counter:
    if final is view.live_set:
        return view.cached("histogram", lambda: Counter(view.columns["date"].values()))
    return Counter(map(view.columns["date"].__getitem__, final))


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

    def __init__(self, view: IndexView, parsed: ParsedQuery) -> None:
        self.view, self.parsed = view, parsed
        self.expansions: list[str] = []
        self.identifiers: list[str] = []
        self.notices: list[str] = []
        self.suggestion = ""
        self.corrected_from = ""  # the words typed, when the results are the suggestion's
        self.ranking: ScoreMap | None = None  # the matches' relevance scores, when ranked
        self.matched: Set[int] = frozenset()
        self.units: list[Unit] = []  # the optional units best match counted
        self.best: BestMatch | None = None
        self._terms: set[str] = set()
        self._phrases: set[tuple[str, ...]] = set()
        self._expanded_tokens: set[tuple[str, ...]] = set()  # the typed words and expansions so far
        self.selected: list[FacetSelection] = []  # the request's facet values, resolved
        self.near: list[tuple[int, float]] = []  # records nearest in meaning (docnum, similarity)
        self.semantic_status = "off"  # kb.search.semantic.status
        self.semantic_from: int | None = None  # rank of the first record found by meaning alone
        self._excluded: set[int] = set()  # what -words removed
        self._query_filters = self._read_query_filters()

    # -- matching ---------------------------------------------------------------
    def match(self) -> Set[int]:
        """Docnums matching the query part of the request (all live docs when it is empty);
        sets `self.ranking` to their scores when they are ranked by relevance."""
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
                    self.corrected_from = " ".join(parsed.words)
        self.matched = found
        return found

    def _text_search(self, words: list[str]) -> set[int]:
        """Best match over the query's units: see kb.search.bestmatch. Quoted phrases and
        `+words` must match; `-words` must not."""
        parsed = self.parsed
        plan = plan_units(words, self.view.tables, required=parsed.required)
        self.notices.extend(n for n in plan.notices if n not in self.notices)
        live = self.view.live_set
        optional = [(u, self._scores(self._unit_query(u))) for u in plan.optional]
        required = [self._scores(self._unit_query(u)) for u in plan.required]
        required += [self._scores(q) for q in (self._phrase_query(p) for p in parsed.phrases) if q is not None]
        base: set[int] | None = None
        for scores in required:
            base = set(scores) if base is None else base.intersection(scores)
        if optional:
            scope = live if base is None else base
            self.best = best_match([scope.intersection(scores) for _, scores in optional], len(live))
            self.units = [u for u, _ in optional]
            found = self.best.docs
        elif base is not None:
            found = base
        elif parsed.excluded and not words:
            return self._minus(set(live))
        else:
            return set()
        found = self._minus(set(found))
        if self.best is not None:
            self.best = self.best.restricted(found)
        parts = [scores for _, scores in optional] + required
        if found and len(parts) == 1:
            self.ranking = {d: parts[0][d] for d in found}  # found ⊆ the one unit's matches
        elif found and parts:
            self.ranking = {d: sum(p.get(d, 0.0) for p in parts) for d in found}
        return found

    def _scores(self, query: Q.Query) -> ScoreMap:
        """Every live document `query` matches, with its BM25F score."""
        return self.view.scores().of(self.view.searcher(), query)

    def groups(self) -> list[Group]:
        """The best-match groups of the answer in rank order (one group when all must match)."""
        if self.best is None:
            return [Group(0, frozenset(self.matched), ())]
        return self.best.groups

    def missing_of(self, docnum: int) -> list[str]:
        """The query words an answer lacks (as typed)."""
        if self.best is None:
            return []
        return [self.units[i].text for i in self.best.missing_of(docnum)]

    def full_matches(self, final: Set[int]) -> int:
        """How many of `final` contain every query word."""
        if self.best is None:
            return len(final)
        if not self.best.groups or self.best.groups[0].missing:
            return 0
        full = self.best.groups[0].docs
        return len(full) if final is self.matched else len(full & final)

    def _minus(self, found: set[int]) -> set[int]:
        for word in self.parsed.excluded:
            q = self._phrase_query(word, expand=False)
            if q is not None:
                excluded = self._scores(q)
                self._excluded.update(excluded)
                found.difference_update(excluded)
        return found

    # -- meaning ------------------------------------------------------------------
    def semantic_matches(
        self, docs: Set[int], selections: dict[str, set[str]], request: SearchRequest
    ) -> list[tuple[int, float]]:
        """The records nearest the query in meaning that pass its filters and selections, for a
        ranked text query that matched something (kb.search.semantic says when)."""
        self.semantic_status = semantic.status(self.view)
        parsed = self.parsed
        if (
            self.semantic_status != "on"
            or not request.semantic
            or request.sort != "relevance"
            or self.ranking is None
            or not docs
            or parsed.required
            or parsed.phrases
        ):
            return []
        filtered = self.apply_query_filters(self.view.live_set) if self.has_query_filters else None
        selected = [docs_matching(self.view, name, values) for name, values in selections.items()]

        def accept(d: int) -> bool:
            if d in self._excluded or (filtered is not None and d not in filtered):
                return False
            return all(d in docs for docs in selected)

        text = semantic.query_text(parsed, self.view.tables)
        return semantic.nearest(self.view, text, SEMANTIC_DEPTH, accept)

    def _unit_query(self, unit: Unit) -> Q.Query:
        """One unit. A plain word: its literal tokens in title/body. A concept (synonym group,
        glossary entry, company): the concept in the title or body concept fields, which counts
        every form of it under the concept's own statistics (like Lucene's SynonymQuery), plus a
        bonus where the typed form itself stands, plus, for a company, the items tagged with it;
        so the typed word counts more than its synonyms, but one passing literal mention does not
        outrank a title about the concept. Chinese recall (kb.search.recall) is the fallback,
        scored by dis-max below a match of the word."""
        tokens = list(unit.tokens)
        self._expanded_tokens.add(tuple(tokens))
        if len(tokens) > 1 and unit.is_phrase:  # the words in the title count too
            literal = Q.Or([Q.Phrase(PHRASE_FIELD, tokens), Q.And([Q.Term("title", t) for t in tokens])])
        else:
            literal = self._tokens_query(tokens, phrase=unit.is_phrase)
        if literal is not None:
            self._mark(tuple(tokens), phrase=unit.is_phrase)
        parts: list[Q.Query] = []
        for concept in unit.concepts:
            boost = CONCEPT_BOOSTS[concept.split(":", 1)[0]]
            parts.append(Q.Or([Q.Term(f, concept) for f in CONCEPT_FIELDS], boost=boost))
            if self.view.tables.synonyms.has_narrower(concept):  # TVM for deep learning compiler
                narrower = concept + NARROWER
                parts.append(Q.Or([Q.Term(f, narrower) for f in CONCEPT_FIELDS], boost=boost * NARROWER_BOOST))
            for term in self.view.tables.group_terms(concept):
                self._note_expansion(term)
        if unit.company:
            parts.append(Q.Term("company", unit.company, boost=COMPANY_TAG_BOOST))
        if parts and literal is not None:
            parts.append(_boosted(literal, TYPED_FORM_BONUS))
        main = _union(parts) if parts else literal
        recall = self._recall_query(unit)
        if main is None:
            return recall if recall is not None else Q.NullQuery
        if recall is None:
            return main
        return DisMax([main, recall], tiebreak=TIEBREAK)

    def _recall_query(self, unit: Unit) -> Q.Query | None:
        text = unit.chinese
        if not text:
            return None
        vocabulary = self.view.chinese_vocabulary()
        if text in vocabulary.terms:  # indexed as a word: every longer word holding it holds it too
            return None
        options: list[Q.Query] = [Q.Term(PHRASE_FIELD, t) for t in vocabulary.containing(text)]
        pieces = vocabulary.pieces(text)
        if pieces and tuple(pieces) != unit.tokens:
            options.append(Q.Phrase(PHRASE_FIELD, pieces))
        if not options:
            return None
        return Q.Or(options, boost=RECALL_BOOST) if len(options) > 1 else _boosted(options[0], RECALL_BOOST)

    def _note_expansion(self, text: str) -> None:
        """Report and highlight an expansion the index holds (the concept term did the search)."""
        tokens = self.view.indexed_tokens(text)  # () when it matches nothing: not "also searched"
        if tokens and tokens not in self._expanded_tokens:
            self._expanded_tokens.add(tokens)
            self._expanded(text)
            self._mark(tokens, phrase=True)

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
                self.parsed.required.extend(typed.replace("/", " ").split())
                self.notices.append(
                    f"没有条目收录仓库 {repo!r}，改为搜索同时含这些词的条目 (no item carries the repo {repo!r}; "
                    "searched for items with all of its words)"
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
        wanted += [("url", u) for u in self.parsed.urls]
        wanted += [("title", t) for t in self.parsed.titles + ([exact] if exact else [])]
        groups = []
        for kind, value in wanted:
            self.identifiers.append(f"{kind}:{value}")
            groups.append(self.view.identifier_docs(kind, value))
        docs = set.intersection(*groups) if groups else set()
        if exact is None and (self.parsed.words or self.parsed.phrases) and docs:
            docs &= self._text_search(self.parsed.words)
            self.ranking = None  # identifier answers are listed by date
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

    def apply_query_filters(self, docs: Set[int]) -> set[int]:
        """`docs` limited by the query's field filters (`year:2020`, `company:华为`, `date:…`):
        a facet's filter through the generation's value index, dates per document."""
        out = set(docs)
        for name, values in self._query_filters.items():
            if name != "date":
                out = out.intersection(docs_matching(self.view, name, values)) if values else set()
        ranges = self._query_filters.get("date")
        if ranges:
            dates = self.view.columns["date"]
            out = {d for d in out if all(in_range(dates[d], bounds) for bounds in ranges)}
        return out

    def selections(self, filters: dict[str, list[str]]) -> dict[str, set[str]]:
        """Each facet's selected stored values (`\0none` when none resolves); records every
        typed value with its resolution in `self.selected`."""
        out: dict[str, set[str]] = {}
        names = self.view.tables.companies
        for name, values in filters.items():
            typed = [raw.strip() for raw in values if raw.strip()]
            if not typed:
                continue
            picked = set()
            for raw in typed:
                value = self._facet_value(name, raw)
                label = value_label(name, value, names) if value else raw
                self.selected.append(FacetSelection(name, raw, value, label))
                if value:
                    picked.add(value)
            out[name] = picked or {"\0none"}
        return out

    def _facet_value(self, name: str, raw: str) -> str | None:
        value = resolve_facet_value(self.view, name, raw)
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


def _hit(
    view: IndexView,
    docnum: int,
    score: float,
    terms: highlight.Terms,
    missing: list[str],
    similarity: float | None = None,
    by_meaning: bool = False,
) -> Hit:
    record = view.record(docnum)
    text, spans = highlight.snippet(record["summary"] or record.get("paper_title") or "", terms)
    return Hit(
        record=record,
        score=score,
        title_spans=highlight.spans(record["title"], terms),
        snippet=text,
        snippet_spans=spans,
        missing=[] if by_meaning else missing,
        similarity=similarity,
        semantic=by_meaning,
    )


def get_record(handle: IndexHandle | IndexView, record_id: str) -> dict | None:
    view = handle.view()
    docs = view.docnums("id", record_id)
    return view.record(docs[0]) if docs else None
