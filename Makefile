# Two commands set everything up on a fresh machine: `make generate` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: generate check lint test fuzz bench clean

$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e ..
	touch $(STAMP)

generate: $(STAMP)
	$(VENV)/bin/ocigen generate

check: $(STAMP)
	$(VENV)/bin/ocigen check

lint: $(STAMP)
	$(VENV)/bin/ocigen lint

test: $(STAMP)
	$(PY) -m pytest -q

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .hypothesis
