# One target per job. Every target creates the virtualenv and installs the project first
# (editable: the build hook generates src/econtract_async/crm.py, product.py and _generated/
# from schema/).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
# Reinstall (and so regenerate) whenever the project definition, schema or generator changes.
INPUTS := pyproject.toml $(shell find schema codegen -type f -not -path '*/__pycache__/*' 2>/dev/null)

.PHONY: install test check regen regen-golden demo docs bench bench-smoke clean

$(STAMP): $(INPUTS)
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev,docs,bench]"
	@touch $(STAMP)

install: $(STAMP)

test: install  ## every test: unit, codegen, sandbox integration, bulk, CLI, docs examples, bench smoke
	$(PY) -m pytest -q

check: install  ## format, lint, strict typing, and generated code up to date
	$(PY) -m ruff format --check .
	$(PY) -m ruff check .
	$(PY) -m mypy --strict src codegen tests/typing docs/_hooks docs/examples
	$(PY) -m codegen --check

regen: install  ## regenerate src/econtract_async/crm.py, product.py and _generated/ from schema/
	$(PY) -m codegen

GOLDEN := tests/codegen/golden
regen-golden: install  ## rewrite the golden test's expected module from its fixture schema (review the diff)
	$(PY) -m codegen --schema $(GOLDEN)/schema --emit crm.py > $(GOLDEN)/golden.py.expected

demo: install  ## the main job: bulk-import examples/leads.csv into the embedded sandbox, then resume
	$(PY) examples/demo.py

docs: install  ## build the documentation site (strict: any warning fails)
	NO_MKDOCS_2_WARNING=1 $(PY) -m mkdocs build --strict --site-dir site

bench: install  ## speed tables; writes docs/benchmarks.md (~10 min on 2 cores)
	$(PY) -m bench

bench-smoke: install  ## every benchmark at tiny sizes, as the test suite runs them
	$(PY) -m bench --smoke --out "$${TMPDIR:-/tmp}/benchmarks-smoke.md"

clean:
	rm -rf $(VENV) site src/econtract_async/_generated src/econtract_async/crm.py \
		src/econtract_async/product.py .mypy_cache .ruff_cache .pytest_cache
