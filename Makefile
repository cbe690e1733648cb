# perfkit's two commands: `make demo` and `make test`. Each creates .venv and installs what it needs.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.perfkit-installed
PYTEST_ARGS ?=

.PHONY: install demo test lint bench clean

$(STAMP): pyproject.toml setup.py $(wildcard native/*.c native/*.h)
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/perfkit optimize examples/inventory --offline --out .perfkit
	$(VENV)/bin/perfkit dashboard .perfkit

test: $(STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check perfkit fuzzers optimizers tests benchmarks
	$(VENV)/bin/mypy perfkit
	$(VENV)/bin/mypy optimizers
	$(VENV)/bin/mypy fuzzers

bench: $(STAMP)
	$(PY) benchmarks/timing_loop.py
	$(PY) benchmarks/cost_counter.py
	$(PY) benchmarks/repeatability.py

clean:
	rm -rf $(VENV) build *.egg-info perfkit/*.so
