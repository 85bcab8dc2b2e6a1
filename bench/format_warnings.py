"""Parser warnings per code over folders of issues: how often each format check fires.

    python bench/format_warnings.py /work/shared/archive /work/shared/archive-drafts [--list]

Prints one table per folder (code, Chinese label, count) and, with --list, every warning as
`file:line: [code] message`. Parses the files directly (no index), with the working tree's code.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from indexer.parse import parse_issue  # noqa: E402
from indexer.problems import WARNING_LABELS, ParseWarning  # noqa: E402
from indexer.source import decode  # noqa: E402
from kb.companies import load_companies  # noqa: E402
from kb.config import DATA_DIR  # noqa: E402


def folder_warnings(folder: Path) -> tuple[int, list[ParseWarning]]:
    companies = load_companies(DATA_DIR / "companies.yaml")
    paths = sorted(folder.glob("*.md"))
    found: list[ParseWarning] = []
    for path in paths:
        src = decode(path.name, path.read_bytes())
        if src.text is not None:
            found += src.warnings + parse_issue(src.name, src.text, companies).warnings
    return len(paths), found


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("--list", action="store_true", help="print every warning too")
    args = parser.parse_args(argv)
    for folder in args.folders:
        files, warnings = folder_warnings(folder)
        counts = Counter(w.code for w in warnings)
        print(f"{folder}: {files} files, {len(warnings)} warnings")
        for code, label in WARNING_LABELS.items():
            if counts[code]:
                print(f"  {code:<18} {counts[code]:>4}  {label}")
        if args.list:
            for w in warnings:
                where = f"{w.file}:{w.line}" if w.line else w.file
                print(f"    {where}: [{w.code}] {w.message}")


if __name__ == "__main__":
    main()
