"""`kb search QUERY [--company X] [--section Y] [--year Z] [--sort date] [--json] [--limit N]`.

Matched words are shown in bold (ANSI) on a terminal, as plain text otherwise (`--color`)."""

from __future__ import annotations

import argparse
import json
import os
import sys

from kb.cli import load
from kb.search.model import FACETS, MAX_PER_PAGE


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("query", nargs="*", help='words, "phrases", -exclusions, field:value, arXiv IDs, repos')
    for facet in FACETS:
        parser.add_argument(
            f"--{facet.name}",
            action="append",
            default=[],
            metavar="VALUE",
            help=f"filter by {facet.name} ({facet.label}); repeat for OR",
        )
    parser.add_argument(
        "--sort",
        default="relevance",
        choices=("relevance", "date", "newest", "oldest"),
        help="'date' is newest first",
    )
    parser.add_argument("--limit", type=int, default=10, help=f"results per page (1-{MAX_PER_PAGE})")
    parser.add_argument("--page", type=int, default=1)
    parser.add_argument("--json", action="store_true", help='print {"total", "results", "facets"}')
    parser.add_argument("--words-only", action="store_true", help="no records found by meaning (semantic layer)")
    parser.add_argument(
        "--color",
        default="auto",
        choices=("auto", "always", "never"),
        help="matched words in bold: auto (on a terminal, unless NO_COLOR is set), always, never",
    )


def run(args: argparse.Namespace) -> int:
    from kb.search.engine import search
    from kb.search.index_view import IndexHandle
    from kb.search.model import SearchRequest

    request = SearchRequest(
        q=" ".join(args.query),
        filters={f.name: getattr(args, f.name) for f in FACETS if getattr(args, f.name)},
        sort="newest" if args.sort == "date" else args.sort,
        page=args.page,
        per_page=args.limit,
        semantic=not args.words_only,
    )
    result = search(IndexHandle(load(args)), request)
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False, indent=1))
        return 0
    bold = args.color == "always" or (args.color == "auto" and sys.stdout.isatty() and not os.environ.get("NO_COLOR"))
    _print(result, bold)
    return 0


BOLD, RESET = "\x1b[1m", "\x1b[0m"


def marked(text: str, spans, bold: bool) -> str:
    """`text` with the spans in ANSI bold, or as it is."""
    if not bold or not spans:
        return text
    out, pos = [], 0
    for start, end in spans:
        out += [text[pos:start], BOLD, text[start:end], RESET]
        pos = end
    out.append(text[pos:])
    return "".join(out)


def _print(result, bold: bool = False) -> None:
    for notice in result.notices:
        print(f"note: {notice}")
    if result.expansions:
        print("also searched: " + ", ".join(result.expansions))
    if result.corrected_from:
        print(f"note: no results for {result.corrected_from!r}; showing {result.suggestion!r}")
    elif result.suggestion:
        print(f"did you mean: {result.suggestion}")
    first = (result.page - 1) * result.per_page + 1
    shown = f"{first}-{first + len(result.hits) - 1} of " if result.hits else ""
    partial = f" ({result.full_matches} with every word)" if result.partial_from else ""
    print(f"{shown}{result.total} results{partial}\n")
    previous: list[str] = []
    noted = False
    for hit in result.hits:
        if hit.semantic and not noted:
            print("--- 以下混入按语义找到的条目 (below, also records found by meaning: marked ~)\n")
            noted = True
        elif hit.missing and hit.missing != previous and not hit.semantic:
            print(f"--- 以下结果未包含 (below, without): {', '.join(hit.missing)}\n")
        if not hit.semantic:
            previous = hit.missing
        r = hit.record
        outlet = f" | {r['outlet']}" if r["outlet"] else ""
        near = f"~{hit.similarity:.2f} " if hit.semantic and hit.similarity is not None else ""
        title = marked(hit.title, hit.title_spans, bold)
        print(f"{near}{r['date']}  {r['section_title'] or r['section']}  {title}{outlet}")
        if r["url"]:
            print(f"    {r['url']}")
        tags = (
            r["companies"] + [f"arXiv:{a}" for a in r["arxiv_ids"]] + r["repos"] + ([r["venue"]] if r["venue"] else [])
        )
        if tags:
            print("    " + "  ".join(tags))
        if hit.snippet:
            print(f"    {marked(hit.snippet, hit.snippet_spans, bold)}")
        print()
