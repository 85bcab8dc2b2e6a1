"""The "already covered?" page `/check`: paste an arXiv ID, repo, title or a whole draft.

GET `?q=` for short input (bookmarkable), POST for drafts; the body cap (config key
`max_body_kb`) and the UTF-8 check are web.bounds'. The lookup itself is
`indexer.check.check_text` (pure, read-only).
"""

from __future__ import annotations

from flask import Blueprint, render_template, request

from indexer.check import check_text
from web.context import index_handle

bp = Blueprint("check", __name__)

KIND_LABELS: dict[str, str] = {"arxiv": "arXiv", "repo": "GitHub", "title": "标题"}
QUERY_KIND_LABELS: dict[str, str] = {
    "arxiv": "arXiv ID",
    "repo": "GitHub 仓库",
    "title": "标题",
    "list": "多行列表",
    "draft": "整期草稿",
    "empty": "空",
}


@bp.route("/check", methods=["GET", "POST"])
def check() -> str:
    text = request.form.get("text", "") if request.method == "POST" else request.args.get("q", "")
    report = check_text(index_handle(), text) if text.strip() else None
    return render_template(
        "check.html",
        text=text,
        report=report,
        kind_labels=KIND_LABELS,
        query_kind_labels=QUERY_KIND_LABELS,
    )
