"""The README documents every command, config key, facet and API route the code has."""

from __future__ import annotations

from pathlib import Path

from kb.cli import COMMANDS
from kb.config import SETTINGS
from kb.records import EXPORT_KEYS
from kb.search.model import FACET_NAMES

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_every_command_is_documented() -> None:
    assert all(f"`kb {c.name}" in README for c in COMMANDS)


def test_every_config_key_is_documented() -> None:
    assert all(f"| `{s.key}` |" in README for s in SETTINGS)


def test_every_facet_and_export_key_is_documented() -> None:
    assert all(f"{name}=" in README for name in FACET_NAMES)
    assert all(key in README for key in EXPORT_KEYS)


def test_every_warning_code_is_documented() -> None:
    from indexer.problems import WARNING_LABELS

    assert [code for code in WARNING_LABELS if f"`{code}`" not in README] == []


def test_every_api_route_is_documented() -> None:
    from kb.config import load_config
    from web.app import create_app

    app = create_app(load_config())
    routes = {r.rule.split("<")[0].rstrip("/") for r in app.url_map.iter_rules() if r.rule.startswith("/api/")}
    assert routes and all(route in README for route in routes)
