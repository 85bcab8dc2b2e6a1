"""Embedding backends (kb.embedding.BACKENDS names them)."""
