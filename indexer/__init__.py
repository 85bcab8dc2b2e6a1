"""The indexer: reads archive files, parses issues into records, writes the Whoosh index.

May import `kb` (core) and markdown-it; never Flask or `web`.
"""
