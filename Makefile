# Two commands on a fresh machine: `make site` and `make test` (see README).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: site serve test check bench bench-large clean browser

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	touch $(STAMP)

site: $(STAMP)
	$(BIN)/site-builder build -d site
	@echo ""
	@echo "网站已生成：$(CURDIR)/site/index.html"
	@echo "预览（自动刷新）：make serve，然后打开 http://127.0.0.1:8000/"

serve: $(STAMP)
	$(BIN)/site-builder serve

check: $(STAMP)
	$(BIN)/site-builder check

# Browser tests drive Debian's Chromium through Playwright (never `playwright install`, which
# downloads a browser of its own), with a Chinese font so screenshots show the text. Installed
# here when missing and we may (root, as on CI).
browser:
	@if { [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi wqy; } && [ "$$(id -u)" = 0 ]; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null; \
	fi

test: $(STAMP) browser
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python -m bench.run
	$(BIN)/python -m bench.images --sweep

bench-large: $(STAMP)
	$(BIN)/python -m bench.run --large

clean:
	rm -rf site .cache .bench
