# The two commands of the README: `make run` and `make test`.
# Both create the virtual environment on first use; `make test` needs Debian's
# chromium and fonts-noto-cjk for the browser tests (.ci/run installs them).
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
PORT ?= 8501
# Local mode (no CAMPAIGN_AUTH) has no login and makes everyone an admin, so `make run`
# listens on this machine only; `make run ADDRESS=0.0.0.0` serves the network on purpose.
ADDRESS ?= 127.0.0.1

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	touch $@

.PHONY: run test lint bench
run: $(VENV)/.installed
	$(PY) -m streamlit run dashboard.py --server.address $(ADDRESS) --server.port $(PORT)

test: $(VENV)/.installed
	$(PY) -m pytest -n 2 --dist loadgroup

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .

bench: $(VENV)/.installed
	$(PY) benchmarks/run_all.py
