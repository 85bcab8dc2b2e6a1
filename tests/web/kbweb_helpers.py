"""Helpers shared by the web tests: HTML link extraction and a real `kb serve` subprocess."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from html.parser import HTMLParser
from pathlib import Path

import pytest

from kb.config import Config, load_config

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "sample"


def build_index(base: Path, archive: Path) -> Config:
    """A Config whose index (under `base`) holds `archive`, built by the real indexer."""
    from indexer.build import reindex

    config = load_config(cwd=base).replace(index=(base / "index").resolve(), archive=archive)
    reindex(config, archive=archive)
    return config


# -- HTML helpers ---------------------------------------------------------------------------
class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[dict[str, str]] = []
        self.ids: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if "id" in values:
            self.ids.append(values["id"])
        if tag == "a":
            self.links.append(values)


def parse_links(html: str) -> _Links:
    parser = _Links()
    parser.feed(html)
    return parser


def facet_links(html: str) -> dict[tuple[str, str], dict[str, str]]:
    """(facet, value) → the attributes of that facet value's link on a search page."""
    return {
        (a["data-facet"], a["data-value"]): a for a in parse_links(html).links if "facet-value" in a.get("class", "")
    }


# -- a real server --------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def kb_command(*args: str | Path) -> list[str]:
    """The `kb` command line run with this interpreter (no reliance on PATH)."""
    return [sys.executable, "-m", "kb.cli", *(str(a) for a in args)]


def http_get(url: str, timeout: float = 10.0) -> tuple[int, str]:
    """Status and body of a GET on 127.0.0.1 (4xx/5xx answers returned, not raised)."""
    assert url.startswith("http://127.0.0.1:")
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8")


def http_json(url: str) -> dict:
    status, body = http_get(url)
    assert status == 200, body
    return json.loads(body)


def http_request(
    base: str, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None, timeout: float = 30.0
) -> tuple[int, str]:
    """Status and body (as text) of one request to `base` (http://127.0.0.1:PORT), any status."""
    host, port = base.removeprefix("http://").split(":")
    assert host == "127.0.0.1"
    connection = http.client.HTTPConnection(host, int(port), timeout=timeout)
    try:
        connection.request(method, path, body=body or None, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        connection.close()


def http_raw(base: str, head: bytes, parts: Sequence[bytes] = (), timeout: float = 30.0) -> tuple[int, str]:
    """Send `head` (request line and headers) and then `parts` over one socket; the answer.

    For what http.client will not send: a Content-Length the body never reaches, chunks.
    A server that answers before the body ends may close the connection mid-send: sending
    stops there and the answer is still read.
    """
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=timeout) as sock:
        sock.sendall(head)
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            for part in parts:
                sock.sendall(part)
        response = http.client.HTTPResponse(sock)
        response.begin()
        return response.status, response.read().decode("utf-8", "replace")


@contextlib.contextmanager
def running_server(index: Path, cwd: Path, threads: int = 4) -> Iterator[str]:
    """`kb serve` (gunicorn) on a free port of 127.0.0.1; yields its base URL."""
    port = free_port()
    log = open(cwd / f"serve-{port}.log", "w+", encoding="utf-8")  # noqa: SIM115
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    command = kb_command(
        "serve", "--host", "127.0.0.1", "--port", str(port), "--index", index, "--threads", str(threads)
    )
    proc = subprocess.Popen(command, cwd=cwd, stdout=log, stderr=subprocess.STDOUT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if proc.poll() is not None:
                log.seek(0)
                pytest.fail(f"kb serve exited with {proc.returncode}:\n{log.read()}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("kb serve did not start listening within 30 s")
                time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        log.seek(0)
        server_log = log.read()
        log.close()
        if "Traceback" in server_log:
            print(server_log)


def copy_sample(dst: Path) -> Path:
    shutil.copytree(SAMPLE, dst)
    return dst
