# Two commands do all the set-up (see README): `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: demo test lint bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

demo: $(VENV)/.installed  ## install, then analyse the bundled demo clip into results/
	$(VENV)/bin/stridelens demo

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check src tests $(wildcard bench)

test: lint  ## install, lint, then run the whole test suite (pytest exit 5 = no tests = failure)
	$(PY) -m pytest

bench: $(VENV)/.installed
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) results .pytest_cache .ruff_cache
