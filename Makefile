# Two entry points (see README): `make demo` and `make test`. Both create .venv from scratch if needed.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-dev

.PHONY: demo test lint typecheck unit bench notebooks clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e ".[dev]"
	touch $(STAMP)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	touch $(VENV)/.installed

## demo: install and run the main job (validate + reports + convert) on examples/
HPO_FILE ?= $(firstword $(wildcard ../shared/data/hpo/hp.json))
demo: $(VENV)/.installed
	rm -rf demo-out && mkdir -p demo-out
	$(BIN)/phenotk info examples/
	$(BIN)/phenotk validate examples/ $(if $(HPO_FILE),--hpo $(HPO_FILE),--no-hpo) --fail-on never
	$(BIN)/phenotk validate examples/ $(if $(HPO_FILE),--hpo $(HPO_FILE),--no-hpo) --fail-on never -q \
		--format html -o demo-out/report.html
	$(BIN)/phenotk convert examples/ -o demo-out/yaml/ --to yaml
	@echo "demo: findings above; HTML report in demo-out/report.html, YAML copies in demo-out/yaml/"

## test: install dev extra, then ruff, mypy, import-linter and pytest
test: $(STAMP) lint typecheck unit

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/lint-imports --no-cache

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest -n auto $(PYTEST_ARGS)

## notebooks: execute notebooks/ in place (outputs kept; needs ../shared/data)
notebooks: $(STAMP)
	$(BIN)/python notebooks/execute.py

## bench: print benchmark numbers (needs ../shared/data)
bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache demo-out
