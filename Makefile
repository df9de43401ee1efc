# Two commands on a fresh machine: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
NODE_STAMP := node_modules/.installed-stamp
VENDOR := static/vendor
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 3
# Threads per worker: /healthz and pages answer while a worker draws a PDF (one at a time).
THREADS ?= 4
APT_GET := DEBIAN_FRONTEND=noninteractive apt-get

.PHONY: install system-packages test-system-packages node-packages messages translations run serve test test-browser lint format bench load lighthouse backup restore clean

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet ".[dev]"
	touch $(STAMP)

## system-packages: what serving needs from Debian, only when missing: gettext (compilemessages)
## and npm (the NL Design System assets). Without apt-get it names what to install instead.
system-packages:
	@missing=""; \
	command -v msgfmt >/dev/null || missing="$$missing gettext"; \
	command -v npm >/dev/null || missing="$$missing npm"; \
	case "$$DATABASE_URL" in postgres*) \
	  command -v pg_dump >/dev/null || missing="$$missing postgresql-client";; esac; \
	if [ -n "$$missing" ]; then \
	  command -v apt-get >/dev/null || { echo "missing:$$missing (install them with your package manager, see README: Snel beginnen)"; exit 1; }; \
	  echo "installing Debian packages:$$missing"; \
	  $(APT_GET) update -qq && $(APT_GET) install -y -qq $$missing; \
	fi

# NL Design System (Rijkshuisstijl community) tokens, its font, and for the tests and benchmarks
# axe-core, the Nu Html Checker (vnu-jar) and Lighthouse, from the npm registry.
# --ignore-scripts: no package needs one, and vnu-jar's would fetch a Java runtime from outside
# (Java comes from Debian: test-system-packages).
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error --ignore-scripts
	touch $(NODE_STAMP)

## node-packages: npm packages, and the CSS the site serves copied into static/vendor/ (of the
## design tokens only those the site uses: see toeslagen_vm/design_tokens.py); the fonts also
## unpacked to TrueType for the PDF (WeasyPrint would unpack WOFF2 for every PDF)
node-packages: system-packages $(NODE_STAMP) $(STAMP)
	@mkdir -p $(VENDOR)/rijkshuisstijl
	@$(PY) -m toeslagen_vm.design_tokens \
	  node_modules/@rijkshuisstijl-community/design-tokens/dist/index.css \
	  $(VENDOR)/rijkshuisstijl/design-tokens.css
	@cp node_modules/@rijkshuisstijl-community/design-tokens/LICENSE.md \
	  $(VENDOR)/rijkshuisstijl/LICENSE.md
	@mkdir -p $(VENDOR)/fira-sans
	@cp node_modules/@fontsource/fira-sans/files/fira-sans-latin*-[47]00-*.woff2 \
	  node_modules/@fontsource/fira-sans/LICENSE $(VENDOR)/fira-sans/
	@$(PY) -c 'import sys; from fontTools.ttLib import woff2; \
	  [woff2.decompress(f, f[:-len("woff2")] + "ttf") for f in sys.argv[1:]]' \
	  $(VENDOR)/fira-sans/*.woff2

## messages: compile the committed .po files
messages: $(STAMP) system-packages
	@$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules -v 0

## translations: collect new strings into locale/{nl,en}/LC_MESSAGES/django.po (then translate en);
## file names without line numbers, so the catalogues do not churn on every edit
translations: $(STAMP) system-packages
	$(PY) manage.py makemessages -l nl -l en --no-obsolete --add-location file \
	  --ignore=.venv --ignore=node_modules --ignore=tmp --ignore=staticfiles --ignore=bench

## install: the idempotent install step both `run` and `test` use
install: $(STAMP) system-packages node-packages messages

## run: migrate the SQLite database, load the seed once, create a local admin, serve
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_bijlage
	$(PY) manage.py ensure_local_admin --address $(HOST):$(PORT)
	DJANGO_DEBUG=true $(PY) manage.py runserver $(HOST):$(PORT)

## serve: production settings under gunicorn, static files by whitenoise (needs DJANGO_SECRET_KEY)
serve: install
	@test -n "$$DJANGO_SECRET_KEY" || { echo "DJANGO_SECRET_KEY is not set (see README: Productie)"; exit 2; }
	DJANGO_PRODUCTION=true $(PY) manage.py collectstatic --noinput -v 0
	DJANGO_PRODUCTION=true $(PY) manage.py migrate --noinput
	DJANGO_PRODUCTION=true $(PY) manage.py seed_bijlage
	DJANGO_PRODUCTION=true $(VENV)/bin/gunicorn toeslagen_vm.wsgi:application \
	  --bind $(HOST):$(PORT) --workers $(WORKERS) --threads $(THREADS) --access-logfile - --forwarded-allow-ips "$${FORWARDED_ALLOW_IPS:-127.0.0.1}"

## test-system-packages: for the tests only, installed only when missing: Debian's Chromium
## (browser tests), an emoji font (emoji in the browser tests and the PDF test), LibreOffice
## Writer (headless, no GUI) to open the DOCX and ODT exports as a real client, poppler's
## pdftotext, and Java for the Nu Html Checker
test-system-packages:
	@missing=""; \
	test -x /usr/bin/chromium || missing="$$missing chromium"; \
	fc-list 2>/dev/null | grep -q "Noto Color Emoji" || missing="$$missing fonts-noto-color-emoji"; \
	command -v soffice >/dev/null || missing="$$missing libreoffice-writer-nogui"; \
	command -v pdftotext >/dev/null || missing="$$missing poppler-utils"; \
	case "$$DATABASE_URL" in postgres*) \
	  command -v pg_dump >/dev/null || missing="$$missing postgresql-client";; esac; \
	command -v java >/dev/null || missing="$$missing default-jre-headless"; \
	if [ -n "$$missing" ]; then \
	  command -v apt-get >/dev/null || { echo "missing for the tests:$$missing (see README: Snel beginnen)"; exit 1; }; \
	  echo "installing Debian packages for the tests:$$missing"; \
	  $(APT_GET) update -qq && $(APT_GET) install -y -qq --no-install-recommends $$missing; \
	fi

## test: the whole suite, browser and accessibility tests included, one test process per CPU
## (pytest-xdist; a file's tests stay together in one process). TEST_PROCESSES=0: one process.
TEST_PROCESSES ?= auto
test: install test-system-packages
	$(PY) -m pytest -n $(TEST_PROCESSES) --dist loadfile

## bench: medians of the overview, its sources, the exports, the documents and the tables2 lists
## (register, Mijn rijen); throwaway SQLite unless DATABASE_URL
bench: install
	$(PY) bench/bench.py
	$(PY) bench/register_bench.py
	$(PY) bench/bench_documents.py

## lighthouse: Lighthouse's four scores of /, /dashboard/ and /rapportages/, mobile and desktop,
## against gunicorn on 127.0.0.1 with Debian's Chromium (a benchmark, not a test)
lighthouse: install
	$(PY) bench/lighthouse.py

## test-browser: only the browser and accessibility tests
test-browser: install test-system-packages
	$(PY) -m pytest tests/browser

## load: a bounded load test of the overview and the exports under gunicorn on 127.0.0.1
load: install
	$(PY) bench/load.py

## backup: a consistent copy of the database DATABASE_URL names (pg_dump for PostgreSQL, SQLite's
## backup API for SQLite) into BACKUP=<file>, by default backups/toeslagen-vm-<time>
backup: $(STAMP) system-packages
	$(PY) manage.py backup $(BACKUP)

## restore: put BACKUP=<file> back into an empty database (REPLACE=1: replace everything in it),
## then apply the migrations newer than the backup
restore: $(STAMP) system-packages
	@test -n "$(BACKUP)" || { echo "Welke backup? make restore BACKUP=backups/<bestand>"; exit 2; }
	$(PY) manage.py restore "$(BACKUP)" $(if $(REPLACE),--replace)
	$(PY) manage.py migrate --noinput

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache node_modules $(VENDOR)
