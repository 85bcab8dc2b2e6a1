"""Exceptions the core raises; the CLI and the web layer translate them at one edge each."""

from __future__ import annotations


class KbError(Exception):
    """Base class: a problem a user can act on; its message is shown as is."""

    exit_code = 1


class ConfigError(KbError):
    """The configuration file or one of its keys is wrong."""

    exit_code = 2


class IndexMissingError(KbError):
    """No index exists yet at the configured location."""

    exit_code = 3


class IndexBusyError(KbError):
    """Another process holds the index writer lock."""

    exit_code = 4


class QueryError(KbError):
    """A query or a filter value that cannot be answered."""

    exit_code = 2


class SemanticUnavailableError(KbError):
    """Semantic search is switched on but its embedder cannot be loaded (extra not installed)."""

    exit_code = 5
