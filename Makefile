# Närvaro — `make run` serves the app, `make test` runs the whole suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 5000
FLASK  := $(BIN)/flask --app webapp

.PHONY: run test fuzz install install-test translations db lint bench clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Reinstall only when pyproject.toml changes, so a second `make run` starts in seconds.
$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --quiet -e .
	touch $@

# npm brings the Nu Html Checker (vnu-jar) for tests/browser/test_html_valid.py and the OpenID
# Provider (oidc-provider) for the sign-in tests (tests/support/oidc.py); without npm they skip.
$(VENV)/.installed-test: pyproject.toml package.json $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test]'
	if command -v npm >/dev/null 2>&1; then npm install --no-audit --no-fund --silent \
	  || echo "npm install failed: the HTML validity and OpenID tests will skip"; \
	else echo "npm not found: the HTML validity and OpenID tests will skip"; fi
	touch $@

install: $(VENV)/.installed translations
install-test: $(VENV)/.installed-test translations

translations: $(VENV)/.installed
	$(BIN)/pybabel compile --statistics -d translations

# Create or upgrade the schema, then load calendars/ (never overwrites staff edits).
db: install
	$(FLASK) db upgrade
	$(FLASK) load-calendars

run: db
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

# pytest-xdist workers (`make test PYTEST_WORKERS=0` runs serially); each has a database, a
# Redis number and temporary folders of its own (tests/support/workers.py).
PYTEST_WORKERS ?= auto

test: install-test
	$(BIN)/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

# The Hypothesis fuzzers and schemathesis with ten times the suite's examples (tests/support/fuzz.py).
fuzz: install-test
	FUZZ_DEPTH=10 $(BIN)/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS) tests/test_*fuzz*.py tests/test_staff_forms.py \
	  tests/test_api_schemathesis.py

lint: install-test
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

bench: install-test
	$(BIN)/python bench/serve_bench.py

clean:
	rm -rf $(VENV) instance/*.db* .pytest_cache
