# Two commands: `make run` serves the bundled timeline, `make test` runs every test.
# Each sets up its own virtual environment from the pinned requirements first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8050

.PHONY: run test validate serve bench screenshots clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime: requirements.txt constraints.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt -c constraints.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt $(VENV)/.runtime
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt -c constraints.txt
	touch $@

run: $(VENV)/.runtime
	$(BIN)/python app.py --host $(HOST) --port $(PORT)

test: $(VENV)/.dev
	$(BIN)/python -m pytest

validate: $(VENV)/.runtime
	$(BIN)/python -m timeline validate data/

# Production: several worker processes behind a reverse proxy.
serve: $(VENV)/.runtime
	$(BIN)/gunicorn -c gunicorn.conf.py --bind $(HOST):$(PORT) app:server

# The README's screenshots (docs/screenshots/), of the bundled timeline.
screenshots: $(VENV)/.dev
	$(BIN)/python tools/screenshots.py

# Benchmarks (over an hour here, most of it bench/embed.py): results in bench/results/,
# tables in docs/performance.md. bench/embed.py installs its peers (TimelineJS,
# vis-timeline) with npm into .bench-peers/, and runs without them where npm is missing.
bench: $(VENV)/.dev
	$(BIN)/python bench/embed.py
	$(BIN)/python bench/editing.py
	$(BIN)/python bench/editor_page.py
	$(BIN)/python bench/editor_weight.py
	$(BIN)/python bench/load.py
	$(BIN)/python bench/validate.py
	$(BIN)/python bench/million.py
	$(BIN)/python bench/server_scale.py
	$(BIN)/python bench/zoom.py
	$(BIN)/python bench/folder_memory.py

clean:
	rm -rf $(VENV)

# Rebuild assets/vendor/plotly-scatter.min.js (needs Node and npm; the result is committed).
.PHONY: plotly-bundle
plotly-bundle:
	tools/plotly-bundle/build.sh
