# Set-up lives here so that a fresh machine needs only `make run` or `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DEMO_CONFIG := resources/demo-config.toml

.PHONY: run test test-fast bench screenshots build lint check clean

$(STAMP): pyproject.toml tools/system-deps.sh
	bash tools/system-deps.sh
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/python main.py --windowed --config $(DEMO_CONFIG)

test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest

test-fast: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -m "not slow"

check: $(STAMP)
	$(BIN)/python main.py check --config $(DEMO_CONFIG)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache

bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m benchmarks

screenshots: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m benchmarks.screenshots docs/screenshots

build: $(STAMP)
	$(BIN)/pyinstaller --noconfirm --clean build.spec
	@du -sh dist/kiosk

clean:
	rm -rf build dist
