# Two commands do everything on a fresh machine with Python 3.11+ and make:
#   make book   build the HTML book (sets up .venv on first use)
#   make test   run every test (unit tests, notebooks with nbval strict, browser tests)
.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.txt pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: help book pdf test lab bench validate execute clean

help: ## list the targets
	@echo "Usage: make <target>"
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

$(STAMP): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Python 3.11 or newer is needed (found $$($(PYTHON) --version))"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	rm -f $(VENV)/.installed-*
	touch $@

book: $(STAMP) ## build both editions: English in _build/html, Dutch in _build/html/nl (re-runs only what changed)
	$(BIN)/python -m dvbook build

pdf: book ## print both editions to _build/pdf/dvregions-{en,nl}.pdf (needs Chromium) and link them from the home pages
	$(BIN)/python -m dvbook pdf _build/html _build/html/nl

test: $(STAMP) ## run every test: lint, unit tests, notebooks (pytest --nbval, strict) and the built book in headless Chromium
	$(BIN)/ruff check .
	@# The library never imports the book machinery; no import cycles (contracts in pyproject.toml).
	$(BIN)/lint-imports
	@# Stored outputs must match their inputs: a stale notebook means `make book` was not run after a change.
	$(BIN)/python -m dvbook build --check
	$(BIN)/python -m dvbook build
	@# One worker per core; conftest.py says which tests share a worker (a notebook's cells share one kernel).
	$(BIN)/python -m pytest -n auto --nbval tests notebooks

lab: $(STAMP) ## open the notebooks in JupyterLab
	$(BIN)/jupyter lab notebooks

validate: $(STAMP) ## check the data folder (python -m dvregions validate data/)
	$(BIN)/python -m dvregions validate data

execute: $(STAMP) ## re-execute stale notebooks and store their outputs, without building the book
	$(BIN)/python -m dvbook build --no-book

bench: $(STAMP) ## run the benchmarks and print a table of medians and ratios
	$(BIN)/python benchmarks/run.py

clean: ## remove the built book and test artefacts (keeps .venv)
	rm -rf _build artifacts
