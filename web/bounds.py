"""What a request may carry: the body cap.

The cap is the config key `max_body_kb`: werkzeug refuses a larger body with a 413 before
reading it when Content-Length says so, and stops reading a chunked one at the cap.
"""

from __future__ import annotations

from flask import Flask, current_app


def register(app: Flask, max_body_kb: int) -> None:
    """Cap request bodies (and form fields, which Flask caps separately) at `max_body_kb`."""
    limit = max_body_kb * 1024
    app.config.update(MAX_CONTENT_LENGTH=limit, MAX_FORM_MEMORY_SIZE=limit)


def body_limit() -> str:
    """The current app's body cap as people write it: '512 KB', '2 MB'."""
    kb = (current_app.config.get("MAX_CONTENT_LENGTH") or 0) // 1024
    return f"{kb // 1024} MB" if kb and kb % 1024 == 0 else f"{kb} KB"
