# Two commands do all the set-up (see README): `make demo` and `make test`; `make serve` runs the web app.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: demo serve test lint bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip setuptools  # the venv's own setuptools 65 has advisories
	$(PY) -m pip install --quiet -e ".[dev,web,markers,batch,ray]"
	touch $@

demo: $(VENV)/.installed  ## install, then analyse the bundled demo clip into results/
	$(VENV)/bin/stridelens demo

serve: $(VENV)/.installed  ## install, then run the web app on http://127.0.0.1:8000/ (SERVE_ARGS="--port 8080 ...")
	$(VENV)/bin/stridelens serve $(SERVE_ARGS)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check src tests $(wildcard bench)

test: lint  ## install, lint, then run the whole test suite (pytest exit 5 = no tests = failure)
	$(PY) -m pytest

bench: $(VENV)/.installed
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) results .pytest_cache .ruff_cache
