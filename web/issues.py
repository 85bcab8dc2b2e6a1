"""Issues as the live index knows them: the list (from the manifest) and one issue's page.

An issue page is its archive file (the folder named in the manifest) rendered by
`web.issue_html`, with anchors at the index's record ids. If the file changed since the
index was built, items are located by re-parsing it (indexer.parse, pure); if it cannot be
read any more, the page is assembled from the records' own markdown.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from indexer.parse import MAX_PLAUSIBLE_ITEMS, parse_issue
from indexer.source import decode
from kb.search.index_view import IndexHandle, IndexView
from web.issue_html import render_issue


@dataclass(frozen=True)
class IssueInfo:
    date: str
    source_file: str
    title: str
    intro: str
    records: int


@dataclass
class IssuePage:
    date: str
    title: str
    intro: str
    html: str
    notices: list[str] = field(default_factory=list)
    previous: str = ""
    next: str = ""


def list_issues(view: IndexView) -> list[IssueInfo]:
    """Every indexed issue, newest first."""
    issues = [
        IssueInfo(
            info.get("date", ""),
            name,
            info.get("title", "") or name,
            info.get("intro", ""),
            info.get("records", 0),
        )
        for name, info in view.manifest.get("files", {}).items()
        if info.get("is_issue", True) and info.get("date")
    ]
    return sorted(issues, key=lambda i: (i.date, i.source_file), reverse=True)


def load_issue(handle: IndexHandle, view: IndexView, date: str, issue_href: Callable[[str], str]) -> IssuePage | None:
    """The page of the issue dated `date`, or None when the index has no such issue."""
    files = [
        (name, info)
        for name, info in view.manifest.get("files", {}).items()
        if info.get("date") == date and info.get("is_issue", True)
    ]
    if not files:
        return None
    dates = sorted({i.date for i in list_issues(view)})
    position = dates.index(date) if date in dates else -1
    first = files[0][1]
    page = IssuePage(
        date=date,
        title=first.get("title", "") or date,
        intro=first.get("intro", ""),
        html="",
        previous=dates[position - 1] if position > 0 else "",
        next=dates[position + 1] if 0 <= position < len(dates) - 1 else "",
    )
    parts = [_render_file(handle, view, name, info, page.notices, issue_href) for name, info in files]
    page.html = "\n".join(parts)
    return page


def _render_file(
    handle: IndexHandle,
    view: IndexView,
    name: str,
    info: dict[str, Any],
    notices: list[str],
    issue_href: Callable[[str], str],
) -> str:
    records = _records(view, info.get("ids", []))
    if len(records) > MAX_PLAUSIBLE_ITEMS:  # a page of its first items, at a bounded cost
        shown = MAX_PLAUSIBLE_ITEMS
        notices.append(f"{name} 有 {len(records)} 条，远多于一期简报，这里只列出前 {shown} 条（由索引中的条目拼成）。")
        return render_issue(*_from_records(records[:MAX_PLAUSIBLE_ITEMS]), issue_href=issue_href)
    data = _read(Path(view.manifest.get("archive", "")), name)
    text = decode(name, data).text if data is not None else None
    if text is None:
        notices.append(f"原文件 {name} 已无法读取，以下内容由索引中的条目拼成。")
        return render_issue(*_from_records(records), issue_href=issue_href)
    anchors = [(r["line_start"], r["id"]) for r in records]
    if hashlib.sha1(data).hexdigest() != info.get("sha1"):  # type: ignore[arg-type]
        notices.append(f"{name} 在上次建立索引后有改动（运行 kb reindex 更新）；条目位置按当前文件标注。")
        issue = parse_issue(name, text, handle.companies)
        anchors = [(r.line_start, r.id) for r in issue.records]
    return render_issue(text, anchors, issue_href=issue_href)


def _records(view: IndexView, ids: list[str]) -> list[dict[str, Any]]:
    found = [view.record(d) for record_id in ids for d in view.docnums("id", record_id)[:1]]
    return sorted(found, key=lambda r: r.get("line_start", 0))


def _read(archive: Path, name: str) -> bytes | None:
    """The bytes of archive/name, refusing paths that leave the archive folder."""
    if not archive.parts:
        return None
    try:
        root = archive.resolve()
        path = (root / name).resolve()
        if not path.is_relative_to(root):
            return None
        return path.read_bytes()
    except OSError:
        return None


def _from_records(records: list[dict[str, Any]]) -> tuple[str, list[tuple[int, str]]]:
    """Markdown for an issue rebuilt from its records, and the line of each record."""
    lines: list[str] = []
    anchors: list[tuple[int, str]] = []
    section = None
    for record in records:
        if record.get("section_title") != section:
            section = record.get("section_title")
            if section:
                lines += [f"## {section}", ""]
        anchors.append((len(lines) + 1, record["id"]))
        lines += (record.get("raw") or f"- {record.get('title', '')}").split("\n") + [""]
    return "\n".join(lines), anchors
