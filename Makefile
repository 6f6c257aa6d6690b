# tqp developer tasks. `make demo` and `make test` are all a newcomer needs.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

# torch is pinned and installed first: the CPU wheel comes from pip's configured find-links.
# Elsewhere, pass e.g. TORCH_PIP_ARGS="--index-url https://download.pytorch.org/whl/cpu"
# so that pip does not pull the CUDA build (gigabytes) from PyPI.
TORCH_VERSION ?= 2.13.0
TORCH_PIP_ARGS ?=

TEST_SF := 0.01
SF ?= 0.1
BENCH_ARGS ?=
# `make fuzz N=100000 SEED=7`: random queries checked by three oracles (tests/fuzz).
N ?= 10000
SEED ?= 0
FUZZ_ARGS ?=

.PHONY: venv data test test-ray demo bench fuzz clean distclean

venv: $(STAMP)

$(PY):
	$(PYTHON) -m venv $(VENV)

# Installs once; again only when pyproject.toml changes.
$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install $(TORCH_PIP_ARGS) "torch==$(TORCH_VERSION)"
	$(PY) -m pip install -e '.[test]'
	touch $(STAMP)

# Generate the test data before pytest starts: two xdist workers generating it at once would
# trample each other's temporary folder.
data: $(STAMP)
	$(PY) -c 'from bench.tpch.datagen import ensure_data; ensure_data($(TEST_SF))'

# -rs: every skipped test's reason is printed (no CUDA device, no ray extra, ...).
test: data
	$(PY) -m pytest -q -rs -n 2

# Only the Ray executor's tests (tests/distributed; `make test` runs them too, in one of its
# workers): one process, a local Ray instance of 2 CPUs.
test-ray: data
	$(PY) -m pytest -q -rs -n 0 tests/distributed

demo: $(STAMP)
	$(PY) -m bench.tpch --sf 1

bench: $(STAMP)
	$(PY) -m bench.tpch --sf $(SF) $(BENCH_ARGS)

# Prints counts by oracle; writes each failure, reduced, to fuzz-failures.sql.
fuzz: $(STAMP)
	$(PY) -m tests.fuzz --n $(N) --seed $(SEED) $(FUZZ_ARGS)

clean:
	rm -rf build dist *.egg-info .pytest_cache
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

# Also drops the virtual environment and the generated TPC-H data.
distclean: clean
	rm -rf $(VENV) data
