# dtbd — the two commands a newcomer runs: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
DEMO_STAFF ?= 3000
# pytest-xdist workers of `make test` (auto: one per core).
TEST_WORKERS ?= auto

.PHONY: run test install install-test chromium libreoffice pdf-libs redis demo-logins clean

# dtbd is in production mode unless told otherwise (README "Security"): the embedded server and the tests are not.
run test: export DTBD_PRODUCTION = 0

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(BIN)/pip install -q -e '.[test]'
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

run: install pdf-libs
	$(BIN)/dtbd migrate --noinput -v0
	$(BIN)/dtbd demo --if-empty --staff $(DEMO_STAFF)
	@$(MAKE) --no-print-directory demo-logins
	@# The job worker (imports, report files, exports, notice e-mails…) runs beside the web server and stops with it:
	@# it re-queues jobs a killed worker left unfinished, then serves the queue (Celery when REDIS_URL is set).
	@$(BIN)/dtbd worker -v0 & worker=$$!; \
		trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
		$(BIN)/dtbd runserver 127.0.0.1:$(PORT)

demo-logins:
	@echo ""
	@echo "  dtbd — Hệ thống quản lý đào tạo, bồi dưỡng cán bộ, công chức, viên chức"
	@echo "  http://127.0.0.1:$(PORT)/   (password for every demo login: demo12345)"
	@echo "    admin    system admin (Django admin at /admin/)"
	@echo "    tinh     province manager (all units)"
	@echo "    donvi    officer of one department (its subtree)"
	@echo "    truong   training institution staff"
	@echo "    lanhdao  leader, read-only, whole province"
	@echo "    hocvien  learner (a staff member of donvi's department)"
	@echo ""

# Debian's Chromium for the browser tests; installed only when missing and running as root.
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
		if [ "$$(id -u)" = "0" ]; then \
			echo "Installing Debian's chromium for the browser tests..."; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
		else \
			echo "Chromium missing and not root: install Debian's 'chromium' package to run the browser tests." >&2; exit 1; \
		fi; \
	fi

# LibreOffice Calc (headless) to check that every report's .xlsx opens, and the Liberation fonts (metric-compatible
# with Times New Roman, full Vietnamese glyphs) of the report PDFs; installed only when missing and running as root.
libreoffice:
	@if ! command -v soffice >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi "Liberation Serif" \
		|| ! ls /usr/lib/libreoffice/program/libswlo.so >/dev/null 2>&1; then \
		if [ "$$(id -u)" = "0" ]; then \
			echo "Installing Debian's libreoffice-calc-nogui, libreoffice-writer-nogui and fonts-liberation for the report and document tests..."; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
				libreoffice-calc-nogui libreoffice-writer-nogui fonts-liberation >/dev/null; \
		else \
			echo "LibreOffice (Calc and Writer) or the Liberation fonts missing and not root: install Debian's 'libreoffice-calc-nogui', 'libreoffice-writer-nogui' and 'fonts-liberation' packages to run the report tests." >&2; exit 1; \
		fi; \
	fi

# Pango and a font with Vietnamese diacritics for WeasyPrint (certificate PDFs); installed only when missing and root.
pdf-libs: install
	@if ! $(BIN)/python -c "import weasyprint" >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi dejavu; then \
		if [ "$$(id -u)" = "0" ]; then \
			echo "Installing Pango and DejaVu fonts for PDF output..."; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
				libpango-1.0-0 libpangoft2-1.0-0 fontconfig fonts-dejavu-core >/dev/null; \
		else \
			echo "PDF output needs Pango and the DejaVu fonts (Debian: libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core)." >&2; \
		fi; \
	fi

# A Redis server on 127.0.0.1:6379 for the Celery worker test (the embedded default needs none); installed only when
# missing and running as root, started (nothing kept on disk) when not answering.
redis:
	@if ! (command -v redis-cli >/dev/null 2>&1 && redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG); then \
		if ! command -v redis-server >/dev/null 2>&1; then \
			if [ "$$(id -u)" = "0" ]; then \
				echo "Installing Debian's redis-server for the Celery test..."; \
				apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null; \
			else \
				echo "Redis missing and not root: install Debian's 'redis-server' package to run the Celery test." >&2; exit 1; \
			fi; \
		fi; \
		redis-server --bind 127.0.0.1 --port 6379 --save '' --appendonly no --daemonize yes >/dev/null; \
		for _ in 1 2 3 4 5 6 7 8 9 10; do redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG && break; sleep 1; done; \
	fi

test: install-test chromium libreoffice pdf-libs redis
	$(BIN)/lint-imports
	$(BIN)/pytest -q -n $(TEST_WORKERS) $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) var
