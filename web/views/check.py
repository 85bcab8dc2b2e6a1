"""The "already covered?" page `/check`: paste a draft, or arXiv IDs, links, repos or titles.

GET `?q=` for short input (bookmarkable), POST for drafts; the body cap (config key
`max_body_kb`) and the UTF-8 check are web.bounds'; `all=1` compares a draft with every issue.
The check itself is `indexer.check.check_text` (pure, read-only).
"""

from __future__ import annotations

from flask import Blueprint, render_template, request

from indexer.check import check_text
from web.context import index_handle
from web.params import is_on

bp = Blueprint("check", __name__)

QUERY_KIND_LABELS: dict[str, str] = {
    "arxiv": "arXiv ID",
    "repo": "GitHub 仓库",
    "url": "文章链接",
    "title": "标题",
    "list": "多行列表",
    "draft": "整期草稿",
    "empty": "空",
}


@bp.route("/check", methods=["GET", "POST"])
def check() -> str:
    source = request.form if request.method == "POST" else request.args
    text = source.get("text", "") if request.method == "POST" else source.get("q", "")
    compare_all = is_on(source.get("all"))
    report = check_text(index_handle(), text, compare_all=compare_all) if text.strip() else None
    return render_template(
        "check.html", text=text, report=report, compare_all=compare_all, query_kind_labels=QUERY_KIND_LABELS
    )
