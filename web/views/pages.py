"""Pages about one thing: an item `/item/<id>`, an issue `/issue/<date>`, the issue list."""

from __future__ import annotations

import re

from flask import Blueprint, abort, render_template, url_for

from kb.search.engine import get_record
from kb.search.related import issue_neighbours, related_records
from web.context import index_handle
from web.issues import list_issues, load_issue

bp = Blueprint("pages", __name__)

_DATE_RE = re.compile(r"^20\d{2}-\d{2}-\d{2}$")
_ID_RE = re.compile(r"^[\w.-]{1,80}$")


@bp.get("/item/<record_id>")
def item(record_id: str) -> str:
    record = get_record(index_handle(), record_id) if _ID_RE.match(record_id) else None
    if record is None:
        abort(404, description=f"找不到条目 {record_id[:80]!r} (no record with this id)")
    handle = index_handle()
    return render_template(
        "item.html",
        record=record,
        related=related_records(handle, record["id"]),
        neighbours=issue_neighbours(handle.view(), record),
    )


@bp.get("/issue/<date>")
def issue(date: str) -> str:
    handle = index_handle()
    view = handle.view()
    page = load_issue(handle, view, date, _issue_href) if _DATE_RE.match(date) else None
    if page is None:
        abort(404, description=f"没有 {date[:40]} 这一期 (no issue with this date)")
    return render_template("issue.html", page=page)


@bp.get("/issues")
def issues() -> str:
    return render_template("issues.html", issues=list_issues(index_handle().view()))


def _issue_href(date: str) -> str:
    return url_for("pages.issue", date=date)
