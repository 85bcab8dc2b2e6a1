"""Slow and hostile clients against a real `kb serve`: connections that trickle their headers
(one line every few seconds, never finishing) must not starve other requests."""

from __future__ import annotations

import socket
import subprocess
import threading
import time
from urllib.parse import quote

from kbweb_helpers import copy_sample, http_get, kb_command, running_server


def _index(tmp_path):
    archive = copy_sample(tmp_path / "archive")
    index = tmp_path / "index"
    subprocess.run(kb_command("reindex", "--archive", archive, "--index", index, "--quiet"), cwd=tmp_path, check=True)
    return index


def _trickle(port: int, stop: threading.Event, opened: list) -> None:
    """A slowloris client: a request line, then one header line every 2 s, never the blank line."""
    try:
        sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    except OSError:
        return
    opened.append(sock)
    try:
        sock.sendall(b"GET /?q=x HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        n = 0
        while not stop.wait(2.0):
            sock.sendall(f"X-Slow-{n}: {n}\r\n".encode())
            n += 1
    except OSError:
        pass
    finally:
        sock.close()


def test_trickling_clients_do_not_starve_a_normal_request(tmp_path) -> None:
    index = _index(tmp_path)
    with running_server(index, tmp_path) as base:
        port = int(base.rsplit(":", 1)[1])
        stop, opened = threading.Event(), []
        slow = [threading.Thread(target=_trickle, args=(port, stop, opened), daemon=True) for _ in range(40)]
        for t in slow:
            t.start()
        try:
            time.sleep(1.0)  # every slow client is connected and trickling
            assert len(opened) >= 30
            answers = [http_get(base + "/api/search?q=" + quote("量化"), timeout=10.0) for _ in range(5)]
            assert all(status == 200 for status, _ in answers)  # answered while 40 clients trickle
            status, html = http_get(base + "/?q=" + quote("芯片"), timeout=10.0)
            assert status == 200 and "条结果" in html
        finally:
            stop.set()
            for t in slow:
                t.join(timeout=5)
