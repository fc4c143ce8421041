# Two commands set everything up on a fresh machine: `make plan` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: plan test verify verify-large bench bench-quick examples docs clean

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

plan: $(STAMP)  ## run the NATO example: reports/nato-<timestamp>.xlsx
	$(BIN)/planner run inputs/nato.xlsx

test: $(STAMP)  ## the default test suite (under 5 minutes on 2 cores)
	$(BIN)/pytest

verify: $(STAMP)  ## slower correctness checks
	$(BIN)/pytest -m verify

verify-large: $(STAMP)  ## OR-Library capa/capb/capc (hours with HiGHS: see docs/performance.md)
	$(BIN)/pytest -m orlib_large

bench: $(STAMP)  ## performance table at 10 k, 100 k, 1 M, 3 M variables against HiGHS alone (~90 min)
	$(BIN)/python benchmarks/bench.py --sizes small,medium,large,3m --time-limit 7200
	$(BIN)/python benchmarks/resolve.py
	$(BIN)/python benchmarks/examples.py
	$(BIN)/python benchmarks/lp_methods.py --time-limit 300
	$(BIN)/python benchmarks/targets.py

bench-quick: $(STAMP)  ## 10 k and 100 k, NATO re-solves and end to end, then the targets (~3 min)
	$(BIN)/python benchmarks/bench.py --sizes small,medium
	$(BIN)/python benchmarks/resolve.py --cases small,nato --variants 2 --changes "member out"
	$(BIN)/python benchmarks/examples.py --examples nato,anzus
	$(BIN)/python benchmarks/targets.py

examples: $(STAMP)  ## regenerate inputs/*.xlsx from the published data
	$(BIN)/python scripts/make_examples.py

docs: $(STAMP)  ## regenerate docs/inputs.md from the schema
	$(BIN)/python -m planner.docgen docs/inputs.md

clean:
	rm -rf $(VENV) .pytest_cache
