# Two entry points (see README): `make demo` and `make test`. Both create .venv from scratch if needed.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-dev

.PHONY: demo test lint typecheck unit readme bench notebooks clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e ".[dev]"
	touch $(STAMP)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	touch $(VENV)/.installed

## demo: install and run the main job on examples/: validate, fix, a sheet conversion and reports
HPO_FILE ?= $(firstword $(wildcard ../shared/data/hpo/hp.json))
HPO_ARG = $(if $(HPO_FILE),--hpo $(HPO_FILE),--no-hpo)
demo: $(VENV)/.installed
	rm -rf demo-out && mkdir -p demo-out
	$(BIN)/phenotk info examples/
	$(BIN)/phenotk validate examples/ $(HPO_ARG) --fail-on never
	$(BIN)/phenotk validate examples/ $(HPO_ARG) --fail-on never -q --format html -o demo-out/report.html
	$(BIN)/phenotk fix examples/ $(HPO_ARG) -o demo-out/fixed/ --fail-on never
	$(BIN)/phenotk convert examples/curation-sheet.csv --mapping mappings/generic-wide.yaml $(HPO_ARG) \
		-o demo-out/from-sheet/ --report demo-out/conversion.sarif --fail-on never
	$(BIN)/phenotk convert examples/ -o demo-out/yaml/ --to yaml -q
	@echo "demo: findings above; fixed copies in demo-out/fixed/, packets from the sheet in demo-out/from-sheet/"
	@echo "      (conversion findings: demo-out/conversion.sarif), HTML report demo-out/report.html, YAML in demo-out/yaml/"

## test: install dev extra, then ruff, mypy, import-linter, the README examples (plain install) and pytest
test: $(STAMP) lint typecheck readme unit

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/lint-imports --no-cache

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest -n auto $(PYTEST_ARGS)

## readme: run every README example from a fresh venv with a plain `pip install .` (no dev extra)
PLAIN ?= .venv-plain
readme:
	rm -rf $(PLAIN) && $(PY) -m venv $(PLAIN)
	$(PLAIN)/bin/python -m pip install -q --upgrade pip
	$(PLAIN)/bin/python -m pip install -q .
	$(PLAIN)/bin/python tests/readme_examples.py

## notebooks: execute notebooks/ in place (outputs kept; needs ../shared/data)
notebooks: $(STAMP)
	$(BIN)/python notebooks/execute.py

## bench: print benchmark numbers (needs ../shared/data)
bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) $(PLAIN) build dist .pytest_cache .mypy_cache .ruff_cache demo-out
