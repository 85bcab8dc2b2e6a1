"""Limits act before the work: odd entries in an archive folder — a sparse 1.5 GB file, a FIFO,
symbolic link loops, broken links, links to folders, an implausibly long issue — each become a
warning naming them, never a silent skip, a hang or a whole file read into memory."""

from __future__ import annotations

import os
import sys

import pytest
from kbtest import ROOT, SAMPLE, copy_tree, make_config

from indexer.build import reindex
from kb.export import all_records

sys.path.insert(0, str(ROOT / "bench"))
from _common import run_child  # noqa: E402  (bench/_common.py: a child's own time and peak memory)

HEAD = "# 嵌入式AI简报 (2022-05-01)\n\n## 论文\n\n"


def warnings_by_file(result) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for w in result.warnings:
        name, _, message = w.partition(": ")
        out.setdefault(name.split(":")[0], []).append(message)
    return out


@pytest.fixture
def odd_archive(tmp_path):
    archive = copy_tree(SAMPLE, tmp_path / "archive")
    with open(archive / "2022-09-09.md", "wb") as fh:  # sparse: 1.5 GB on paper, nothing on disk
        fh.truncate(1536 * 1024 * 1024)
    os.mkfifo(archive / "fifo.md")
    os.symlink("loop-b.md", archive / "loop-a.md")
    os.symlink("loop-a.md", archive / "loop-b.md")
    os.symlink("gone.md", archive / "dangling.md")
    (tmp_path / "elsewhere").mkdir()
    os.symlink(tmp_path / "elsewhere", archive / "linked-folder")
    os.symlink(archive / "2022-01-10.md", archive / "alias.md")  # a link to a real issue is read
    return archive


def test_odd_entries_become_warnings_and_the_rest_is_indexed(tmp_path, odd_archive) -> None:
    config = make_config(tmp_path, odd_archive)
    result = reindex(config)
    by_file = warnings_by_file(result)
    assert any("over the 4 MB limit" in m for m in by_file["2022-09-09.md"])
    assert any("not a regular file" in m for m in by_file["fifo.md"])
    assert any("symbolic link loop" in m for m in by_file["loop-a.md"] + by_file["loop-b.md"])
    assert any("broken symbolic link" in m for m in by_file["dangling.md"])
    assert any("link to a folder" in m for m in by_file["linked-folder"])
    dates = {r["source_file"] for r in all_records(config)}
    assert {"2022-01-10.md", "alias.md", "2022-03-01.md"} <= dates


def test_a_huge_sparse_file_is_refused_before_it_is_read(tmp_path, odd_archive) -> None:
    make_config(tmp_path, odd_archive)
    # run_child reports the command's own peak (bench/peak_rss.py): os.wait4 from here would give
    # this test runner's high-water mark (hundreds of MB once the semantic tier loaded the model)
    run = run_child([sys.executable, "-m", "kb.cli", "reindex", "--config", str(tmp_path / "kb.yaml")])
    assert run["rc"] == 0, run["stderr"]
    assert "over the 4 MB limit" in run["stderr"]
    assert run["maxrss_mb"] < 400  # reading 1.5 GB would take 1.5 GB


def test_an_implausibly_long_issue_is_indexed_with_a_warning(tmp_path) -> None:
    archive = tmp_path / "archive"
    archive.mkdir()
    items = "".join(f"- [论文 {n}](https://example.com/p/{n})\n摘要：第 {n} 篇。\n" for n in range(600))
    (archive / "2022-05-01.md").write_text(HEAD + items, encoding="utf-8")
    config = make_config(tmp_path, archive)
    result = reindex(config)
    assert result.records == 600
    assert any("600 items, more than an issue ever has" in w for w in result.warnings)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any folder: an unreadable folder cannot be made here")
def test_an_unreadable_folder_is_a_warning(tmp_path) -> None:
    archive = copy_tree(SAMPLE, tmp_path / "archive")
    locked = archive / "2023"
    locked.mkdir()
    (locked / "2023-01-01.md").write_text(HEAD + "- [x](https://example.com/x)\n", encoding="utf-8")
    locked.chmod(0)
    try:
        result = reindex(make_config(tmp_path, archive))
        assert any(w.startswith("2023: cannot list this folder") for w in result.warnings)
    finally:
        locked.chmod(0o755)
