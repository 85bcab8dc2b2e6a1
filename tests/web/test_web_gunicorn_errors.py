"""gunicorn's own answers (before the app sees a request) carry the app's security headers and
say in Chinese and English what is wrong; on /api/ they are JSON."""

from __future__ import annotations

import json
import socket
import subprocess

from kbweb_helpers import copy_sample, kb_command, running_server

from web.app import SECURITY_HEADERS


def _raw(base: str, request: bytes) -> tuple[int, dict[str, str], bytes]:
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(request)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    return int(lines[0].split()[1]), headers, body


def test_gunicorns_own_errors_are_the_apps(tmp_path) -> None:
    archive = copy_sample(tmp_path / "archive")
    index = tmp_path / "index"
    subprocess.run(kb_command("reindex", "--archive", archive, "--index", index, "--quiet"), cwd=tmp_path, check=True)
    with running_server(index, tmp_path) as base:
        status, headers, body = _raw(base, "GET /api/search?q=量化 HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        assert status == 400 and headers["Content-Type"] == "application/json"
        assert "percent-encode the URL" in json.loads(body)["error"] and "百分号编码" in json.loads(body)["error"]
        assert all(headers.get(k) == v for k, v in SECURITY_HEADERS.items())
        status, headers, body = _raw(base, "GET /?q=量化 HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        assert status == 400 and headers["Content-Type"].startswith("text/html") and "百分号编码" in body.decode()
        status, headers, body = _raw(base, b"GET /" + b"a" * 5000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
        assert status == 414 and "网址太长" in body.decode() and headers["X-Frame-Options"] == "DENY"
