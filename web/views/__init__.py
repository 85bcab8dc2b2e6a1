"""The blueprints: `search` (the search page), `pages` (item, issue, issue list), `check`
("already covered?") and `api` (JSON). Each is a thin layer: parse and validate, call the core,
render."""
