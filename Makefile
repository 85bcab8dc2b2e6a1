# Two entry points for a fresh machine (see README): `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test lint bench clean

$(BIN)/kb: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(BIN)/kb

## index the bundled sample archive, then serve it on http://$(HOST):$(PORT)/
run: $(BIN)/kb
	$(BIN)/kb reindex
	$(BIN)/kb serve --host $(HOST) --port $(PORT)

$(VENV)/.semantic: $(BIN)/kb pyproject.toml
	$(BIN)/pip install --quiet -e '.[test,semantic]'
	touch $@

## every test tier: unit, parser cases, CLI, web, real HTTP server, browser, archive, semantic
test: $(BIN)/kb $(VENV)/.semantic
	$(BIN)/ruff check kb indexer web tests bench
	$(BIN)/python -m pytest -q -rs

lint: $(BIN)/kb
	$(BIN)/ruff check kb indexer web tests bench
	$(BIN)/ruff format --check kb indexer web tests bench

bench: $(BIN)/kb
	$(BIN)/pip install --quiet -e '.[test,bench]'
	$(BIN)/python bench/bench_index.py
	$(BIN)/python bench/bench_search.py
	$(BIN)/python bench/bench_serve.py

clean:
	rm -rf $(VENV) data/index data/repos *.egg-info
