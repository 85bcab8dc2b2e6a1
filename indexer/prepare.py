"""Parsing and analysing issues for the index writer, on every core when there are many.

For each issue to index: its parsed `Issue`, the Whoosh document of each record, and the
analyzer's work on the texts the writer will index (so the writer's process does not segment
them again). A full rebuild spreads this over worker processes (forked, so the loaded jieba
dictionary and tables are shared) while the writer adds the documents already prepared; a
handful of issues is prepared in process. Results come back in the order asked.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from indexer.parse import Issue
from kb import analysis

#: Fewer issues than this are prepared in process (a worker pool costs more than it saves).
MIN_ISSUES_FOR_WORKERS = 8


@dataclass
class Prepared:
    name: str
    issue: Issue | None
    docs: list[dict] = field(default_factory=list)  # one per record, in order
    analyzed: dict = field(default_factory=dict)  # analyzer cache entries for the docs' texts


PrepareOne = Callable[[str], Prepared]
_job: PrepareOne | None = None  # the forked workers' task (inherited, never pickled)


def prepare_all(names: list[str], prepare_one: PrepareOne, workers: int | None = None) -> Iterator[Prepared]:
    """`prepare_one(name)` for each name, in order; in worker processes when there are many."""
    workers = min(os.cpu_count() or 1, 4) if workers is None else workers
    if workers < 2 or len(names) < MIN_ISSUES_FOR_WORKERS or "fork" not in multiprocessing.get_all_start_methods():
        for name in names:
            yield prepare_one(name)
        return
    global _job
    _job = prepare_one
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            # at most a few issues ahead of the writer, so memory stays bounded when it is slower
            pending: deque = deque()
            for name in names:
                pending.append(pool.apply_async(_run, (name,)))
                if len(pending) > 2 * workers:
                    yield pending.popleft().get()
            while pending:
                yield pending.popleft().get()
    finally:
        _job = None


def _run(name: str) -> Prepared:
    assert _job is not None
    prepared = _job(name)
    prepared.analyzed = analysis.analyzed_entries(
        text for doc in prepared.docs for text in (doc.get("title"), doc.get("body")) if text
    )
    return prepared
