"""`kb check ARXIV|GITHUB-URL|TITLE|DRAFT-FILE [--json]`: where was it covered before?"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from kb.cli import load


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "what",
        nargs="+",
        help="arXiv ID or URL, GitHub repo or URL, a title, or a draft .md file ('-' reads stdin)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def run(args: argparse.Namespace) -> int:
    import sys

    from indexer.check import check_text
    from indexer.source import decode
    from kb.search.index_view import IndexHandle

    handle = IndexHandle(load(args))
    if args.what == ["-"]:
        text = sys.stdin.read()
    elif len(args.what) == 1 and Path(args.what[0]).is_file():
        path = Path(args.what[0])
        text = decode(path.name, path.read_bytes()).text or ""
    else:
        text = "\n".join(args.what)
    report = check_text(handle, text)
    if args.json:
        print(json.dumps(report.to_json(), ensure_ascii=False, indent=1))
    else:
        _print(report)
    return 0


def _print(report) -> None:
    if not report.entries:
        print("nothing to check: give an arXiv ID, a GitHub repo, a title or a draft issue file")
        return
    for entry in report.entries:
        where = f"line {entry.line}: " if entry.line else ""
        head = f"{where}{entry.kind} {entry.value}"
        if entry.label and entry.label != entry.value:
            head += f"  ({entry.label[:60]})"
        if not entry.covered:
            print(f"{head}\n    not covered yet")
            continue
        print(f"{head}\n    covered {len(entry.covered)}x:")
        for r in entry.covered:
            print(f"    {r['date']}  {r['section_title'] or r['section']:<6} {r['title'][:70]}\n{'':16}{r['url']}")
    covered = report.covered_count
    print(f"\n{covered} of {len(report.entries)} already covered")
