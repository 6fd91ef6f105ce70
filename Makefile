# nora-archive: every entry point a person or CI uses. `make help` lists them.
PYTHON   ?= python3
VENV     ?= .venv
PY       := $(VENV)/bin/python
NORA     := $(VENV)/bin/nora
DATA     ?= data
SITE     ?= https://www.noraonline.nl
WIKI_DIR ?= /tmp/nora-testwiki
WIKI_PORT ?= 8089
WIKI_PAGES ?= 300
export WIKI_DIR WIKI_PORT WIKI_PAGES

.PHONY: help install test test-fast prerequisites check lint typecheck golden bench bench-parse bench-floor bench-export \
        bench-crawl bench-smw bench-checks bench-archive bench-report bench-regex soak crawl demo \
        parse-fixtures wiki-up wiki-down clean

help:
	@grep -E '^[a-z-]+:.*## ' Makefile | sed 's/:.*## /\t/'

$(VENV)/.installed: pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed ## create .venv with the package and its dev tools

test: prerequisites install ## the whole test suite, the loopback test wiki included
	$(PY) -m pytest

# no wiki, no browser, no spreadsheet, nothing slow (markers set in tests/conftest.py),
# on two workers; under a minute on two cores
FAST_MARKERS := not wiki and not browser and not spreadsheet and not slow
test-fast: install ## the quick tier: unit tests without wiki, browser, spreadsheet or slow ones
	$(PY) -m pytest -n 2 -m "$(FAST_MARKERS)"

prerequisites: ## the system packages the tests need: installed as root, else the command to run
	bash tests/prerequisites.sh

check: lint typecheck ## ruff and mypy

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: install
	$(VENV)/bin/mypy

golden: install ## rewrite fixtures/*.json from parse_page (review the diff)
	$(PY) -m tests.golden

bench: bench-parse bench-floor bench-export bench-crawl bench-smw bench-checks bench-archive bench-report bench-regex ## every benchmark, side by side

bench-parse: install ## parse_page vs bare lxml vs BeautifulSoup over the fixtures
	$(PY) -m benchmarks.bench_parse

bench-floor: install ## what any lxml-based parse of the four tables must pay, beside lxml and parse_page
	$(PY) -m benchmarks.parse_floor

bench-export: install ## snapshot export of 100,000 synthetic pages vs bare pyarrow
	$(PY) -m benchmarks.bench_export

bench-crawl: install ## crawl requests/time on the test wiki vs wikiteam3, peak memory
	$(PY) -m benchmarks.bench_crawl

bench-smw: install ## SMW's data for N pages: browsebysubject vs batched ask vs Special:ExportRDF
	$(PY) -m benchmarks.bench_smw

bench-checks: install ## the checks' summary: unmodified wiki, a deliberate break, a stale wiki
	$(PY) -m benchmarks.bench_checks

bench-archive: install ## nora export from an archive vs nora parse, memory, verify time
	$(PY) -m benchmarks.bench_archive

bench-report: install ## nora report on 2,000 and 20,000 synthetic pages (goal under 10 s)
	$(PY) -m benchmarks.bench_report

SOAK_NIGHTS ?= 12
SOAK_SEED ?= 18
soak: install ## nightly incremental crawls vs a full crawl, SOAK_NIGHTS nights of random edits (goal: 0 differences)
	$(PY) -m tests.wiki.soak --nights $(SOAK_NIGHTS) --seed $(SOAK_SEED)

bench-regex: install ## every regular expression of output/ and scraper/ on hostile input, n vs 4n
	$(PY) -m benchmarks.bench_regex

# exit 1 is expected here: the damaged-* fixtures carry parse warnings on purpose
parse-fixtures: install ## parse the bundled fixtures into $(DATA)/fixtures-snapshot
	$(NORA) parse fixtures --out $(DATA)/fixtures-snapshot --force || [ $$? -eq 1 ]

crawl: install ## the real, polite crawl of NORA Online into $(DATA)
	$(NORA) crawl --site $(SITE) --data $(DATA)

demo: install ## the whole pipeline offline: test wiki, crawl, export, verify, diff
	$(PY) -m tests.wiki.demo

wiki-up: ## start the loopback MediaWiki test wiki (WIKI_PAGES=N), print its URL
	bash tests/wiki/testwiki.sh up

wiki-down: ## stop the test wiki
	bash tests/wiki/testwiki.sh down

clean:
	rm -rf .pytest_cache .mypy_cache .ruff_cache build dist *.egg-info
