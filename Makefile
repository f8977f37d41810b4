# gba-dataflow developer commands. Needs only Python 3.11+ and make.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck rules unit docs bench fuzz clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

DEMO := examples/manifests/shenzhen-bank-gba-contract-to-hk.yaml examples/manifests/important-data-refused.yaml

## demo: install, then check two bundled example manifests (one allowed, one denied)
demo: $(STAMP)
	@$(BIN)/gba-dataflow check $(DEMO); status=$$?; \
	echo "exit code $$status (0: every manifest allowed, 1: at least one denied, 2: an input error)"; \
	[ $$status -le 1 ]

## test: install, then lint, type-check, check the shipped rules and run the whole test suite
test: $(STAMP) lint typecheck rules unit

lint: $(STAMP)
	$(BIN)/ruff check gba_dataflow tests benchmarks
	$(BIN)/ruff format --check gba_dataflow tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

## rules: the shipped ruleset is checked (strict), formatted and tested with full rule coverage
rules: $(STAMP)
	$(BIN)/gba-dataflow rules check --strict rules
	$(BIN)/gba-dataflow rules fmt --check rules
	$(BIN)/gba-dataflow rules test rules --coverage --threshold 100
	$(BIN)/python docs/gen_rules_md.py --check

unit: $(STAMP)
	$(BIN)/pytest -q

## fuzz: fuzz manifest bytes, rule text and command lines for FUZZ_SECONDS (default 60; docs/security.md)
fuzz: $(STAMP)
	FUZZ_SECONDS=$${FUZZ_SECONDS:-60} $(BIN)/python tests/security/fuzz.py

## docs: regenerate docs/rules.md from the shipped rules
docs: $(STAMP)
	$(BIN)/python docs/gen_rules_md.py

## bench: measure the targets of design §9 (installs the optional peers cedarpy and regopy)
bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python benchmarks/run_all.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache
