"""`kb export [--format jsonl|csv] [--output FILE] [--no-bom]`: every record, every field, archive order.

CSV starts with a UTF-8 byte order mark, so Excel on a Chinese Windows (which otherwise reads
a CSV as GBK) shows the Chinese text; `--no-bom` leaves it out for tools that do not expect one.
Output is UTF-8 whatever the terminal's encoding.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys

from kb.cli import load


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=("jsonl", "csv"), default="jsonl")
    parser.add_argument("--output", "-o", metavar="FILE", help="write here instead of stdout")
    parser.add_argument("--no-bom", action="store_true", help="CSV without the UTF-8 byte order mark Excel needs")


def run(args: argparse.Namespace) -> int:
    from kb.export import all_records
    from kb.records import EXPORT_KEYS

    records = all_records(load(args))
    encoding = "utf-8-sig" if args.format == "csv" and not args.no_bom else "utf-8"
    if args.output:
        out = open(args.output, "w", encoding=encoding, newline="")  # noqa: SIM115
    else:
        sys.stdout.flush()
        out = io.TextIOWrapper(sys.stdout.buffer, encoding=encoding, newline="", write_through=True)
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
        if args.output:
            out.close()
        else:
            out.flush()
            out.detach()  # leave sys.stdout open
    return 0


def _cell(value):
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False) if value and isinstance(value[0], dict) else "; ".join(value)
    return value
