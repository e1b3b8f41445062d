# Two commands set everything up on a fresh machine: `make generate` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: generate check lint test test-compiled wheel-compiled fuzz bench mutation clean

$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

generate: $(STAMP)
	$(VENV)/bin/ocigen generate

check: $(STAMP)
	$(VENV)/bin/ocigen check

lint: $(STAMP)
	$(VENV)/bin/ocigen lint

test: $(STAMP)
	$(PY) -m pytest -q

# The optional mypyc build of generated/oci_spec (docs/packaging.md): a platform
# wheel in dist/, and the output, fuzz and differential suites run against it.
# Built once per content of generated/ under .cache/compiled/ (a few minutes).
wheel-compiled: $(STAMP)
	$(PY) tools/compiled.py wheel dist

test-compiled: $(STAMP)
	$(PY) tools/compiled.py test

# The hostile-input suites at 50x the examples `make test` runs (5-10 minutes);
# prints how many inputs were tried.  FUZZ_EXAMPLES=n to change the size.
FUZZ_EXAMPLES ?= 7500
fuzz: $(STAMP)
	OCIGEN_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(PY) -m pytest -q tests/fuzz

# Bench-only dependencies go into the same venv, constrained by requirements.txt
# so that no pin of the generator or the tests moves; see docs/benchmarks.md.
bench: $(STAMP)
	$(PY) -m pip install --quiet -c requirements.txt -r requirements-bench.txt
	$(PY) bench/run.py

# Mutation testing with cosmic-ray over the runtime and strict helpers and the
# binder and renderer (docs/testing.md); resumes where it stopped.  Not part of
# `make test`.  MUTATION_TARGETS=runtime (or strict, bind, types, lint, render)
# for some only; MUTATION_ARGS="--sample 40" for every k-th mutant.
MUTATION_TARGETS ?=
MUTATION_ARGS ?=
mutation: $(STAMP)
	$(PY) -m pip install --quiet -c requirements.txt -r requirements-mutation.txt
	$(PY) tests/mutation/run.py $(MUTATION_ARGS) $(MUTATION_TARGETS)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .hypothesis
