"""`kb stats [--json]`: issues, records per section, top companies and outlets, warnings."""

from __future__ import annotations

import argparse
import json
from collections import Counter

from kb.cli import load


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--top", type=int, default=15, help="how many companies/outlets to list")


def run(args: argparse.Namespace) -> int:
    from kb.records import SECTION_LABELS
    from kb.search.index_view import IndexHandle

    handle = IndexHandle(load(args))
    view = handle.view()
    files = view.manifest.get("files", {})
    sections, companies, outlets, years = Counter(), Counter(), Counter(), Counter()
    for facets in view.facets.values():
        sections[facets["section"]] += 1
        companies.update(facets["company"])
        years[facets["year"]] += 1
        if facets["outlet"]:
            outlets[facets["outlet"]] += 1
    warnings = [w for f in files.values() for w in f.get("warnings", [])]
    from kb.search import semantic

    found = view.vectors() if handle.config.semantic else None
    stats = {
        "issues": sum(1 for f in files.values() if f.get("is_issue")),
        "records": len(view.live),
        "generation": view.generation.name,
        "built": view.manifest.get("built", ""),
        "archive": view.manifest.get("archive", ""),
        "sections": dict(sections.most_common()),
        "years": dict(sorted(years.items())),
        "companies": dict(companies.most_common(args.top)),
        "outlets": dict(outlets.most_common(args.top)),
        "warnings": warnings,
        "semantic": {
            "status": semantic.status(view),
            "model": found.model_id if found else "",
            "vectors": len(found) if found else 0,
        },
    }
    if args.json:
        print(json.dumps(stats, ensure_ascii=False, indent=1))
        return 0
    print(
        f"{stats['issues']} issues, {stats['records']} records  (index {stats['generation']}, built {stats['built']})"
    )
    print(f"archive: {stats['archive']}")
    sem = stats["semantic"]
    detail = f" ({sem['model']}, {sem['vectors']} vectors)" if sem["vectors"] else ""
    print(f"semantic search: {sem['status']}{detail}")
    print("sections: " + ", ".join(f"{SECTION_LABELS.get(k, k)}({k}) {v}" for k, v in sections.most_common()))
    print("years:    " + ", ".join(f"{k} {v}" for k, v in sorted(years.items())))
    print("companies: " + ", ".join(f"{handle.companies.label(k)} {v}" for k, v in companies.most_common(args.top)))
    print("outlets:  " + ", ".join(f"{k} {v}" for k, v in outlets.most_common(args.top)))
    print(f"warnings: {len(warnings)}")
    for w in warnings:
        print(f"  {w}")
    return 0
