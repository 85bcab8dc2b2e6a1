"""Helpers shared by the test modules (a plain module: `conftest` names clash between folders)."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path
from types import ModuleType

from kb.config import load_config

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"
ARCHIVE = ROOT.parent / "shared" / "archive"


def make_config(tmp: Path, archive: Path | None = None, **extra):
    """A kb.yaml in `tmp` with the index inside `tmp` (built-in tables)."""
    lines = [f"archive: {archive or SAMPLE}", f"index: {tmp / 'index'}"]
    lines += [f"{k}: {v}" for k, v in extra.items()]
    path = tmp / "kb.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return load_config(path)


def load_bench(kind: str) -> ModuleType:
    """bench/<kind>/evaluate.py, imported as `<kind>_evaluate` (every judged set has an
    `evaluate.py`, so they cannot share the plain name)."""
    name = f"{kind}_evaluate"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, ROOT / "bench" / kind / "evaluate.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)  # type: ignore[union-attr]
    return sys.modules[name]


def copy_tree(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst


def assert_relevance_floors(row: dict, cls: str, floors: dict[str, float]) -> None:
    """A class's row of bench/relevance's summary against its floors: `zero` is a ceiling on
    answering nothing, except for negatives (a floor on answering nothing); the rest are floors."""
    for metric, floor in floors.items():
        if metric == "zero" and cls != "negative":
            assert row["zero"] <= floor, f"{cls}: {row['zero']:.0%} of queries answered nothing"
        else:
            assert row[metric] >= floor, f"{cls} {metric} {row[metric]:.3f} < floor {floor}"
