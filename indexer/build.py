"""`kb reindex`: bring the index in line with the archive, incrementally and atomically.

Files are compared with the live generation's manifest by content hash: new, changed, deleted
and renamed issues are re-parsed; everything else is carried over. The new generation is built
beside the live one and published with one atomic rename (kb.store). When the fingerprint of
schema, analyzer, parser or tables changes, the whole archive is rebuilt.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import W3Codec

from indexer.archive import issue_files
from indexer.embed import EmbeddingCache, embed_generation
from indexer.parse import Issue, parse_issue
from indexer.postings import IndexWriter
from indexer.prepare import Prepared, prepare_all
from indexer.source import read_source
from kb import analysis, store
from kb.companies import CompanyTable
from kb.concepts import TABLE_NAMES, Tables, load_tables, table_files
from kb.config import Config
from kb.embedding import load_embedder
from kb.identifiers import normalize_url, title_key
from kb.records import Record
from kb.schema import build_schema, facet_values, fingerprint, spelling_words
from kb.vectors import FILES as VECTOR_FILES

Progress = Callable[[int, int, str], None]  # (done, total, issue file name or EMBEDDING)
EMBEDDING = "records embedded"  # the progress of the semantic layer's embedding step
#: The parser's own source: editing it changes the fingerprint, so the next reindex is full.
#: Every module whose code shapes records or the index: a change to any of them (not to its
#: comments or docstrings) makes the next reindex full. One declared list, checked by a test.
SHAPING_MODULES: tuple[str, ...] = (
    *("kb.schema", "kb.facets", "kb.records", "kb.analysis", "kb.identifiers", "kb.tables", "kb.trie"),
    *("kb.concepts", "kb.synonyms", "kb.companies", "kb.about"),
    *("indexer.source", "indexer.parse", "indexer.items", "indexer.inline", "indexer.lint"),
    *("indexer.problems", "indexer.prepare", "indexer.postings", "indexer.build"),
    *("kb.embedding", "kb.vectors", "indexer.embed"),
)


#: What the indexer imports that does not shape records: where files and the index live, errors.
NOT_SHAPING_MODULES: tuple[str, ...] = ("kb", "kb.config", "kb.errors", "kb.store", "indexer.archive")


def shaping_sources() -> list[Path]:
    root = Path(__file__).resolve().parent.parent
    return [root.joinpath(*name.split(".")).with_suffix(".py") for name in SHAPING_MODULES]


@dataclass
class ReindexResult:
    added: int = 0
    updated: int = 0
    removed: int = 0
    renamed: int = 0
    unchanged: int = 0
    issues: int = 0
    records: int = 0
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    full: bool = False
    generation: str = ""
    embedded: int | None = None  # records embedded this run (None: semantic search off)

    def summary_line(self) -> str:
        kind = "full rebuild" if self.full else "incremental"
        return (
            f"{kind}: {self.added} added, {self.updated} updated, {self.removed} removed, "
            f"{self.renamed} renamed, {self.unchanged} unchanged; {self.issues} issues, "
            f"{self.records} records, {len(self.warnings)} warnings, "
            + ("" if self.embedded is None else f"{self.embedded} embedded, ")
            + f"{self.seconds:.2f} s"
        )


def reindex(
    config: Config,
    *,
    archive: Path | None = None,
    full: bool = False,
    progress: Progress | None = None,
    wait: float = 0.0,
    on_wait: Callable[[], None] | None = None,
) -> ReindexResult:
    """Index `archive` (default: config.archive) into config.index; returns what changed."""
    started = time.perf_counter()
    archive = (archive or config.archive).resolve()
    files = issue_files(archive)
    analysis.configure(analysis.load_user_dictionary(config.userdict))
    embedder = load_embedder(config.embedder) if config.semantic else None  # fails before any work
    with store.writer_lock(config.index, wait=wait, on_wait=on_wait):
        store.clean(config.index)  # what killed writers left behind
        live = store.current_generation(config.index)
        old = live.manifest() if live else {}
        shapes = dict(old.get("code_shapes", {}))  # module shapes known from the last build
        print_ = fingerprint(shaping_sources(), table_files(config), shapes, embedder.model_id if embedder else "")
        full = full or live is None or old.get("fingerprint") != print_ or not _readable(live)
        old_files: dict = {} if full else old.get("files", {})
        sources = {s.name: s for s in (read_source(archive, p) for p in files)}
        result = ReindexResult(full=full)
        plan = _plan(sources, old_files, result)
        if not full and not plan.changed and not plan.removed:
            return _finish(result, old_files, live.name if live else "", started)
        gen = store.new_generation(config.index)
        try:
            tables = load_tables(config)  # after the no-change exit: loading analyzes every term
            manifest_files = _write(gen, live, full, sources, plan, old_files, tables, progress)
            if embedder is not None:
                result.embedded = _embed(gen, embedder, config, progress)
            keep_tables(gen, config)
            store.publish(
                gen,
                {
                    "fingerprint": print_,
                    "code_shapes": shapes,
                    "archive": str(archive),
                    "files": manifest_files,
                    "built": time.strftime("%Y-%m-%dT%H:%M:%S"),
                    "semantic": embedder.model_id if embedder else "",
                },
            )
        except BaseException:
            store.discard(gen)
            raise
    return _finish(result, manifest_files, gen.name, started)


def _embed(gen: store.Generation, embedder, config: Config, progress: Progress | None) -> int:
    """The generation's vectors (kb.vectors), through the content-keyed cache (indexer.embed)."""
    cache = EmbeddingCache(config.embedding_cache)
    try:
        step = (lambda done, total: progress(done, total, EMBEDDING)) if progress else None
        return embed_generation(gen.path, embedder, cache, step)
    finally:
        cache.close()


def _finish(result: ReindexResult, files: dict, generation: str, started: float) -> ReindexResult:
    """Totals from the manifest's file entries, the live generation, the elapsed time."""
    result.issues = sum(1 for f in files.values() if f.get("is_issue", True))
    result.records = sum(f.get("records", 0) for f in files.values())
    result.warnings = [w for f in files.values() for w in f.get("warnings", [])]
    result.generation = generation
    result.seconds = time.perf_counter() - started
    return result


@dataclass
class _Plan:
    changed: list[str] = field(default_factory=list)  # new, changed or renamed: parse these
    removed: list[str] = field(default_factory=list)  # delete their documents


def _plan(sources: dict, old_files: dict, result: ReindexResult) -> _Plan:
    plan = _Plan()
    gone = {name: info for name, info in old_files.items() if name not in sources}
    gone_hashes = {info["sha1"]: name for name, info in gone.items()}
    for name, src in sources.items():
        before = old_files.get(name)
        if before is None:
            plan.changed.append(name)
            if src.sha1 in gone_hashes:
                result.renamed += 1
                gone_hashes.pop(src.sha1)
            else:
                result.added += 1
        elif before["sha1"] != src.sha1:
            plan.changed.append(name)
            result.updated += 1
        else:
            result.unchanged += 1
    plan.removed = list(gone)
    result.removed = len(gone) - result.renamed
    return plan


def _write(gen, live, full, sources, plan, old_files, tables, progress) -> dict:
    if full or live is None:
        ix = whoosh_index.create_in(gen.path, build_schema())
        manifest_files: dict = {}
    else:
        shutil.rmtree(gen.path)
        # Whoosh never rewrites a file it has written (deletions live in the new TOC), so the
        # new generation can share the live one's segment files through hard links.
        shutil.copytree(
            live.path,
            gen.path,
            ignore=shutil.ignore_patterns(store.MANIFEST, store.TABLES, *VECTOR_FILES, "*.lock", "*WRITELOCK*"),
            copy_function=_link_or_copy,
        )
        ix = whoosh_index.open_dir(gen.path)
        manifest_files = {k: v for k, v in old_files.items() if k not in plan.removed}
    writer = IndexWriter(ix, limitmb=256, codec=_CODEC)
    try:
        for name in plan.removed + [n for n in plan.changed if n in old_files]:
            writer.delete_by_term("source_file", name)
            manifest_files.pop(name, None)
        taken = {i: n for n, info in manifest_files.items() for i in info.get("ids", [])}
        todo = sorted(sources) if full else sorted(plan.changed)

        def prepare_one(name: str) -> Prepared:
            issue = _parse(sources[name], tables.companies)
            return Prepared(name, issue, [document(r, tables) for r in (issue.records if issue else [])])

        for count, prepared in enumerate(prepare_all(todo, prepare_one), 1):
            name, issue = prepared.name, prepared.issue
            if progress:
                progress(count, len(todo), name)
            src = sources[name]
            analysis.prime(prepared.analyzed)
            ids = _add_issue(writer, prepared, taken)
            manifest_files[name] = {
                "sha1": src.sha1,
                "date": issue.date if issue else "",
                "is_issue": bool(issue and issue.is_issue),
                "records": len(ids),
                "ids": ids,
                "warnings": [str(w) for w in src.warnings + (issue.warnings if issue else [])],
                "intro": issue.intro if issue else "",
                "title": issue.title if issue else "",
            }
        writer.commit(optimize=full)
    except BaseException:
        writer.cancel()
        raise
    return dict(sorted(manifest_files.items()))


def _readable(gen: store.Generation) -> bool:
    """Whether the live generation opens (a damaged one is rebuilt in full, not patched)."""
    try:
        with whoosh_index.open_dir(str(gen.path)).reader() as reader:
            reader.doc_count()
        return True
    except Exception:  # noqa: BLE001 - any failure to read means: rebuild
        return False


def _link_or_copy(src: str, dst: str) -> None:
    try:
        os.link(src, dst)
    except OSError:  # another file system, or links not allowed
        shutil.copy2(src, dst)


def _parse(src, companies: CompanyTable) -> Issue | None:
    if src.text is None:
        return None
    issue = parse_issue(src.name, src.text, companies)
    if not issue.is_issue:
        from indexer.problems import ParseWarning

        message = "not an issue (no 嵌入式AI简报 title, no date, no items): skipped"
        issue.warnings = [ParseWarning(src.name, 0, message, "not-an-issue")]
        issue.records = []
    return issue


def _add_issue(writer, prepared: Prepared, taken: dict[str, str]) -> list[str]:
    """Add an issue's documents; an id another file already holds gets the file's hash."""
    issue = prepared.issue
    if issue is None:
        return []
    ids = []
    for record, doc in zip(issue.records, prepared.docs, strict=True):
        if taken.get(record.id, issue.source_file) != issue.source_file:
            record.id += "-" + hashlib.sha1(issue.source_file.encode()).hexdigest()[:4]
            doc["id"] = doc["record"]["id"] = record.id
        taken[record.id] = issue.source_file
        writer.add_document(**doc)
        ids.append(record.id)
    return ids


def document(record: Record, tables: Tables) -> dict:
    """The Whoosh document for one record (empty values left out)."""
    body = "\n".join(t for t in (record.title, record.paper_title, record.summary, record.outlet) if t)
    titles = (record.title, record.id_title, record.paper_title)  # a warm-up also without its prefix
    keys = {title_key(t) for t in titles if t and len(title_key(t)) >= 8}
    doc = {
        "id": record.id,
        "source_file": record.source_file,
        "company": ",".join(record.companies),
        "arxiv": ",".join(record.arxiv_ids),
        "repo": ",".join(record.repos),
        "title_key": ",".join(sorted(keys)),
        "url": ",".join(record_urls(record)),
        "title": record.title,
        "body": body,
        "concept_title": tables.concept_terms(record.title),
        "concept": tables.concept_terms(body),
        "spell": spelling_words(body),
        "facets": facet_values(record),
        "record": record.to_dict(),
    }
    return {k: v for k, v in doc.items() if v not in ("", None)}


#: Whoosh's codec with its posting blocks stored raw: zlib on blocks of a few postings (most of
#: this index's terms) cost a fifth of a full rebuild and saved little; readers take either.
_CODEC = W3Codec(compression=0)


def keep_tables(gen: store.Generation, config: Config) -> None:
    """Copy the table files the generation was built with into it (kb.concepts.generation_tables
    reads them back for the generation's readers)."""
    folder = gen.tables_path
    if folder.exists():  # an incremental build starts from a copy of the live generation
        shutil.rmtree(folder)
    folder.mkdir()
    for name, path in zip(TABLE_NAMES, table_files(config), strict=True):
        shutil.copyfile(path, folder / name)


def record_urls(record: Record) -> list[str]:
    """The item's own link first, then every other link it holds, normalised (kb.identifiers)."""
    found = (normalize_url(u) for u in [record.url, *(link.url for link in record.links)] if u)
    return list(dict.fromkeys(k for k in found if k))


def tty_progress(count: int, total: int, name: str) -> None:
    """Progress on one terminal line (only when stderr is a terminal)."""
    if sys.stderr.isatty():
        end = "\n" if count == total else ""
        what = f"embedding {count}/{total} records" if name == EMBEDDING else f"indexing {count}/{total} {name}"
        sys.stderr.write(f"\r\x1b[K{what}{end}")
        sys.stderr.flush()
