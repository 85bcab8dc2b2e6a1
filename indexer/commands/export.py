"""`kb export [--format jsonl|csv] [--output FILE]`: every record, every field, archive order."""

from __future__ import annotations

import argparse
import csv
import json
import sys

from kb.cli import load


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=("jsonl", "csv"), default="jsonl")
    parser.add_argument("--output", "-o", metavar="FILE", help="write here instead of stdout")


def run(args: argparse.Namespace) -> int:
    from kb.export import all_records
    from kb.records import EXPORT_KEYS

    records = all_records(load(args))
    out = open(args.output, "w", encoding="utf-8", newline="") if args.output else sys.stdout  # noqa: SIM115
    try:
        if args.format == "jsonl":
            for record in records:
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
        else:
            writer = csv.DictWriter(out, fieldnames=EXPORT_KEYS)
            writer.writeheader()
            for record in records:
                writer.writerow({k: _cell(v) for k, v in record.items()})
    finally:
        if out is not sys.stdout:
            out.close()
    return 0


def _cell(value):
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False) if value and isinstance(value[0], dict) else "; ".join(value)
    return value
