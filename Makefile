# KESCO Arrears: `make run` serves the demo, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: catalogue run test test-shuffled lint migrate demo worker beat bench bench-smoke clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

# The Hindi catalogue is compiled here from its .po, not committed (kesco/catalogue.py).
catalogue: $(VENV)/.installed
	$(PY) -m kesco.catalogue

migrate: catalogue
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py seed_demo
	$(PY) manage.py build_defaulter_lists
	$(PY) manage.py seed_demo_history
	$(PY) manage.py build_defaulter_lists
	$(PY) manage.py seed_demo_settlements
	$(PY) manage.py seed_demo_drives

# The logins last, in a box, where they do not scroll away behind the builds' output.
run: demo
	@$(PY) manage.py demo_logins --url http://$(HOST):$(PORT)/
	@echo "Serving on http://$(HOST):$(PORT)/  (Ctrl-C to stop)"
	$(PY) manage.py runserver $(HOST):$(PORT)

test: catalogue
	$(PY) -m pytest $(PYTEST_ARGS)

# The suite in a shuffled order (modules, and the tests in each; the seed is printed, ORDER=shuffle:SEED replays it;
# ORDER=reverse): no test may lean on what another left. CI runs it once a week.
ORDER ?= shuffle
test-shuffled: catalogue
	$(PY) -m pytest --order=$(ORDER) $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .

worker: $(VENV)/.installed
	$(VENV)/bin/celery -A kesco worker --loglevel=info

beat: $(VENV)/.installed
	$(VENV)/bin/celery -A kesco beat --loglevel=info

# The benchmark of DESIGN.md "Scale and speed": data set in ./bench-data/, its own database
# (dropped and recreated), figures printed and written to docs/BENCHMARKS.md. BENCH_SIZE=small: CI smoke;
# BENCH_SIZE=3m: three times the data, tables in docs/BENCHMARKS-3M.md and the growth table in BENCHMARKS.md.
BENCH_SIZE ?= full
BENCH_SERVER ?= postgres://postgres@127.0.0.1:5432
bench: $(VENV)/.installed
	BENCH_SERVER=$(BENCH_SERVER) $(PY) -m bench.run --size $(BENCH_SIZE)

bench-smoke:
	$(MAKE) bench BENCH_SIZE=small

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache .ruff_cache
