"""State follows the index: a running `kb serve` uses the tables of the generation it reads, so
a synonym group added in the middle of the YAML (ids are stable, nothing is renumbered) and
picked up by `kb reindex` works at once, without a restart."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from urllib.parse import quote

from kbweb_helpers import copy_sample, http_json, kb_command, running_server

from kb.config import DATA_DIR


def _reindex(cwd: Path) -> None:
    proc = subprocess.run(kb_command("reindex", "--quiet"), cwd=cwd, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr


def test_a_table_change_reaches_a_running_server_after_reindex(tmp_path) -> None:
    archive = copy_sample(tmp_path / "archive")
    synonyms = tmp_path / "synonyms.yaml"
    shutil.copyfile(DATA_DIR / "synonyms.yaml", synonyms)
    index = tmp_path / "index"
    (tmp_path / "kb.yaml").write_text(f"archive: {archive}\nindex: {index}\nsynonyms: {synonyms}\n", encoding="utf-8")
    _reindex(tmp_path)
    with running_server(index, tmp_path) as base:
        before = http_json(base + "/api/search?q=" + quote("zorblax"))
        tinydet = http_json(base + "/api/search?q=" + quote("TinyDet"))
        assert before["total"] == 0 and tinydet["total"] > 0
        text = synonyms.read_text(encoding="utf-8")
        marker = "  - [model compression, 模型压缩]\n"
        assert marker in text
        synonyms.write_text(text.replace(marker, marker + "  - [zorblax, TinyDet]\n"), encoding="utf-8")
        _reindex(tmp_path)
        after = http_json(base + "/api/search?q=" + quote("zorblax"))
        assert after["total"] >= tinydet["total"] and "TinyDet" in after["expansions"]
        # a group after the inserted one still means what it meant (stable ids, not positions)
        again = http_json(base + "/api/search?q=" + quote("剪枝"))
        assert again["total"] == http_json(base + "/api/search?q=" + quote("pruning"))["total"] > 0
