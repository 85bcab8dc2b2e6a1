"""An open index generation for searching: the Whoosh index, per-thread searchers and the facet
column loaded once into memory; `IndexHandle` swaps to a new generation after a reindex.

Readers never block on writers: a reindex publishes a new generation, the next request opens it,
and requests in flight finish on the one they started with.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from functools import lru_cache

from whoosh import index as whoosh_index

from kb import analysis, store, vectors
from kb.companies import CompanyTable
from kb.concepts import Tables, generation_tables
from kb.config import Config
from kb.embedding import Embedder, load_embedder
from kb.errors import IndexMissingError
from kb.identifiers import title_key
from kb.schema import PHRASE_FIELD, TEXT_FIELDS
from kb.search.model import FACET_NAMES
from kb.search.recall import ChineseVocabulary
from kb.search.scoring import Scores
from kb.vectors import Vectors

RECORD_CACHE = 4096  # records kept unpickled per generation (the archive has 802)


class IndexView:
    """One generation, read-only. Cheap to share between threads."""

    def __init__(
        self, gen: store.Generation, config: Config, embedder: Callable[[], Embedder | None] = lambda: None
    ) -> None:
        self.generation = gen
        self.embedder = embedder  # the handle's query embedder (not the generation's: the config's)
        #: the tables and user dictionary this generation was built with (kept in it)
        self.tables, userdict = generation_tables(gen.tables_path, config)
        self.user_words = analysis.load_user_dictionary(userdict)
        self.manifest = gen.manifest()
        try:
            self.ix = whoosh_index.open_dir(str(gen.path))
        except (OSError, whoosh_index.EmptyIndexError) as exc:
            raise IndexMissingError(f"index at {gen.path} cannot be opened: {exc}") from None
        self._local = threading.local()
        with self.ix.reader() as reader:
            column = reader.column_reader("facets")
            self.live = [n for n in range(reader.doc_count_all()) if not reader.is_deleted(n)]
            self.facets = {n: column[n] for n in self.live}
        self.live_set = frozenset(self.live)
        #: facet name → value per live docnum (tuples for multi-valued facets)
        self.columns = {name: {n: f[name] for n, f in self.facets.items()} for name in (*FACET_NAMES, "date")}
        self.newest = sorted(self.live, key=lambda n: (_desc(self.facets[n]["date"]), n))
        self.oldest = sorted(self.live, key=lambda n: (self.facets[n]["date"], n))
        #: docnum → place in newest-first / oldest-first order, to sort any subset cheaply
        self.rank = {
            "newest": {n: i for i, n in enumerate(self.newest)},
            "oldest": {n: i for i, n in enumerate(self.oldest)},
        }
        self.dates = sorted({f["date"] for f in self.facets.values() if f and f["date"]})
        self._cache: dict = {}
        self._record = lru_cache(maxsize=RECORD_CACHE)(self._load_record)
        self._in_text = lru_cache(maxsize=RECORD_CACHE)(self._read_in_text)
        self._indexed_tokens = lru_cache(maxsize=RECORD_CACHE)(self._read_indexed_tokens)

    def view(self) -> IndexView:
        """This generation: a view answers what a handle does (`view()`, `tables`, `companies`,
        `embedder()`), so a caller that reads one generation for a whole request (a web page:
        the search, the labels of its tags) can pass its view wherever a handle is taken."""
        return self

    @property
    def companies(self) -> CompanyTable:
        return self.tables.companies

    def cached(self, key, compute):
        """Per-generation memo for answers that depend only on the index (the browse page)."""
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]

    def chinese_vocabulary(self) -> ChineseVocabulary:
        """The Chinese words this generation's body field holds (for query-time recall)."""
        return self.cached("chinese_vocabulary", lambda: ChineseVocabulary(self._body_terms()))

    def vectors(self) -> Vectors | None:
        """The generation's record vectors (semantic layer), None when it was built without."""
        folder = self.generation.path
        return self.cached("vectors", lambda: Vectors(folder) if vectors.meta(folder) else None)

    def scores(self) -> Scores:
        """Scores queries against this generation (its field lengths are loaded once)."""
        return self.cached("scores", lambda: Scores(self.live_set, self.searcher()))

    def _body_terms(self):
        reader = self.searcher().reader()
        for term in reader.lexicon(PHRASE_FIELD):
            yield term.decode("utf-8") if isinstance(term, bytes) else term

    def searcher(self):
        s = getattr(self._local, "searcher", None)
        if s is None:
            s = self._local.searcher = self.ix.searcher()
        return s

    def record(self, docnum: int) -> dict:
        """The stored record (EXPORT_KEYS), shared between callers: read it, never change it.
        The last RECORD_CACHE records read are kept unpickled (a page of hits is 20 reads)."""
        return self._record(docnum)

    def _load_record(self, docnum: int) -> dict:
        return self.searcher().stored_fields(docnum)["record"]

    def in_text(self, token: str) -> bool:
        """Whether some text field of this generation holds `token`."""
        return self._in_text(token)

    def _read_in_text(self, token: str) -> bool:
        reader = self.searcher().reader()
        return any(reader.doc_frequency(f, token) for f in TEXT_FIELDS)

    def indexed_tokens(self, term: str) -> tuple[str, ...]:
        """A table term's query tokens (analysed with this generation's user dictionary), or ()
        unless some text field holds every one. Remembered: a search asks it of every term of
        the concepts it expands, the same few hundred terms again and again."""
        return self._indexed_tokens(term)

    def _read_indexed_tokens(self, term: str) -> tuple[str, ...]:
        tokens = tuple(analysis.analyze(term))
        return tokens if all(self.in_text(t) for t in tokens) else ()

    def identifier_docs(self, kind: str, value: str) -> set[int]:
        """Items carrying an identifier exactly: `arxiv` ID, `repo`, normalised `url`, or `title`
        (whose match also brings the items that carry only the same paper's arXiv ID)."""
        if kind in ("arxiv", "repo", "url"):
            return set(self.docnums(kind, value))
        docs = set(self.docnums("title_key", title_key(value)))
        for docnum in list(docs):
            for ident in self.record(docnum).get("arxiv_ids", []):
                docs.update(self.docnums("arxiv", ident))
        return docs

    def docnums(self, field: str, value: str) -> list[int]:
        """Live documents whose `field` holds the exact term `value`."""
        s = self.searcher()
        try:
            return [n for n in s.document_numbers(**{field: value}) if n in self.facets]
        except (KeyError, ValueError):
            return []


class IndexHandle:
    """The index at config.index; reopens after a reindex. The tables (companies, synonyms,
    glossary, user dictionary) are those of the generation being read, so a reindex with
    edited tables is picked up by a running server without a restart."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self._lock = threading.Lock()
        self._view: IndexView | None = None
        self._pointer: tuple[int, int] | None = None  # CURRENT's (inode, mtime) when last read
        self._pointer_path = os.fspath(config.index / store.POINTER)  # Config is frozen
        self._embedder: Embedder | None = None

    def embedder(self) -> Embedder | None:
        """The query embedder when semantic search is on (loaded once; SemanticUnavailableError
        when the extra is missing), else None."""
        if not self.config.semantic:
            return None
        if self._embedder is None:
            with self._lock:
                if self._embedder is None:
                    self._embedder = load_embedder(self.config.embedder)
        return self._embedder

    @property
    def tables(self) -> Tables:
        return self.view().tables

    @property
    def companies(self) -> CompanyTable:
        return self.view().tables.companies

    def view(self) -> IndexView:
        """The live generation's view; one stat of CURRENT when it has not moved (a publish
        renames a new pointer file into place, so its inode changes)."""
        try:
            pointer = os.stat(self._pointer_path)
            key = (pointer.st_ino, pointer.st_mtime_ns)
        except OSError:
            key = None
        current = self._view
        if current is not None and key is not None and key == self._pointer:
            return current
        gen = store.require_generation(self.config.index)
        if current is not None and current.generation.name == gen.name:
            self._pointer = key
            return current
        with self._lock:
            if self._view is None or self._view.generation.name != gen.name:
                view = IndexView(gen, self.config, self.embedder)
                analysis.configure(view.user_words)  # queries segmented as the generation's text was
                self._view = view
            self._pointer = key
            return self._view


def _desc(date: str) -> tuple[int, ...]:
    return tuple(-ord(c) for c in date)
