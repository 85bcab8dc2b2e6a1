"""The fingerprint is one declared list of the modules that shape records and the index
(indexer.build.SHAPING_MODULES), hashed by what their code does (bytecode without line numbers
or docstrings): every module the indexer imports is declared either way, a code edit changes the
fingerprint, a comment or docstring edit does not, and a table edit does."""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

from indexer.build import NOT_SHAPING_MODULES, SHAPING_MODULES, shaping_sources
from kb.schema import fingerprint

ROOT = Path(__file__).resolve().parent.parent


def _imports(module: str) -> set[str]:
    path = ROOT.joinpath(*module.split(".")).with_suffix(".py")
    if not path.exists():
        path = ROOT.joinpath(*module.split("."), "__init__.py")
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = [node.module] if isinstance(node, ast.ImportFrom) and node.module else []
        names += [a.name for a in node.names] if isinstance(node, ast.Import) else []
        out.update(n for n in names if n.split(".")[0] in ("kb", "indexer"))
    return out


def test_every_module_the_indexer_imports_is_declared() -> None:
    seen: set[str] = set()
    todo = ["indexer.build"]
    while todo:
        module = todo.pop()
        if module not in seen:
            seen.add(module)
            todo += _imports(module)
    undeclared = seen - set(SHAPING_MODULES) - set(NOT_SHAPING_MODULES)
    assert not undeclared, f"declare these in indexer.build.SHAPING_MODULES or NOT_SHAPING_MODULES: {undeclared}"
    assert all(p.is_file() for p in shaping_sources())


def test_code_edits_change_it_comments_and_docstrings_do_not(tmp_path) -> None:
    modules = [shutil.copy(p, tmp_path / p.name) for p in shaping_sources() if p.parent.name == "kb"]
    table = tmp_path / "synonyms.yaml"
    table.write_text("groups:\n  - [a, b]\n", encoding="utf-8")
    records = tmp_path / "records.py"
    base = fingerprint(modules, [table])
    source = records.read_text(encoding="utf-8")
    records.write_text("# a comment\n" + source.replace('"""', '"""Reworded. ', 1) + "\n# trailing\n", "utf-8")
    assert fingerprint(modules, [table]) == base
    records.write_text(source.replace('Section("other", "其他", ())', 'Section("other", "其它", ())'), "utf-8")
    changed = fingerprint(modules, [table])
    assert changed != base
    table.write_text("groups:\n  - [a, c]\n", encoding="utf-8")
    assert fingerprint(modules, [table]) != changed


def test_an_unchanged_module_is_not_parsed_again(tmp_path) -> None:
    module = shutil.copy(shaping_sources()[0], tmp_path / "schema.py")
    known: dict = {}
    first = fingerprint([module], [], known)
    stamp = known[str(module)][:2]
    assert fingerprint([module], [], {str(module): [*stamp, "remembered"]}) != first  # the cache was used
    Path(module).write_text(Path(module).read_text(encoding="utf-8") + "\nX = 1\n", encoding="utf-8")
    assert fingerprint([module], [], known) != first and known[str(module)][:2] != stamp  # edited: parsed again
