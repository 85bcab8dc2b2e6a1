"""The web front end of `kb`: a Flask application over the search core.

Owns HTTP only: parameter parsing and validation, URL building, templates, security headers and
the translation of core errors into 4xx/503 pages and JSON. Searching, counting and parsing live
in `kb` and `indexer`; this package never writes the index (it does not import indexer.build).
"""
