"""The Whoosh schema and the fingerprint that decides when a full rebuild is due.

Text fields use `kb.analysis.KbAnalyzer`; identifiers are exact keywords; one pickled column
per document carries the facet values, so facet counts never touch stored fields.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from pathlib import Path
from types import CodeType
from typing import Any

from whoosh import columns
from whoosh.fields import COLUMN, ID, KEYWORD, STORED, TEXT, Schema

from kb import __version__
from kb.analysis import KbAnalyzer
from kb.facets import FACETS
from kb.records import Record

SCHEMA_VERSION = "5"

#: Field weights for BM25F: `body` holds all of an item's text (title, paper title, summary,
#: outlet); `title` holds the title again, so a word in the title counts more. The concept
#: fields mirror them: a concept (synonym group, glossary entry, company) named in the title
#: counts at title weight.
FIELD_BOOSTS = {"title": 2.0, "body": 1.0}
TEXT_FIELDS = tuple(FIELD_BOOSTS)
CONCEPT_FIELDS = {"concept_title": FIELD_BOOSTS["title"], "concept": FIELD_BOOSTS["body"]}
#: Phrases (typed or from synonyms) are matched in `body`; a concept phrase also in `title`.
PHRASE_FIELD = "body"


def build_schema() -> Schema:
    analyzer = KbAnalyzer()
    return Schema(
        id=ID(stored=True, unique=True),
        source_file=ID(stored=True),
        company=KEYWORD(commas=True, scorable=True),
        arxiv=KEYWORD(commas=True),
        repo=KEYWORD(commas=True),
        title_key=KEYWORD(commas=True),
        url=KEYWORD(commas=True),
        title=TEXT(analyzer=analyzer, field_boost=FIELD_BOOSTS["title"], phrase=False),
        body=TEXT(analyzer=analyzer, field_boost=FIELD_BOOSTS["body"]),
        spell=KEYWORD(lowercase=True),
        concept_title=KEYWORD(commas=True, scorable=True, field_boost=CONCEPT_FIELDS["concept_title"]),
        concept=KEYWORD(commas=True, scorable=True, field_boost=CONCEPT_FIELDS["concept"]),
        facets=COLUMN(columns.PickleColumn(columns.VarBytesColumn())),
        record=STORED,
    )


def facet_values(record: Record) -> dict[str, Any]:
    """The per-document facet column: the date, and each registered facet's value (a tuple
    when multi-valued), as `kb.facets.FACETS` reads it."""
    return {"date": record.date, **{facet.name: facet.read(record) for facet in FACETS}}


_LATIN_WORD_RE = re.compile(r"[A-Za-z][A-Za-z0-9-]{3,30}")


def spelling_words(text: str) -> str:
    """The Latin words of a record's text as written (not stemmed), for "did you mean"."""
    return " ".join(sorted({w.lower().strip("-") for w in _LATIN_WORD_RE.findall(text)}))


def fingerprint(modules: Iterable[Path], tables: Iterable[Path], known: dict | None = None, model: str = "") -> str:
    """Hash of everything that shapes the index: kb's version and SCHEMA_VERSION, the code of
    `modules` as it behaves (its bytecode without docstrings or line numbers: a comment or
    docstring edit changes nothing) and the bytes of the `tables`. The declared list of modules is the indexer's
    (indexer.build.SHAPING_MODULES). `known` maps a module's path to [size, mtime_ns, shape hash]
    from an earlier run (the live manifest's): an unchanged file is not parsed again; the dict is
    updated in place for the next run. `model` names the embedding model when semantic search is on."""
    known = {} if known is None else known
    digest = hashlib.sha1()
    for part in (__version__, SCHEMA_VERSION, *([model] if model else [])):
        digest.update(part.encode() + b"\0")
    for path in modules:
        path = Path(path)
        info = path.stat()
        stamp = [info.st_size, info.st_mtime_ns]
        entry = known.get(str(path))
        if not (isinstance(entry, list) and len(entry) == 3 and entry[:2] == stamp):
            entry = known[str(path)] = [*stamp, _code_shape(path)]
        digest.update(path.name.encode() + b"\0" + str(entry[2]).encode() + b"\0")
    for path in tables:
        digest.update(Path(path).read_bytes() + b"\0")
    return digest.hexdigest()


def _code_shape(path: Path) -> str:
    """What a Python module does: a hash of its bytecode compiled without docstrings and asserts
    (optimize=2), its constants and names, leaving out line numbers, so comment and docstring
    edits do not count (compiling is three times faster than dumping the AST)."""
    code = compile(path.read_text(encoding="utf-8"), path.name, "exec", optimize=2, dont_inherit=True)
    digest = hashlib.sha1()
    _hash_code(code, digest)
    return digest.hexdigest()


def _hash_code(code: CodeType, digest) -> None:
    digest.update(code.co_code)
    for name in (code.co_names, code.co_varnames, code.co_freevars, code.co_cellvars):
        digest.update(repr(name).encode() + b"\0")
    for const in code.co_consts:
        _hash_const(const, digest)


def _hash_const(const: Any, digest) -> None:
    if isinstance(const, CodeType):
        _hash_code(const, digest)
    elif isinstance(const, tuple):
        digest.update(b"(")
        for item in const:
            _hash_const(item, digest)
        digest.update(b")")
    elif isinstance(const, frozenset):  # its repr's order follows string hashing, which varies by process
        digest.update(repr(sorted(repr(item) for item in const)).encode())
    else:
        digest.update(repr(const).encode() + b"\0")
