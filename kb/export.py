"""Every record of the live index in archive order (issue date, then file, then line)."""

from __future__ import annotations

from typing import Any

from kb.config import Config
from kb.search.index_view import IndexHandle


def all_records(config: Config) -> list[dict[str, Any]]:
    view = IndexHandle(config).view()
    records = [view.record(n) for n in view.live]
    return sorted(records, key=lambda r: (r["date"], r["source_file"], r["line_start"]))
