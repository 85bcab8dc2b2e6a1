"""kb core: record model, configuration, text analysis, index schema and search.

Imports neither Flask nor markdown-it: the indexer and web layers build on this package.
"""

__version__ = "0.1.0"
