# The two commands a person needs:  make run   and   make test
# Everything else here is what those two do on the way (set-up included).

PYTHON  ?= python3.10
VENV    := .venv
BIN     := $(VENV)/bin
PY      := $(BIN)/python
STAMP   := $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)

# Rasa telemetry off (councils want it off; these machines have no network), TensorFlow quiet.
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 3
export PYTHONWARNINGS := ignore
export SQLALCHEMY_SILENCE_UBER_WARNING := 1

.PHONY: browser screenshots evaluate stories run test install pipeline generate train validate rasa-validate knowledge-validate load clean staff-user retention

run: train
	@$(PY) -m bot.run

test: train validate stories browser
	@$(PY) -m pytest $(PYTEST_ARGS)

# --- set-up -------------------------------------------------------------------------------
install: $(STAMP)

$(STAMP): pyproject.toml
	@echo "Setting up the Python 3.10 virtual environment in $(VENV) (first time: several minutes)..."
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(BIN)/pip install --upgrade pip setuptools wheel > $(VENV)/install.log 2>&1 \
		&& $(BIN)/pip install -e . >> $(VENV)/install.log 2>&1 \
		|| (tail -40 $(VENV)/install.log; echo "pip install failed: see $(VENV)/install.log"; exit 1)
	@rm -f $(VENV)/.installed-*
	@touch $@
	@echo "Python packages installed (log: $(VENV)/install.log)."

# The browser tests (tests/test_widget_browser.py) drive Debian's Chromium with Playwright for
# Python (a pip package, which never downloads a browser here) and scan pages with axe-core
# from the npm registry, injected from disk. Both are installed here, once, if missing.
CHROMIUM ?= /usr/bin/chromium
AXE      := tests/browser/node_modules/axe-core/axe.min.js
SUDO     := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

browser: $(CHROMIUM) $(AXE)

$(CHROMIUM):
	@echo "Installing Debian's Chromium for the browser tests (once; about a minute)..."
	@mkdir -p var/logs
	@($(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends chromium fonts-liberation) > var/logs/apt.log 2>&1 \
		|| { tail -20 var/logs/apt.log; echo "Could not install chromium: see var/logs/apt.log"; exit 1; }

$(AXE): tests/browser/package.json tests/browser/package-lock.json
	@echo "Installing axe-core from the npm registry (tests/browser)..."
	@cd tests/browser && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	@touch $@

# Screenshots of the chat (phone and desktop sizes) and of /myths for docs/.
screenshots: train browser
	@$(PY) tests/tools/widget_screenshots.py --out docs

pipeline: install
	@$(PY) -m bot.nlp build

generate: install
	@$(PY) -m bot.training generate

train: pipeline generate
	@$(PY) -m bot.training train

# --- checks -------------------------------------------------------------------------------
validate: knowledge-validate rasa-validate

knowledge-validate: install
	@$(PY) -m bot.knowledge validate

rasa-validate: generate
	@mkdir -p var/logs
	@$(BIN)/rasa data validate --domain domain --data data --config config.yml --fail-on-warnings \
		> var/logs/validate.log 2>&1 \
		&& echo "rasa data validate: no errors and no warnings (log: var/logs/validate.log)" \
		|| (grep -E "UserWarning|ERROR|Error" var/logs/validate.log | tail -40; echo "rasa data validate failed: see var/logs/validate.log"; exit 1)

# Publish edited content to the running assistant (checked first; nothing changes if it is wrong).
# Rasa test stories (tests/test_stories.yml): each message's intent and the action that follows.
stories: train
	@mkdir -p var/logs var/results
	@$(PY) -m rasa test core --model models/send-assistant.tar.gz --stories tests/test_stories.yml \
		--fail-on-prediction-errors --out var/results/stories > var/logs/stories.log 2>&1 \
		|| { tail -40 var/logs/stories.log; cat var/results/stories/failed_test_stories.yml; exit 1; }
	@echo "Rasa test stories: all passed (report: var/results/stories/story_report.json)"

# Accuracy on the evaluation set through the real assistant, beside the BM25 baseline; the
# results go to docs/evaluation.md. EVAL_SET=tests/evaluation/dev_set.yml for the calibration set.
EVAL_SET ?= tests/evaluation/eval_set.yml
evaluate: train
	@$(PY) -m bot.evaluation --set $(EVAL_SET) --report docs/$(basename $(notdir $(EVAL_SET)))-results.md

load: install
	@$(PY) -m bot.knowledge load

# The first staff account for /staff (asks for the password twice):
#   make staff-user USERNAME=jo@halton.gov.uk NAME="Jo Bloggs"
staff-user: install
	@test -n "$(USERNAME)" -a -n "$(NAME)" || { echo 'Usage: make staff-user USERNAME=jo@halton.gov.uk NAME="Jo Bloggs"'; exit 1; }
	@$(PY) -m bot.staff create-user --username "$(USERNAME)" --name "$(NAME)"

# Delete enquiries, conversations and logged questions older than RETENTION_DAYS (the running
# gateway also does this every RETENTION_INTERVAL_MINUTES).
retention: install
	@$(PY) -m bot.privacy retention

clean:
	rm -rf build models var .rasa results data/nlu/generated_knowledge.yml domain/generated_knowledge.yml
