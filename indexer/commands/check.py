"""`kb check DRAFT.md | ARXIV | URL | REPO | TITLE … [--all] [--json]`: was it covered before?

Exits like a linter: 0 when nothing was covered, 1 when something was covered (已报道) or may be
a repeat (可能重复), 2 on a usage error (a file path that does not exist, nothing to check).
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

from kb.cli import load
from kb.errors import KbError


class UsageError(KbError):
    exit_code = 2


_PATH_LIKE = re.compile(r"(?i)(\.(md|markdown|txt)$|^\.{0,2}/|^~)")


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "what",
        nargs="+",
        help="a draft .md file ('-' reads stdin), or arXiv IDs, article or GitHub links, repos, titles",
    )
    parser.add_argument("--all", action="store_true", help="compare a draft with every issue, not only earlier ones")
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def looks_like_path(value: str) -> bool:
    """A file name rather than a title or an identifier: ends in .md/.markdown/.txt or starts
    with ./, ../, / or ~ (and is not a link)."""
    return "://" not in value and " " not in value.strip() and bool(_PATH_LIKE.search(value.strip()))


def run(args: argparse.Namespace) -> int:
    import sys

    from indexer.check import check_text
    from indexer.source import decode
    from kb.search.index_view import IndexHandle

    name = "draft.md"
    if args.what == ["-"]:
        text = sys.stdin.read()
    elif len(args.what) == 1 and (Path(args.what[0]).expanduser().is_file() or looks_like_path(args.what[0])):
        path = Path(args.what[0]).expanduser()
        if not path.is_file():
            raise UsageError(f"kb check: no such file: {args.what[0]}")
        decoded = decode(path.name, path.read_bytes())
        if decoded.text is None:
            raise UsageError(f"kb check: cannot read {args.what[0]}: {decoded.warnings[0] if decoded.warnings else ''}")
        text, name = decoded.text, path.name
    else:
        text = "\n".join(args.what)
    if not text.strip():
        raise UsageError("kb check: nothing to check: give a draft file, an arXiv ID, a link, a repo or a title")
    report = check_text(IndexHandle(load(args)), text, name=name, compare_all=args.all)
    if args.json:
        print(json.dumps(report.to_json(), ensure_ascii=False, indent=1))
    else:
        _print(report)
    return 1 if report.found_any else 0


def _print(report) -> None:
    if report.query_kind == "draft":
        scope = "every other issue" if report.compared_with == "all" else f"the issues published {report.compared_with}"
        print(f"draft {report.date or '(no date)'}: compared with {scope}")
        if report.left_out:
            print(f"its own published issue ({report.left_out}) is indexed and was left out")
    for notice in report.notices:
        print(notice)
    for item in report.items:
        where = f"line {item.line}: " if item.line else ""
        print(f"{where}[{item.label} {item.verdict}] {item.title[:70] or item.url}")
        for e in item.earlier:
            how = ", ".join(e["matched"])
            section = e["section_title"] or e["section"]
            print(f"    {e['date']}  {section:<6} {e['title'][:60]}\n{'':16}{e['url']}  ({how})")
    if report.warnings:
        print(f"\n{len(report.warnings)} format warning(s):")
        for w in report.warnings:
            print(f"  line {w['line']}: [{w['code']}] {w['message']}")
    counts = ", ".join(f"{report.count(v)} {v}" for v in ("covered", "similar", "new"))
    print(f"\n{len(report.items)} checked: {counts}")
