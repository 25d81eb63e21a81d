# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# Local use only: `make run` turns debug on; production sets its own environment.
RUN_ENV := DJANGO_DEBUG=true
TEST_ENV := DJANGO_SECRET_KEY=test-only-not-secret

.PHONY: run test install install-test check-system lint

$(VENV)/bin/activate:
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "onechamber needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

install: $(VENV)/bin/activate
	$(PY) -m pip install -q -e .

install-test: $(VENV)/bin/activate
	$(PY) -m pip install -q -e '.[test]'
	@# axe-core (pinned in package-lock.json) for the browser tests' accessibility checks.
	npm ci --no-audit --no-fund --silent

check-system: install
	$(PY) -m onechamber.syscheck

run: check-system
	$(RUN_ENV) $(PY) manage.py migrate --noinput
	$(RUN_ENV) $(PY) manage.py load_seed
	$(RUN_ENV) $(PY) manage.py distribute
	@test -s .local-password || $(PY) -c 'import secrets; print(secrets.token_urlsafe(12))' > .local-password
	@$(RUN_ENV) $(PY) manage.py add_user secretariat --role secretariat --organization ワンチームとやま推進室 --password-stdin < .local-password
	@echo "----------------------------------------------------------------"
	@echo " onechamber: http://$(HOST):$(PORT)/"
	@echo " 事務局アカウント  ユーザー名: secretariat  パスワード: $$(cat .local-password)"
	@echo "----------------------------------------------------------------"
	@# The worker that builds packet editions runs beside the server and stops with it.
	$(RUN_ENV) $(PY) manage.py run_worker & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  $(RUN_ENV) $(PY) manage.py runserver $(HOST):$(PORT)

test: install-test
	$(PY) -m onechamber.syscheck
	$(TEST_ENV) $(PY) -m pytest -n auto --dist loadfile $(PYTEST_ARGS)

lint: install-test
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
