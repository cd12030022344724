# The two set-up commands: `make preview` and `make test`. Both create .venv on first use,
# installing exactly the versions (and hashes) of requirements.lock, then the project itself.
# After editing dependencies in pyproject.toml: `make lock` (keeps the other pins; add
# UPGRADE=--upgrade to move every pin to the newest release pyproject.toml allows), commit both.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: preview test lint bench graph clean lock

# The lock already holds every dependency and setuptools: the project itself adds nothing unlocked.
$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes -r requirements.lock
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

preview: $(STAMP)
	$(PY) -m skyfleet preview --all --out out

test: $(STAMP)
	$(PY) -m pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

bench: $(STAMP)
	$(PY) -m benchmarks

graph: $(STAMP)
	$(PY) -m skyfleet graph --stack aws-dev --out out

# uv resolves for every platform and Python >= 3.11 at once (--universal) and records hashes.
lock: $(STAMP)
	$(PY) -m pip install --quiet 'uv>=0.5,<1'
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev --universal --python-version 3.11 \
	  --generate-hashes --custom-compile-command 'make lock' $(UPGRADE) -o requirements.lock

clean:
	rm -rf out bench-out
