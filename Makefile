# Parley: `make run` for a local server, `make test` for the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test lint format bench serve clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: install
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py migrate --noinput
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py load_demo
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py runserver 127.0.0.1:8000

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Like production: DEBUG off, gunicorn, static files collected and served by whitenoise.
# Needs SECRET_KEY and ALLOWED_HOSTS (README, "Deployment"); BIND picks the address.
serve: install
	@test -n "$$SECRET_KEY" || { echo "make serve: set SECRET_KEY (and ALLOWED_HOSTS); see README, Deployment" >&2; exit 2; }
	@test -n "$$ALLOWED_HOSTS" || { echo "make serve: set ALLOWED_HOSTS, e.g. ALLOWED_HOSTS=127.0.0.1" >&2; exit 2; }
	DEBUG=0 $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	DEBUG=0 $(BIN)/python manage.py migrate --noinput
	DEBUG=0 exec $(BIN)/gunicorn --config config/gunicorn.py config.wsgi

bench: install
	BENCH=$(BENCH) $(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
