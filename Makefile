# The two commands of the README: `make run` and `make test`.
# Both create the virtual environment on first use from the locks (exact versions, hashes
# checked): `make run` from requirements.txt (the runtime only), `make test` adds
# requirements-dev.txt (pytest, Playwright, ruff, mypy...). `make test` needs Debian's
# chromium, fonts-noto-cjk, poppler-utils, libreoffice-writer-nogui, nginx and libpango for some tests (.ci/run installs
# them; README "The two commands").
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
PORT ?= 8501
# Local mode (no CAMPAIGN_AUTH) has no login and makes everyone an admin, so `make run`
# listens on this machine only; `make run ADDRESS=0.0.0.0` serves the network on purpose.
ADDRESS ?= 127.0.0.1
# Pinned beside the dependencies in the locks; the lock tool itself is in requirements-dev.txt.
LOCK = echo "setuptools>=69" | $(VENV)/bin/uv pip compile pyproject.toml - --quiet \
	--generate-hashes --python-version 3.11 --custom-compile-command "make lock"

$(PY):
	@$(PYTHON) -m venv $(VENV) || { echo "make: '$(PYTHON) -m venv' failed: on Debian install python3-venv (apt-get install python3-venv)" >&2; rm -rf $(VENV); exit 1; }

# The runtime: the locked dependencies, then this project without its dependencies (they are
# all in the lock) and without build isolation (setuptools comes from the lock too).
$(VENV)/.runtime: requirements.txt pyproject.toml | $(PY)
	$(PY) -m pip install -q --require-hashes -r requirements.txt
	$(PY) -m pip install -q --no-deps --no-build-isolation -e .
	touch $@

$(VENV)/.dev: requirements-dev.txt $(VENV)/.runtime
	$(PY) -m pip install -q --require-hashes -r requirements-dev.txt
	touch $@

.PHONY: run test install lint typecheck typecheck-baseline lock bench
run: $(VENV)/.runtime
	$(PY) -m streamlit run dashboard.py --server.address $(ADDRESS) --server.port $(PORT)

test: $(VENV)/.dev
	$(PY) -m pytest -n 2 --dist loadgroup

# A production install (README "Deployment"): the runtime lock and the package, no tools.
install: requirements.txt pyproject.toml | $(PY)
	$(PY) -m pip install -q --require-hashes -r requirements.txt
	$(PY) -m pip install -q --no-deps --no-build-isolation .

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# mypy, failing only on errors that are not in the baseline (.ci/mypy-baseline.txt).
typecheck: $(VENV)/.dev
	$(PY) .ci/typecheck.py

# Rewrite the baseline with today's errors (after a merge that brings new code).
typecheck-baseline: $(VENV)/.dev
	$(PY) .ci/typecheck.py --write-baseline

# Re-resolve both locks from pyproject.toml (after adding or changing a dependency there);
# versions already in a lock are kept unless the new ranges exclude them.
lock: $(VENV)/.dev
	$(LOCK) -o requirements.txt
	$(LOCK) --extra dev -c requirements.txt -o requirements-dev.txt

bench: $(VENV)/.dev
	$(PY) benchmarks/run_all.py
