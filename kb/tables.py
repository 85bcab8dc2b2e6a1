"""Reading the project's YAML data tables (companies, user dictionary, synonyms) with one
clear ConfigError for any problem, naming the file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from kb.errors import ConfigError

#: libyaml's safe loader when PyYAML was built with it (10× faster on the glossary), else PyYAML's.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_table(path: str | Path, what: str) -> dict[str, Any]:
    """The mapping in a YAML table file; ConfigError names `what` and the file."""
    path = Path(path)
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)  # noqa: S506 - a safe loader
    except (OSError, yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{what} {path}: {exc}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{what} {path}: expected a mapping at the top, got {type(data).__name__}")
    return data
