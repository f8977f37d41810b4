# gba-dataflow developer commands. Needs only Python 3.11+ and make.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck unit docs bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## demo: install and check a bundled example manifest
demo: $(STAMP)
	-$(BIN)/gba-dataflow check examples/manifests/shenzhen-bank-gba-contract-to-hk.yaml
	-$(BIN)/gba-dataflow check examples/manifests/important-data-refused.yaml

## test: install, then lint, type-check and run the whole test suite
test: $(STAMP) lint typecheck unit

lint: $(STAMP)
	$(BIN)/ruff check gba_dataflow tests benchmarks
	$(BIN)/ruff format --check gba_dataflow tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest -q

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache
