"""`kb serve` for real: gunicorn in a subprocess, HTTP over 127.0.0.1, reindex while serving."""

from __future__ import annotations

import subprocess
import threading
import time
from pathlib import Path
from urllib.parse import quote

from kbweb_helpers import copy_sample, http_get, http_json, kb_command, running_server

# A new issue written for this test (the format of data/sample, invented content).
NEW_ISSUE = """# 嵌入式AI简报 (2022-03-15) Zorblax 测试期

> 导读：本期只为测试服务在重建索引后无需重启即可搜到新条目。

## 论文

- [2203.99999] [Zorblax：一种只为测试而存在的量化方法](https://arxiv.org/abs/2203.99999)
摘要：这是测试条目，用来确认重建索引之后，正在运行的服务能够立刻搜到它。

## 开源项目

- [example-org/zorblax: 测试用的开源项目](https://github.com/example-org/zorblax)
摘要：测试用的开源项目条目。
"""


def _reindex(archive: Path, index: Path, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        kb_command("reindex", "--archive", archive, "--index", index, "--quiet", "--wait", "30"),
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_serve_answers_pages_and_api_over_http(tmp_path):
    archive = copy_sample(tmp_path / "archive")
    index = tmp_path / "index"
    assert _reindex(archive, index, tmp_path).returncode == 0
    with running_server(index, tmp_path) as base:
        status, html = http_get(base + "/?q=" + quote("量化"))
        assert status == 200 and "条结果" in html
        data = http_json(base + "/api/search?q=" + quote("量化"))
        assert data["total"] > 0
        record_id = data["results"][0]["id"]
        assert http_get(f"{base}/item/{record_id}")[0] == 200
        assert http_get(f"{base}/issue/{data['results'][0]['date']}")[0] == 200
        assert http_get(base + "/static/app.js")[0] == 200
        assert http_get(base + "/?page=abc")[0] == 400
        assert http_get(base + "/item/nope")[0] == 404


def test_reindex_while_serving_is_picked_up_without_restart(tmp_path):
    archive = copy_sample(tmp_path / "archive")
    index = tmp_path / "index"
    assert _reindex(archive, index, tmp_path).returncode == 0
    with running_server(index, tmp_path, threads=4) as base:
        assert http_json(base + "/api/search?q=Zorblax")["total"] == 0
        before = http_json(base + "/api/search")["total"]

        (archive / "2022-03-15.md").write_text(NEW_ISSUE, encoding="utf-8")
        statuses: list[tuple[str, int]] = []
        stop = threading.Event()
        urls = [
            base + "/?q=" + quote("量化"),
            base + "/api/search?q=ncnn",
            base + "/issues",
            base + "/api/facets",
            base + "/issue/2022-01-10",
        ]

        def hammer() -> None:
            deadline = time.monotonic() + 120
            for n in range(3000):  # bounded: stops at the reindex's end, the count or the clock
                if stop.is_set() or time.monotonic() > deadline:
                    return
                url = urls[n % len(urls)]
                try:
                    statuses.append((url, http_get(url)[0]))
                except OSError as exc:  # a refused or reset connection is a failure too
                    statuses.append((f"{url} ({exc})", 0))

        threads = [threading.Thread(target=hammer) for _ in range(2)]
        for thread in threads:
            thread.start()
        try:
            result = _reindex(archive, index, tmp_path)
            time.sleep(0.3)  # a few requests on the new generation too
        finally:
            stop.set()
            for thread in threads:
                thread.join(timeout=60)
        assert result.returncode == 0, result.stderr
        assert len(statuses) >= 10, f"only {len(statuses)} requests during the reindex"
        print(f"{len(statuses)} requests during the reindex")
        failed = [(url, status) for url, status in statuses if status != 200]
        assert not failed, failed[:5]

        found = http_json(base + "/api/search?q=Zorblax")
        assert found["total"] == 2
        assert {r["date"] for r in found["results"]} == {"2022-03-15"}
        assert http_json(base + "/api/search")["total"] == before + 2
        assert http_json(base + "/api/search?q=2203.99999")["total"] == 1
        status, html = http_get(base + "/issue/2022-03-15")
        assert status == 200
        assert all(f'id="{r["id"]}"' in html for r in found["results"])


def test_serve_before_reindex_is_friendly_then_picks_the_index_up(tmp_path):
    index = tmp_path / "index"
    with running_server(index, tmp_path) as base:
        status, html = http_get(base + "/")
        assert status == 503
        assert "索引尚未建立 — run `kb reindex`" in html
        status, body = http_get(base + "/api/search")
        assert status == 503 and '"error"' in body
        archive = copy_sample(tmp_path / "archive")
        assert _reindex(archive, index, tmp_path).returncode == 0
        status, html = http_get(base + "/")
        assert status == 200 and "最新一期" in html


def test_serve_help_and_bad_port(tmp_path):
    help_text = subprocess.run(kb_command("serve", "--help"), capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert help_text.returncode == 0
    for option in ("--host", "--port", "--workers", "--threads", "--debug", "--index"):
        assert option in help_text.stdout
    bad = subprocess.run(
        kb_command("serve", "--port", "70000", "--index", tmp_path / "i"),
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert bad.returncode != 0
    assert "--port must be between 1 and 65535" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_serve_on_a_port_in_use_is_a_clear_error(tmp_path):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        out = subprocess.run(
            kb_command("serve", "--port", str(port), "--index", tmp_path / "i"),
            capture_output=True,
            text=True,
            timeout=60,
            cwd=tmp_path,
        )
    assert out.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in out.stderr and "Traceback" not in out.stderr
