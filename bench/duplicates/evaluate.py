"""The editor's check on the archive, scored against the labelled pairs (pairs.yaml).

    python bench/duplicates/evaluate.py [--index DIR] [--archive DIR] [--sweep] [--show] [--agreement] [--ceiling]

Runs `kb check` (indexer.check.check_text) on every archive issue against the issues before it,
as an editor would have before publishing it, and compares what it flags with the labels:
- 已报道 (covered) on the `identical` pairs: recall, and what else it flags;
- 可能重复 (similar) on the pairs that share no identifier: precision and recall against the
  `same-story` pairs, the `different` pairs being hard negatives; `unsure` pairs are reported
  on their own (the reliable core is `unsure: false`);
- every flagged pair that is not labelled at all.
--sweep prints precision and recall of 可能重复 at other thresholds (the score of
kb.similarity for each labelled pair); --show lists the flagged pairs; --agreement compares
second-judge.yaml (a blind second judgement of the same pairs) with pairs.yaml: the ceiling of
what a detector can be measured to do on these labels; --ceiling fits a leave-one-out logistic
regression over every signal the project has for a pair (the embedding cosine too, when the
index has vectors: give it --index of a semantic index).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
PAIRS = Path(__file__).resolve().parent / "pairs.yaml"
SECOND_JUDGE = Path(__file__).resolve().parent / "second-judge.yaml"


def _relevance():
    """bench/relevance/evaluate.py (its resolver and index builder), loaded under its own name."""
    import importlib.util

    if "relevance_evaluate" in sys.modules:
        return sys.modules["relevance_evaluate"]
    spec = importlib.util.spec_from_file_location("relevance_evaluate", ROOT / "bench" / "relevance" / "evaluate.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["relevance_evaluate"] = module
    spec.loader.exec_module(module)
    return module


@dataclass
class Pair:
    a: str  # record id, earlier
    b: str  # record id, later
    label: str  # identical | same-story | different
    unsure: bool
    note: str


def load_pairs(handle, path: Path = PAIRS) -> list[Pair]:
    resolve = _relevance()._resolver(handle)  # date + url + title → record id
    data = yaml.safe_load(path.read_text(encoding="utf-8"))["pairs"]
    return [Pair(resolve(p["a"]), resolve(p["b"]), p["label"], bool(p.get("unsure")), p.get("note", "")) for p in data]


def archive_flags(handle, archive: Path) -> dict[tuple[str, str], tuple[str, float | None]]:
    """(earlier id, later id) → (verdict, similarity) for every pair the check flags when each
    archive issue is checked against the issues before it."""
    from indexer.check import check_text
    from indexer.source import decode

    view = handle.view()
    by_place = {(r["source_file"], r["line_start"]): r["id"] for r in (view.record(d) for d in view.live)}
    flags: dict[tuple[str, str], tuple[str, float | None]] = {}
    for path in sorted(archive.glob("*.md")):
        text = decode(path.name, path.read_bytes()).text or ""
        report = check_text(handle, text, name=path.name)
        for item in report.items:
            later = by_place.get((path.name, item.line))
            if later is None:
                continue
            for e in item.earlier:
                flags[(e["id"], later)] = (item.verdict, e["similarity"])
    return flags


def score(pairs: list[Pair], flags) -> dict[str, float]:
    """Counts and precision/recall of each verdict on the labelled pairs."""
    labelled = {(p.a, p.b): p for p in pairs}
    out: dict[str, float] = {}
    ident = [p for p in pairs if p.label == "identical"]
    out["identical"] = len(ident)
    out["covered_on_identical"] = sum(1 for p in ident if flags.get((p.a, p.b), ("",))[0] == "covered")
    out["covered_on_other_labels"] = sum(
        1 for p in pairs if p.label != "identical" and flags.get((p.a, p.b), ("",))[0] == "covered"
    )
    for name, subset in (("all", pairs), ("sure", [p for p in pairs if not p.unsure])):
        rest = [p for p in subset if p.label != "identical"]
        pos = [p for p in rest if p.label == "same-story"]
        flagged = [p for p in rest if flags.get((p.a, p.b), ("",))[0] in ("similar", "covered")]
        tp = sum(1 for p in flagged if p.label == "same-story")
        out[f"{name}_same_story"] = len(pos)
        out[f"{name}_flagged"] = len(flagged)
        out[f"{name}_precision"] = tp / len(flagged) if flagged else 0.0
        out[f"{name}_recall"] = tp / len(pos) if pos else 0.0
    out["unlabelled_flags"] = sum(1 for k in flags if k not in labelled)
    out["flags"] = len(flags)
    return out


def agreement(pairs: list[Pair], second: list[Pair]) -> dict[str, dict[str, float]]:
    """How far the second, blind judgement agrees with pairs.yaml on same-story vs different:
    the second judge's precision and recall taken as a detector, and Cohen's kappa; over all
    pairs both judged, and over those neither marked unsure."""
    first = {(p.a, p.b): p for p in pairs}
    both = [(first[(q.a, q.b)], q) for q in second if (q.a, q.b) in first]
    out = {}
    for name, subset in (("all", both), ("sure", [(p, q) for p, q in both if not (p.unsure or q.unsure)])):
        tp = sum(1 for p, q in subset if p.label == q.label == "same-story")
        said = sum(1 for _, q in subset if q.label == "same-story")
        truth = sum(1 for p, _ in subset if p.label == "same-story")
        n = len(subset)
        observed = sum(1 for p, q in subset if p.label == q.label) / n
        chance = (said * truth + (n - said) * (n - truth)) / (n * n)
        out[name] = {
            "pairs": n,
            "same_story": truth,
            "second_said": said,
            "precision": tp / said if said else 0.0,
            "recall": tp / truth if truth else 0.0,
            "kappa": (observed - chance) / (1 - chance) if chance < 1 else 1.0,
        }
    return out


def pair_signals(handle, pairs: list[Pair]) -> tuple[list[list[float]], list[bool], list[str]]:
    """Every signal the project has for each non-identical labelled pair: kb.similarity's title
    and title + summary cosines, shared rare names, concept overlap, its score, and the
    embedding cosine of the two items when the index has vectors. (rows, same-story, names)."""
    from indexer.check import _Checker

    view = handle.view()
    checker = _Checker(view, handle, set(view.live))
    doc = {view.record(d)["id"]: d for d in view.live}
    vectors = view.vectors()
    names = ["title", "summary", "names", "concepts", "score"] + (["embedding"] if vectors else [])
    rows, same = [], []
    for p in pairs:
        if p.label == "identical":
            continue
        a, b = doc[p.a], doc[p.b]
        found = checker.similarity.similar(view.record(b), {a}, limit=1)
        s = found[0] if found else None
        row = [s.title, s.summary, min(len(s.names), 3), s.concepts, s.score] if s else [0.0] * 5
        if vectors:
            row.append(float(vectors.matrix[vectors.row[a]] @ vectors.matrix[vectors.row[b]]))
        rows.append(row)
        same.append(p.label == "same-story")
    return rows, same, names


def ceiling(rows: list[list[float]], same: list[bool]) -> dict[str, float]:
    """Leave-one-out logistic regression over the pair signals: each pair scored by a model fit on
    all the others (L2, standardised features). Its precision where recall first reaches 0.8 and
    its average precision bound what any weighting of these signals can do on unseen pairs."""
    import numpy as np

    x = np.asarray(rows, dtype=float)
    x = (x - x.mean(0)) / (x.std(0) + 1e-9)
    y = np.asarray(same, dtype=float)
    scores = np.zeros(len(y))
    for i in range(len(y)):
        keep = np.arange(len(y)) != i
        w, b = np.zeros(x.shape[1]), 0.0
        for _ in range(2000):  # gradient descent on the mean log loss + L2
            p = 1 / (1 + np.exp(-(x[keep] @ w + b)))
            w -= 0.5 * (x[keep].T @ (p - y[keep]) + w) / keep.sum()
            b -= 0.5 * float((p - y[keep]).mean())
        scores[i] = x[i] @ w + b
    hits, precisions, at_recall = 0, [], 0.0
    for k, i in enumerate(np.argsort(-scores, kind="stable"), 1):
        if y[i]:
            hits += 1
            precisions.append(hits / k)
            if not at_recall and hits / y.sum() >= 0.8:
                at_recall = hits / k
    return {
        "precision_at_recall_0.8": at_recall,
        "average_precision": float(np.mean(precisions)),
        "base_rate": float(y.mean()),
    }


def sweep(handle, pairs: list[Pair]) -> list[tuple[float, int, int, int]]:
    """(threshold, flagged, true, unlabelled) of 可能重复 over the non-identical labelled pairs."""
    rows, same, names = pair_signals(handle, pairs)
    column = names.index("score")
    scored = [(row[column], pos) for row, pos in zip(rows, same, strict=True)]
    out = []
    for t in (0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.3):
        flagged = [pos for s, pos in scored if s >= t]
        out.append((t, len(flagged), sum(flagged), sum(1 for _, pos in scored if pos)))
    return out


def main(argv: list[str] | None = None) -> int:
    sys.path.insert(0, str(ROOT))
    build_archive_index = _relevance().build_archive_index
    from kb.config import load_config
    from kb.search.index_view import IndexHandle

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--index", type=Path, help="an index of the archive (default: build one)")
    ap.add_argument(
        "--archive", type=Path, default=Path(os.environ.get("KB_BENCH_ARCHIVE", ROOT.parent / "shared" / "archive"))
    )
    ap.add_argument("--sweep", action="store_true")
    ap.add_argument("--show", action="store_true")
    ap.add_argument("--agreement", action="store_true", help="how far second-judge.yaml agrees with pairs.yaml")
    ap.add_argument("--ceiling", action="store_true", help="leave-one-out logistic regression over every pair signal")
    args = ap.parse_args(argv)
    if args.ceiling:
        try:
            import numpy  # noqa: F401
        except ImportError:
            sys.exit("--ceiling needs numpy: pip install -e '.[semantic]'")
    with tempfile.TemporaryDirectory() as tmp:
        config = (
            load_config(None).replace(index=args.index)
            if args.index
            else build_archive_index(args.archive.resolve(), Path(tmp))
        )
        handle = IndexHandle(config)
        pairs = load_pairs(handle)
        flags = archive_flags(handle, args.archive.resolve())
        s = score(pairs, flags)
        print(f"labelled pairs: {len(pairs)}; pairs flagged over the archive: {s['flags']:.0f}")
        print(f"已报道 on identical pairs: {s['covered_on_identical']:.0f} of {s['identical']:.0f}")
        print(f"已报道 on other labels: {s['covered_on_other_labels']:.0f}")
        for name in ("all", "sure"):
            print(
                f"可能重复 ({name} pairs): flagged {s[f'{name}_flagged']:.0f}, precision {s[f'{name}_precision']:.2f}, "
                f"recall {s[f'{name}_recall']:.2f} of {s[f'{name}_same_story']:.0f} same-story"
            )
        print(f"flagged pairs not labelled: {s['unlabelled_flags']:.0f}")
        if args.sweep:
            print("\nthreshold  flagged  same-story  precision  recall")
            for t, n, tp, pos in sweep(handle, pairs):
                print(f"{t:9.2f}  {n:7d}  {tp:10d}  {tp / n if n else 0:9.2f}  {tp / pos:6.2f}")
        if args.agreement:
            print("\nsecond judge vs pairs.yaml (same-story vs different)")
            for name, a in agreement(pairs, load_pairs(handle, SECOND_JUDGE)).items():
                print(
                    f"  {name} ({a['pairs']} pairs, {a['same_story']} same-story): the second judge says same-story "
                    f"for {a['second_said']}, precision {a['precision']:.2f}, recall {a['recall']:.2f}, "
                    f"kappa {a['kappa']:.2f}"
                )
        if args.ceiling:
            rows, same, names = pair_signals(handle, pairs)
            c = ceiling(rows, same)
            print(
                f"\nleave-one-out logistic regression over {', '.join(names)} ({len(rows)} pairs): precision "
                f"{c['precision_at_recall_0.8']:.2f} at recall 0.8, average precision {c['average_precision']:.2f} "
                f"(same-story share {c['base_rate']:.2f})"
            )
        if args.show:
            view = handle.view()
            title = {view.record(d)["id"]: view.record(d)["title"][:50] for d in view.live}
            labelled = {(p.a, p.b): p.label for p in pairs}
            for (a, b), (verdict, sim) in sorted(flags.items(), key=lambda kv: kv[0][1]):
                print(f"{verdict:8s} {sim or '':6} {labelled.get((a, b), 'UNLABELLED'):11s} {title[a]} || {title[b]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
