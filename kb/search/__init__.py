"""The search core: queries, identifiers, synonyms, facets, highlighting, the coverage check.

Used by the CLI and the web layer alike; knows nothing of Flask or argparse.
"""

from kb.search.model import FACETS, FacetValue, Hit, SearchRequest, SearchResult

__all__ = ["FACETS", "FacetValue", "Hit", "SearchRequest", "SearchResult"]
