"""The editor's check: was this paper or project covered before?

Input is an arXiv ID or URL, a GitHub repo or URL, an exact paper title, several of these one
per line, or a whole draft issue (parsed like an archived one). Every paper and project found is
looked up exactly: by arXiv ID, by repo, and by title (which also finds items that carry only
the same paper's arXiv ID). A draft's own issue date is left out of its answers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from indexer.parse import parse_issue
from kb.identifiers import normalize_arxiv, normalize_repo
from kb.search.index_view import IndexHandle, IndexView

_DRAFT_RE = re.compile(r"^(#{1,2} |\s{0,3}- \[)", re.MULTILINE)


@dataclass
class Entry:
    kind: str  # arxiv | repo | title
    value: str
    label: str  # what it is in the input (a draft item's title, or the value itself)
    line: int = 0
    covered: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class CheckReport:
    query_kind: str  # arxiv | repo | title | list | draft | empty
    entries: list[Entry] = field(default_factory=list)

    @property
    def covered_count(self) -> int:
        return sum(1 for e in self.entries if e.covered)

    def to_json(self) -> dict[str, Any]:
        return {
            "query_kind": self.query_kind,
            "entries": [
                {
                    "kind": e.kind,
                    "value": e.value,
                    "label": e.label,
                    "line": e.line,
                    "covered": e.covered,
                }
                for e in self.entries
            ],
        }


def check_text(handle: IndexHandle, text: str) -> CheckReport:
    """Classify `text` and look every identifier in it up in the live index."""
    view = handle.view()
    text = text.replace("\r\n", "\n").strip()
    if not text:
        return CheckReport("empty")
    if "\n" in text and _DRAFT_RE.search(text):
        return _check_draft(view, handle, text)
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    entries = [_entry_for(view, line) for line in lines]
    kind = entries[0].kind if len(entries) == 1 else "list"
    return CheckReport(kind, entries)


def _entry_for(view: IndexView, value: str) -> Entry:
    ident = normalize_arxiv(value)
    if ident and len(value) < 80:
        return _lookup(view, Entry("arxiv", ident, value))
    repo = normalize_repo(value)
    if repo and ("github.com" in value.lower() or " " not in value):
        return _lookup(view, Entry("repo", repo, value))
    return _lookup(view, Entry("title", value, value))


def _check_draft(view: IndexView, handle: IndexHandle, text: str) -> CheckReport:
    issue = parse_issue("draft.md", text, handle.companies)
    report = CheckReport("draft")
    for record in issue.records:
        label = record.title or record.paper_title
        wanted: list[Entry] = [Entry("arxiv", i, label, record.line_start) for i in record.arxiv_ids]
        wanted += [Entry("repo", r, label, record.line_start) for r in record.repos]
        if record.section == "paper" and not record.arxiv_ids:
            for title in dict.fromkeys(t for t in (record.paper_title, record.title) if t):
                wanted.append(Entry("title", title, label, record.line_start))
        for entry in wanted:
            report.entries.append(_lookup(view, entry, skip_date=issue.date))
    return report


def _lookup(view: IndexView, entry: Entry, skip_date: str = "") -> Entry:
    records = [view.record(d) for d in view.identifier_docs(entry.kind, entry.value)]
    records = [r for r in records if not skip_date or r["date"] != skip_date]
    entry.covered = sorted((_brief(r) for r in records), key=lambda r: (r["date"], r["position"]))
    return entry


#: What a coverage answer shows of each earlier item: where it was and how to reach it.
BRIEF_KEYS = ("id", "date", "section", "section_title", "position", "title", "url", "outlet")
BRIEF_KEYS += ("arxiv_ids", "repos", "source_file", "line_start")


def _brief(record: dict[str, Any]) -> dict[str, Any]:
    return {k: record[k] for k in BRIEF_KEYS}
