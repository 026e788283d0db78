# Two entry points (see README): `make demo` and `make test`. Both create .venv from scratch if needed.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-dev

.PHONY: demo test lint typecheck unit bench clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e ".[dev]"
	touch $(STAMP)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	touch $(VENV)/.installed

## demo: install and run the main job (validate + convert) on examples/
demo: $(VENV)/.installed
	$(BIN)/phenotk info examples/
	rm -rf demo-out && $(BIN)/phenotk convert examples/ -o demo-out/ --to yaml
	@echo "demo: converted examples/ to demo-out/ (YAML)"

## test: install dev extra, then ruff, mypy, import-linter and pytest
test: $(STAMP) lint typecheck unit

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/lint-imports --no-cache

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest -n auto $(PYTEST_ARGS)

## bench: print benchmark numbers (needs ../shared/data)
bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache demo-out
