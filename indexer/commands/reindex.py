"""`kb reindex [--archive DIR | --git URL] [--full] [--wait SECONDS]`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kb.cli import load


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--archive", metavar="DIR", help="folder of issue files (default: config `archive`)")
    parser.add_argument("--git", metavar="URL", help="clone/pull the archive from this git URL or path")
    parser.add_argument("--full", action="store_true", help="rebuild everything, not just what changed")
    parser.add_argument(
        "--wait",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="wait this long for another running reindex (default: exit at once)",
    )
    parser.add_argument("--quiet", action="store_true", help="print only the summary line")


def run(args: argparse.Namespace) -> int:
    from indexer.archive import sync_git
    from indexer.build import reindex, tty_progress

    config = load(args)
    archive = Path(args.archive).resolve() if args.archive else None
    git = args.git or (config.git if not args.archive else "")
    if git:
        archive = sync_git(git, config.index.parent / "repos")
    result = reindex(
        config,
        archive=archive,
        full=args.full,
        progress=None if args.quiet else tty_progress,
        wait=args.wait,
        on_wait=lambda: print("waiting for another kb reindex to finish…", file=sys.stderr),
    )
    if not args.quiet:
        for warning in result.warnings:
            print(f"warning: {warning}", file=sys.stderr)
    print(result.summary_line())
    return 0
