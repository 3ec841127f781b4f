# `make run` and `make test` are all the set-up a fresh machine needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench clean docs

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/certprep serve

test: $(STAMP)
	scripts/test-services.sh
	$(BIN)/certprep lint content
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python benchmarks/bank_load.py

clean:
	rm -rf $(VENV) .pytest_cache

docs: $(STAMP)
	$(BIN)/python docs/gen_cli.py > docs/cli.md
