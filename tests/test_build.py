"""`kb reindex`: incremental by content, renames, stable ids, fingerprint, atomic swap, lock, git."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from kbtest import SAMPLE, make_config

from indexer.build import reindex
from kb import store
from kb.errors import IndexBusyError
from kb.export import all_records
from kb.search.engine import search
from kb.search.index_view import IndexHandle
from kb.search.model import SearchRequest

KB = [sys.executable, "-m", "kb.cli"]


@pytest.fixture
def archive(tmp_path) -> Path:
    return Path(shutil.copytree(SAMPLE, tmp_path / "archive"))


def _ids(config) -> dict[str, str]:
    return {r["id"]: r["title"] for r in all_records(config)}


def test_second_run_changes_nothing(tmp_path, archive) -> None:
    config = make_config(tmp_path, archive)
    first = reindex(config)
    assert first.full and first.added == 4 and first.records > 40
    second = reindex(config)
    assert (second.added, second.updated, second.removed, second.unchanged) == (0, 0, 0, 4)
    assert second.generation == first.generation  # nothing written


def test_new_changed_deleted_and_renamed_files_are_followed(tmp_path, archive) -> None:
    config = make_config(tmp_path, archive)
    reindex(config)
    before = _ids(config)
    (archive / "2022-03-01.md").rename(archive / "2022-03-02.md")  # renamed (date moved)
    (archive / "2022-01-10.md").unlink()  # deleted
    text = (archive / "2022-01-24.md").read_text(encoding="utf-8")
    (archive / "2022-01-24.md").write_text(
        text.replace(
            "## 博文",
            "## 博文\n\n- [新增的一篇博文 | 测试](https://example.com/new-post)\n摘要：新加的条目。\n",
            1,
        ),
        encoding="utf-8",
    )
    result = reindex(config)
    assert (result.updated, result.removed, result.renamed) == (1, 1, 1)
    records = all_records(config)
    files = {r["source_file"] for r in records}
    assert files == {"2022-01-24.md", "2022-02-14.md", "2022-03-02.md"}
    assert any(r["title"] == "新增的一篇博文" for r in records)
    assert len({r["id"] for r in records}) == len(records)  # no duplicates
    assert not any(r["date"] == "2022-01-10" for r in records)  # no stale records
    assert len(records) == len(before) - sum(1 for i in before if i.startswith("2022-01-10")) + 1


def test_ids_survive_an_item_inserted_above(tmp_path, archive) -> None:
    config = make_config(tmp_path, archive)
    reindex(config)
    before = {k: v for k, v in _ids(config).items() if k.startswith("2022-02-14")}
    path = archive / "2022-02-14.md"
    text = path.read_text(encoding="utf-8")
    head, sep, rest = text.partition("## 论文")
    path.write_text(
        head + sep + "\n\n- [插在最前面的论文 | 测试](https://example.com/first)\n摘要：新条目。\n" + rest,
        encoding="utf-8",
    )
    reindex(config)
    after = {k: v for k, v in _ids(config).items() if k.startswith("2022-02-14")}
    assert set(before) <= set(after) and len(after) == len(before) + 1


def test_changed_tables_trigger_a_full_rebuild(tmp_path, archive) -> None:
    words = tmp_path / "userdict.yaml"
    words.write_text("words: [NanoDet]\n", encoding="utf-8")
    config = make_config(tmp_path, archive, userdict=words)
    assert reindex(config).full
    assert not reindex(config).full
    words.write_text("words: [NanoDet, 端侧推理]\n", encoding="utf-8")
    assert reindex(config).full


def test_a_reader_keeps_its_generation_and_sees_the_new_one_next(tmp_path, archive) -> None:
    config = make_config(tmp_path, archive)
    reindex(config)
    handle = IndexHandle(config)
    old_view = handle.view()
    total_before = search(handle, SearchRequest()).total
    (archive / "2022-01-10.md").unlink()
    reindex(config)
    assert handle.view() is not old_view
    assert search(handle, SearchRequest()).total < total_before
    assert old_view.record(old_view.live[0])["id"]  # the old generation is still readable


def test_a_second_writer_gets_a_clear_error(tmp_path, archive) -> None:
    config = make_config(tmp_path, archive)
    with store.writer_lock(config.index), pytest.raises(IndexBusyError, match="another"):
        reindex(config)
    proc = subprocess.run(KB + ["reindex", "--config", str(tmp_path / "kb.yaml")], capture_output=True, text=True)
    assert proc.returncode == 0  # lock released


def test_interrupting_a_reindex_leaves_the_previous_index_live(tmp_path, archive) -> None:
    config = make_config(tmp_path, archive)
    reindex(config)
    live = store.current_generation(config.index)
    count = len(all_records(config))
    for n in range(150):  # enough work that the interrupt lands mid-build
        src = SAMPLE / sorted(os.listdir(SAMPLE))[n % 4]
        (archive / f"2023-{1 + n // 28:02d}-{1 + n % 28:02d}.md").write_bytes(src.read_bytes())
    proc = subprocess.Popen(
        KB + ["reindex", "--quiet", "--config", str(tmp_path / "kb.yaml")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and len(list(config.index.glob("gen-*"))) < 2:
        time.sleep(0.01)
    time.sleep(0.2)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    if proc.returncode == 0:
        pytest.skip("reindex finished before the interrupt landed")
    assert proc.returncode == 130 and "interrupted" in err
    assert store.current_generation(config.index) == live
    assert len(all_records(config)) == count
    assert len(list(config.index.glob("gen-*"))) == 1  # the half-built generation is gone


def test_git_archive_is_cloned_then_pulled(tmp_path) -> None:
    repo = tmp_path / "origin"
    shutil.copytree(SAMPLE, repo)
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run(git + ["add", "."], check=True)
    subprocess.run(git + ["commit", "-qm", "issues"], check=True)
    make_config(tmp_path)
    cfg = str(tmp_path / "kb.yaml")
    out = subprocess.run(
        KB + ["reindex", "--quiet", "--config", cfg, "--git", str(repo)],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
    assert "4 added" in out.stdout
    (repo / "2022-04-01.md").write_bytes((SAMPLE / "2022-03-01.md").read_bytes())
    subprocess.run(git + ["add", "."], check=True)
    subprocess.run(git + ["commit", "-qm", "new issue"], check=True)
    out = subprocess.run(
        KB + ["reindex", "--quiet", "--config", cfg, "--git", str(repo)],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
    assert "1 added" in out.stdout and "4 unchanged" in out.stdout


def test_bad_git_url_is_a_clear_error(tmp_path) -> None:
    make_config(tmp_path)
    out = subprocess.run(
        KB + ["reindex", "--config", str(tmp_path / "kb.yaml"), "--git", str(tmp_path / "nope")],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 1 and "git failed" in out.stderr and "Traceback" not in out.stderr


def test_incremental_reindex_leaves_the_previous_generation_untouched(tmp_path, archive) -> None:
    import hashlib

    config = make_config(tmp_path, archive)
    reindex(config)
    old = store.current_generation(config.index)

    def digest() -> dict[str, str]:
        return {p.name: hashlib.sha1(p.read_bytes()).hexdigest() for p in old.path.iterdir() if p.is_file()}

    before, count = digest(), len(all_records(config))
    (archive / "2022-01-10.md").write_text(
        (archive / "2022-01-10.md").read_text(encoding="utf-8") + "\n", encoding="utf-8"
    )
    (archive / "2022-02-14.md").unlink()
    result = reindex(config)
    assert result.updated == 1 and result.removed == 1
    assert digest() == before  # shared (hard-linked) segment files were not rewritten
    from whoosh import index as whoosh_index

    with whoosh_index.open_dir(str(old.path)).searcher() as searcher:
        assert searcher.doc_count() == count > len(all_records(config))


def test_a_second_reindex_process_waits_then_exits_clearly(tmp_path, archive) -> None:
    make_config(tmp_path, archive)
    cfg = str(tmp_path / "kb.yaml")
    with store.writer_lock(make_config(tmp_path, archive).index):
        out = subprocess.run(KB + ["reindex", "--config", cfg], capture_output=True, text=True, timeout=60)
        assert out.returncode == 4 and "another `kb reindex`" in out.stderr and "Traceback" not in out.stderr
        out = subprocess.run(
            KB + ["reindex", "--config", cfg, "--wait", "0.5"], capture_output=True, text=True, timeout=60
        )
        assert out.returncode == 4 and "waiting for another kb reindex" in out.stderr


def test_progress_is_shown_on_a_terminal(tmp_path, archive) -> None:
    import pty

    make_config(tmp_path, archive)
    pid, fd = pty.fork()
    if pid == 0:  # the child runs kb with a terminal as its stdout and stderr
        os.execv(sys.executable, KB + ["reindex", "--config", str(tmp_path / "kb.yaml")])
    chunks = []
    while True:
        try:
            data = os.read(fd, 4096)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    os.waitpid(pid, 0)
    text = b"".join(chunks).decode("utf-8", "replace")
    assert "indexing 1/4" in text and "indexing 4/4" in text
    assert "full rebuild: 4 added" in text


def test_a_damaged_live_index_is_rebuilt_in_full(tmp_path, archive) -> None:
    config = make_config(tmp_path, archive)
    reindex(config)
    live = store.current_generation(config.index)
    for toc in live.path.glob("_MAIN_*.toc"):
        toc.write_bytes(b"garbage")
    result = reindex(config)
    assert result.full and result.added == 4
    assert len(all_records(config)) > 40
