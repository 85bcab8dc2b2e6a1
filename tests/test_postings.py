"""indexer.postings: the index writer writes every file byte for byte as Whoosh's own writer."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from kbtest import SAMPLE, make_config
from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import W3Codec
from whoosh.writing import SegmentWriter

from indexer import build
from indexer.archive import issue_files
from indexer.postings import IndexWriter, fast_flush_applies
from indexer.source import read_source
from kb.concepts import load_tables
from kb.schema import build_schema

COPIES = 4  # the sample's items four times over: common terms get more than one block of postings


@pytest.fixture(scope="module")
def docs(tmp_path_factory) -> list[dict]:
    config = make_config(tmp_path_factory.mktemp("postings"))
    tables = load_tables(config)
    out = []
    for path in issue_files(SAMPLE):
        issue = build._parse(read_source(SAMPLE, path), tables.companies)
        out += [build.document(r, tables) for r in issue.records]
    copies = []
    for n in range(COPIES):
        for doc in copy.deepcopy(out):
            doc["id"] = f"{doc['id']}-{n}"
            copies.append(doc)
    return copies


def _files(folder: Path, writer_class, docs: list[dict], *, commits: int = 1, **options) -> dict[str, bytes]:
    """Index `docs` in `commits` commits (the later ones delete a document; a third merges all),
    then return each file's bytes, segment ids (random) replaced by the commit that wrote them."""
    ix = whoosh_index.create_in(folder, build_schema())
    per_commit = len(docs) // commits
    segments: list[str] = []  # in the order the commits wrote them
    for n in range(commits):
        ix = whoosh_index.open_dir(folder)
        writer = writer_class(ix, codec=build._CODEC, compound=False, **options)
        if n:
            writer.delete_by_term("id", docs[0]["id"])  # the first commit's first document
        for doc in docs[n * per_commit : (n + 1) * per_commit]:
            writer.add_document(**copy.deepcopy(doc))
        writer.commit(optimize=n == commits - 1 and commits > 2)
        segments.append(writer.newsegment.segid)
    out = {}
    for path in folder.iterdir():
        name = path.name
        for k, seg in enumerate(segments):
            name = name.replace(seg, f"SEG{k}")
        out[name] = path.read_bytes()
    return out


@pytest.mark.parametrize(
    "commits, options",
    [(1, {"limitmb": 256}), (1, {"limitmb": 0.05}), (2, {"limitmb": 256}), (3, {"limitmb": 256})],
    ids=["one-segment", "pool-runs-on-disk", "two-segments", "merged"],
)
def test_same_files_as_whoosh(tmp_path, docs, commits, options) -> None:
    (tmp_path / "whoosh").mkdir()
    (tmp_path / "ours").mkdir()
    theirs = _files(tmp_path / "whoosh", SegmentWriter, docs, commits=commits, **options)
    ours = _files(tmp_path / "ours", IndexWriter, docs, commits=commits, **options)
    toc = [name for name in theirs if name.endswith(".toc")]
    assert sorted(theirs) == sorted(ours)
    assert any(name.endswith(".pst") for name in ours)
    different = [name for name in theirs if theirs[name] != ours[name] and name not in toc]
    assert not different  # the TOC names the segments (random ids): compared through the reader below
    with whoosh_index.open_dir(tmp_path / "ours").reader() as reader:
        assert reader.doc_count() == len(docs) - (commits > 1)  # the later commits delete docs[0]


def test_many_postings_per_term(tmp_path, docs) -> None:
    """The fixture reaches Whoosh's block limit, so several blocks per term are compared."""
    (tmp_path / "ix").mkdir()
    _files(tmp_path / "ix", IndexWriter, docs)
    with whoosh_index.open_dir(tmp_path / "ix").reader() as reader:
        assert max(reader.doc_frequency("body", t) for t in reader.lexicon("body")) > W3Codec()._blocklimit


def test_other_codecs_flush_as_whoosh(tmp_path) -> None:
    ix = whoosh_index.create_in(tmp_path, build_schema())
    for codec, fast in ((build._CODEC, True), (W3Codec(inlinelimit=8), False)):
        writer = IndexWriter(ix, codec=codec)
        assert fast_flush_applies(writer) is fast
        writer.cancel()
