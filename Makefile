.PHONY: install run test lint format bench openapi lock build deploy clean

PORT ?= 3000
# Lambda runs python3.13: develop on the same minor version when the machine has it.
PYTHON ?= $(shell for p in python3.13 $(wildcard $(HOME)/.pyenv/versions/3.13*/bin/python3.13) python3; do \
	$$p -c 'import sys' >/dev/null 2>&1 && { echo $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SAM_VENV := .venv-sam

$(STAMP): requirements/dev.txt requirements/constraints.txt layers/common/requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check \
		-r requirements/dev.txt -c requirements/constraints.txt
	touch $@

# The SAM CLI's environment too: the tests translate the template with its aws-sam-translator.
install: $(STAMP) $(SAM_VENV)/.installed

## Serve the whole API on http://127.0.0.1:$(PORT) with embedded AWS (moto).
run: $(STAMP)
	$(BIN)/python -m local --port $(PORT)

## Lint, then every test (unit, integration, end-to-end).
test: lint $(SAM_VENV)/.installed
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/cfn-lint template.yaml

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## Cold-start benchmark: handler imports against a bare `import boto3`.
bench: $(STAMP)
	$(BIN)/python -m bench

.PHONY: bench-export
## Backup export of a 50,000-item tenant: time against a bare Query, peak memory at 5k and 50k items.
bench-export: $(STAMP)
	$(BIN)/python -m bench.export

## Regenerate the merged OpenAPI document the platform function serves.
openapi: $(STAMP)
	$(BIN)/python -m local.openapi

## Re-pin every transitive dependency after changing a requirements file.
lock:
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements/dev.txt
	$(BIN)/pip freeze --exclude-editable > requirements/constraints.txt
	touch $(STAMP)
	rm -rf $(SAM_VENV)
	$(PYTHON) -m venv $(SAM_VENV)
	$(SAM_VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements/sam.txt
	$(SAM_VENV)/bin/pip freeze --exclude-editable > requirements/sam-constraints.txt
	touch $(SAM_VENV)/.installed

# The SAM CLI pins its own boto3 and pydantic, so it lives in a virtual environment of its own.
$(SAM_VENV)/.installed: requirements/sam.txt requirements/sam-constraints.txt
	$(PYTHON) -m venv $(SAM_VENV)
	$(SAM_VENV)/bin/pip install --quiet --disable-pip-version-check \
		-r requirements/sam.txt -c requirements/sam-constraints.txt
	touch $@

# `sam build` finds the runtime's interpreter on PATH (no container needed).
build: $(SAM_VENV)/.installed
	PATH="$(abspath $(dir $(shell command -v $(PYTHON)))):$$PATH" $(SAM_VENV)/bin/sam build

deploy: build
	$(SAM_VENV)/bin/sam deploy --guided

clean:
	rm -rf $(VENV) $(SAM_VENV) .aws-sam .pytest_cache .ruff_cache
