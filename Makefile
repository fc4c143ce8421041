# Two commands set everything up on a fresh machine: `make plan` and `make test`.
# Both install exactly the versions in requirements.lock (`make lock` refreshes it;
# `make test-latest` runs the suite against the newest releases instead).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
LOCK   := requirements.lock
LATEST := .venv-latest
TOOLS  := .venv-tools
TEST_WORKERS ?= 2  # pytest-xdist processes for `make test` (1: run serially)

.PHONY: plan test test-latest lock verify verify-large bench bench-quick examples docs clean

$(STAMP): pyproject.toml $(LOCK)
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --no-deps -r $(LOCK)
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/pip check
	touch $(STAMP)

plan: $(STAMP)  ## run the NATO example: reports/nato-<timestamp>.xlsx
	$(BIN)/planner run inputs/nato.xlsx

test: $(STAMP)  ## the default test suite on both cores, a test file per worker (under 4 minutes on 2 cores)
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile

test-latest:  ## the suite against the newest releases of every dependency (not the lock)
	rm -rf $(LATEST)
	$(PYTHON) -m venv $(LATEST)
	$(LATEST)/bin/pip install --quiet --upgrade pip
	$(LATEST)/bin/pip install --quiet --upgrade --upgrade-strategy eager -e '.[test]'
	@echo "Newest releases that differ from $(LOCK) (< locked, > newest):"
	@grep -v '^ *#' $(LOCK) | tr 'A-Z_' 'a-z-' | sort > $(LATEST)/locked.txt
	@$(LATEST)/bin/pip freeze --all --exclude-editable | grep -v '^pip==' | tr 'A-Z_' 'a-z-' | sort \
	  | diff $(LATEST)/locked.txt - | grep '^[<>]' || echo "  none"
	$(LATEST)/bin/pytest -n $(TEST_WORKERS) --dist loadfile

lock:  ## pin every package (transitive ones and the build backend) to its newest release: requirements.lock
	test -d $(TOOLS) || $(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --upgrade uv
	printf 'setuptools>=68\n' | $(TOOLS)/bin/uv pip compile pyproject.toml - --extra test \
	  --python-version 3.11 --no-header --upgrade --output-file $(LOCK) --quiet
	sed -i '1i # Every package the planner and its tests install, pinned: `make lock` writes it (uv pip compile),\n# `make test-latest` runs the suite against the newest releases. Do not edit by hand.' $(LOCK)

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
	rm -rf $(VENV) $(LATEST) $(TOOLS) .pytest_cache
