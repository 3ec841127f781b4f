# `make run` and `make test` are all the set-up a fresh machine needs. `make run` installs what
# running needs; `make test` adds the test extras (torch, Playwright, anki …) on top.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUN_STAMP := $(VENV)/.installed-run
TEST_STAMP := $(VENV)/.installed-test
ARGS ?=
# --no-compile: Python compiles each module when it is first imported; pip would compile every file
# of every package up front (about 15 of the 40 s of a fresh run-time install on a 2-core machine).
PIP_INSTALL := $(BIN)/python -m pip install -q --no-compile

.PHONY: run test lint bench clean docs

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(RUN_STAMP): pyproject.toml | $(BIN)/python
	$(PIP_INSTALL) -e .
	touch $@

# The test extras include everything the run-time install has, so they satisfy `make run` too.
$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(PIP_INSTALL) -e '.[test]'
	touch $@ $(RUN_STAMP)

run: $(RUN_STAMP)
	$(BIN)/certprep serve $(ARGS)

test: $(TEST_STAMP)
	scripts/test-services.sh
	$(BIN)/certprep lint content
	$(BIN)/python -m pytest -q

bench: $(TEST_STAMP)
	$(BIN)/python benchmarks/bank_load.py

clean:
	rm -rf $(VENV) .pytest_cache

docs: $(RUN_STAMP)
	$(BIN)/python docs/gen_cli.py > docs/cli.md
