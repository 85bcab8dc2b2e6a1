"""`kb serve [--host H] [--port P] [--workers N] [--threads N] [--debug]`: run the web front end.

Serves with gunicorn (a production pre-fork WSGI server): one worker process per core, each
with a few threads, so page rendering uses every core despite the GIL; `--debug` uses Flask's
reloading debug server instead. Starts even before `kb reindex` has run: pages then answer 503
with the way out, and each worker picks up every reindex without a restart.
"""

from __future__ import annotations

import argparse
import os
import sys

from kb.cli import load
from kb.config import Config


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", metavar="ADDR", help="address to listen on (default: config host)")
    parser.add_argument("--port", type=int, metavar="PORT", help="port (default: config port)")
    parser.add_argument("--workers", type=int, metavar="N", help="worker processes (default: config workers)")
    parser.add_argument("--threads", type=int, metavar="N", help="threads per worker (default: config threads)")
    parser.add_argument("--debug", action="store_true", help="Flask debug server with reloader (development only)")


def run(args: argparse.Namespace) -> int:
    from kb.errors import ConfigError
    from web.app import create_app

    config = load(args)
    config = config.replace(host=args.host, port=args.port, threads=args.threads, workers=args.workers)
    if not 0 < config.port < 65536:
        raise ConfigError(f"--port must be between 1 and 65535, got {config.port}")
    if not 0 < config.threads <= 256:
        raise ConfigError(f"--threads must be between 1 and 256, got {config.threads}")
    if not 0 <= config.workers <= 64:
        raise ConfigError(f"--workers must be between 0 (one per core) and 64, got {config.workers}")
    app = create_app(config, debug=args.debug)
    if os.environ.get("WERKZEUG_RUN_MAIN") != "true":  # once, not again in the reloader's child
        _announce(config)
    if args.debug:
        app.run(host=config.host, port=config.port, debug=True, threaded=True)
    else:
        from web.server import serve

        serve(app, config)
    return 0


def _announce(config: Config) -> None:
    from kb import store

    if store.current_generation(config.index) is None:
        print(
            f"kb serve: 索引尚未建立 — no index at {config.index} yet; pages answer 503 "
            "until `kb reindex` has run (no restart needed)",
            file=sys.stderr,
        )
    host = f"[{config.host}]" if ":" in config.host else config.host
    print(f"kb serve: http://{host}:{config.port}/  (index {config.index}; Ctrl-C to stop)", flush=True)
