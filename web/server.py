"""Running the Flask app under gunicorn, configured from kb's Config (no gunicorn.conf.py)."""

from __future__ import annotations

import os
import socket

from flask import Flask
from gunicorn.app.base import BaseApplication

from kb.config import Config
from kb.errors import KbError
from web import gunicorn_errors


class _Gunicorn(BaseApplication):
    def __init__(self, app: Flask, options: dict) -> None:
        self._app, self._options = app, options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        return self._app


def check_address(config: Config) -> None:
    """KbError now, rather than gunicorn's five retries, when the address cannot be bound."""
    family = socket.AF_INET6 if ":" in config.host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((config.host, config.port))
        except OSError as exc:
            raise KbError(
                f"cannot listen on {config.host}:{config.port}: {exc.strerror} "
                "(another kb serve? choose another --port)"
            ) from None


def serve(app: Flask, config: Config) -> None:
    """Serve `app` until interrupted: `workers` processes (0 = one per core), each an event loop
    of up to `connections` (gevent: a client that trickles its request holds a greenlet, not a
    thread) or, with worker_class gthread, a pool of `threads`."""
    check_address(config)
    host = f"[{config.host}]" if ":" in config.host else config.host
    options = {
        "bind": f"{host}:{config.port}",
        "workers": config.workers or os.cpu_count() or 1,
        "threads": config.threads,
        "worker_class": config.worker_class,
        "worker_connections": config.connections,
        "timeout": 60,
        "graceful_timeout": 10,
        "keepalive": 5,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "warning",
        "proc_name": "kb-serve",
        "forwarded_allow_ips": "127.0.0.1",
    }
    gunicorn_errors.install()  # gunicorn's own 400/414/431 with the app's headers, in Chinese
    _Gunicorn(app, options).run()
