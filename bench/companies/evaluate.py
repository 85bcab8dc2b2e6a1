"""The company benchmark: precision, recall and F1 of each item's `companies` (what it is about)
against the hand labels in labels.yaml.

    python bench/companies/evaluate.py [--index DIR | --archive DIR | --parse] [--split dev|test|all]
                                       [--show] [--json FILE]

Without --index it builds a fresh index of the archive (`../shared/archive` beside the checkout,
or KB_BENCH_ARCHIVE) in a temporary folder; --parse reads the records with the parser alone (the
same records, no index). Labels name items by date + url + title, as bench/relevance does; a
warm-up item's title is matched with or without its `公司：` prefix (labelled before the title
kept it). Scoring, per item: `about` names are right, `unsure` names are neither right nor wrong
(left out of both counts), `new` organisations count as `about` once the company table holds
them under that canonical name (`--config` names another table), else not at all. Odd label
positions (1st, 3rd, …) are the dev split the rules were tuned on, even ones the held-out test
split. --show lists every wrong and missed name under the rule that chose it (kb.about.RULES).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
LABELS = HERE / "labels.yaml"
SPLITS = ("dev", "test", "all")


@dataclass
class Labelled:
    n: int  # 1-based position in labels.yaml
    record: dict
    about: list[str]
    unsure: set[str]

    @property
    def split(self) -> str:
        return "dev" if self.n % 2 else "test"


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    errors: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict:
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
        }


def resolver(records: list[dict]):
    """ref (date, url, title) → the one record it names; LookupError otherwise."""
    by_url: dict[tuple[str, str], list[dict]] = defaultdict(list)
    by_date: dict[str, list[dict]] = defaultdict(list)
    for r in records:
        by_url[(r["date"], r["url"])].append(r)
        by_date[r["date"]].append(r)

    def titled(r: dict, title: str) -> bool:
        if r["title"] == title:
            return True
        head = r["title"][: len(r["title"]) - len(title)].rstrip()  # a warm-up's `公司：` prefix
        return r["section"] == "warmup" and r["title"].endswith(title) and 0 < len(head) <= 30 and head[-1] in "：:，"

    def resolve(ref: dict) -> dict:
        date, url, title = str(ref["date"]), ref.get("url") or "", ref.get("title", "")
        found = by_url.get((date, url), []) if url else []
        if len(found) != 1:
            found = [r for r in (found or by_date.get(date, [])) if titled(r, title)]
        if len(found) > 1:
            found = [r for r in found if r["title"] == title] or found
        if len(found) != 1:
            raise LookupError(f"labelled item not found once: {ref}")
        return found[0]

    return resolve


def load_labels(records: list[dict], path: Path = LABELS, known: frozenset[str] = frozenset()) -> list[Labelled]:
    """The labelled items; a `new` organisation the table now `known`s counts as `about`."""
    resolve = resolver(records)
    items = yaml.safe_load(path.read_text(encoding="utf-8"))["items"]
    out = []
    for n, it in enumerate(items, 1):
        about = list(it.get("about") or []) + [x["name"] for x in it.get("new") or [] if x["name"] in known]
        out.append(Labelled(n, resolve(it["ref"]), about, set(it.get("unsure") or [])))
    return out


def score(labelled: list[Labelled], split: str = "all", tables=None) -> Score:
    """Counts over the items of `split`; with `tables` (a CompanyTable) the errors name rules."""
    out = Score()
    for item in labelled:
        if split != "all" and item.split != split:
            continue
        got = [c for c in item.record["companies"] if c not in item.unsure]
        want = {c for c in item.about if c not in item.unsure}
        rules = _rules(item.record, tables) if tables is not None else {}
        for c in got:
            if c in want:
                out.tp += 1
            else:
                out.fp += 1
                out.errors[f"wrong ({rules.get(c, '?')})"].append(_line(item, c))
        for c in want - set(got):
            out.fn += 1
            where = "named" if c in item.record.get("mentions", []) else "not named"
            out.errors[f"missed ({where} in the text)"].append(_line(item, c))
    return out


def _rules(record: dict, tables) -> dict[str, str]:
    from kb.about import ItemText, tag

    item = ItemText(
        record["section"],
        record["title"],
        record["summary"],
        record["outlet"],
        record["url"],
        record["repos"],
        record["paper_title"],
    )
    return dict(tag(item, tables).about)


def _line(item: Labelled, company: str) -> str:
    r = item.record
    return f"#{item.n} {r['date']} [{r['section']}] {company}: {r['title'][:70]}"


def parsed_records(archive: Path, companies_path: Path | None = None) -> list[dict]:
    """Every record of the archive, read by the parser alone."""
    from indexer.parse import parse_issue
    from indexer.source import decode
    from kb.companies import load_companies
    from kb.config import DATA_DIR

    table = load_companies(companies_path or DATA_DIR / "companies.yaml")
    out = []
    for path in sorted(archive.glob("*.md")):
        src = decode(path.name, path.read_bytes())
        out += [r.to_dict() for r in parse_issue(src.name, src.text, table).records]
    return out


def index_records(config) -> list[dict]:
    from kb.search.index_view import IndexHandle

    view = IndexHandle(config).view()
    return [view.record(n) for n in view.live]


def build_archive_index(archive: Path, tmp: Path):
    from indexer.build import reindex
    from kb.config import load_config

    (tmp / "kb.yaml").write_text(f"archive: {archive}\nindex: {tmp / 'index'}\n", encoding="utf-8")
    config = load_config(tmp / "kb.yaml")
    reindex(config)
    return config


def report(labelled: list[Labelled]) -> str:
    rows = ["| split | items | P | R | F1 | right | wrong | missed |", "|---|---|---|---|---|---|---|---|"]
    for split in SPLITS:
        s = score(labelled, split)
        n = sum(1 for i in labelled if split == "all" or i.split == split)
        rows.append(f"| {split} | {n} | {s.precision:.3f} | {s.recall:.3f} | {s.f1:.3f} | {s.tp} | {s.fp} | {s.fn} |")
    return "\n".join(rows)


def errors(labelled: list[Labelled], split: str, tables) -> str:
    lines = []
    for kind, items in sorted(score(labelled, split, tables).errors.items()):
        lines.append(f"{kind}: {len(items)}")
        lines += [f"  {x}" for x in items]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    sys.path.insert(0, str(ROOT))
    from kb.config import load_config

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--index", type=Path, help="an index of the archive (default: build one)")
    ap.add_argument("--config", type=Path, help="kb.yaml to read tables from")
    ap.add_argument(
        "--archive", type=Path, default=Path(os.environ.get("KB_BENCH_ARCHIVE", ROOT.parent / "shared" / "archive"))
    )
    ap.add_argument("--parse", action="store_true", help="read the archive with the parser, no index")
    ap.add_argument("--split", default="all", choices=SPLITS, help="the split --show lists")
    ap.add_argument("--show", action="store_true", help="list wrong and missed names by rule")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    config = load_config(args.config)
    with tempfile.TemporaryDirectory() as tmp:
        if args.parse:
            records = parsed_records(args.archive.resolve(), config.companies)
        elif args.index:
            records = index_records(config.replace(index=args.index))
        else:
            config = build_archive_index(args.archive.resolve(), Path(tmp))
            records = index_records(config)
    from kb.companies import load_companies

    table = load_companies(config.companies)
    labelled = load_labels(records, known=frozenset(table.labels))
    print(f"{len(labelled)} labelled items (dev: odd positions, test: even)\n")
    print(report(labelled))
    if args.show:
        print("\n" + errors(labelled, args.split, table))
    if args.json:
        data = {split: score(labelled, split).as_dict() for split in SPLITS}
        args.json.write_text(json.dumps(data, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
