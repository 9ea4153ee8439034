# Set-up lives here so that a fresh machine needs only `make run` or `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DEMO_CONFIG := resources/demo-config.toml

CATALOGS := $(patsubst resources/locale/%.po,resources/locale/%/LC_MESSAGES/kiosk.mo,$(wildcard resources/locale/*.po))

.PHONY: run test test-fast bench screenshots build lint check clean messages

$(STAMP): pyproject.toml tools/system-deps.sh
	bash tools/system-deps.sh
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The translation catalogs, compiled with Babel; the kiosk reads them with stdlib gettext.
resources/locale/%/LC_MESSAGES/kiosk.mo: resources/locale/%.po | $(STAMP)
	$(BIN)/python -m kiosk.shell.catalogs

# After adding or changing interface strings: the template, merged into each .po.
messages: $(STAMP)
	$(BIN)/python -m kiosk.ops.translations

run: $(STAMP) $(CATALOGS)
	$(BIN)/python main.py --windowed --config $(DEMO_CONFIG)

test: $(STAMP) $(CATALOGS)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest

test-fast: $(STAMP) $(CATALOGS)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -m "not slow"

check: $(STAMP) $(CATALOGS)
	$(BIN)/python main.py check --config $(DEMO_CONFIG)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache

# The bench measures the bundle too: made again first when anything it is made from
# (benchmarks/bench_package.py's SOURCES) changed since, or its rows say "not measured".
BUNDLE := dist/kiosk/kiosk
PYINSTALLER := $(BIN)/pyinstaller --noconfirm --clean build.spec
BUNDLE_SOURCES := main.py build.spec $(shell find kiosk resources -type f ! -path '*/__pycache__/*' 2>/dev/null)

bench: $(STAMP) $(CATALOGS) $(BUNDLE)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m benchmarks

$(BUNDLE): $(STAMP) $(CATALOGS) $(BUNDLE_SOURCES)
	$(PYINSTALLER)
	touch $@

screenshots: $(STAMP) $(CATALOGS)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m benchmarks.screenshots docs/screenshots

build: $(STAMP) $(CATALOGS)
	$(PYINSTALLER)
	@du -sh dist/kiosk

clean:
	rm -rf build dist
