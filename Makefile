.PHONY: install run test lint format bench openapi lock build deploy clean operator web

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

install: $(STAMP)

# The web console (web/): `npm ci` only when the lock file changes, a build only when its sources do.
WEB_DEPS := web/node_modules/.installed
WEB_BUILT := web/dist/.built
WEB_SOURCES := $(shell find web/src web/index.html web/vite.config.ts web/tsconfig.json -type f \
	-not -name schema.d.ts 2>/dev/null) functions/platform/platform_api/openapi.json
# Browser tests drive Debian's Chromium (Playwright's own browser download is not used).
CHROMIUM := /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

$(WEB_DEPS): web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund
	touch $@

$(WEB_BUILT): $(WEB_DEPS) $(WEB_SOURCES)
	cd web && npm run build
	touch $@

## Build the web console into web/dist (served by `make run` at /).
web: $(WEB_BUILT)

$(CHROMIUM):
	$(SUDO) apt-get update -q
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q --no-install-recommends chromium

## Serve the whole API on http://127.0.0.1:$(PORT) with embedded AWS (moto).
run: $(STAMP) $(WEB_BUILT)
	$(BIN)/python -m local --port $(PORT) --console-links

## Make a login one of the vendor's operators: the local stack's, or a deployed stack's with STACK=<name>.
operator: $(STAMP)
	@test -n "$(EMAIL)" || { echo "usage: make operator EMAIL=someone@example.com [STACK=name REGION=eu-central-1]"; exit 2; }
	$(BIN)/python -m ops.operator --email "$(EMAIL)" --api http://127.0.0.1:$(PORT) \
		$(if $(STACK),--stack "$(STACK)") $(if $(REGION),--region "$(REGION)")

## Lint, then every test (unit, integration, end-to-end, browser).
test: lint $(WEB_BUILT) $(CHROMIUM)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/cfn-lint template.yaml web/hosting.yaml

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
	rm -rf $(VENV) $(SAM_VENV) .aws-sam .pytest_cache .ruff_cache web/node_modules web/dist
