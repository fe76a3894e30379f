# The two commands a newcomer needs are `make run` and `make test` (see README.md).
SHELL := /bin/bash
PY := .venv/bin/python

.PHONY: install train run test lint audit eval eval-tune eval-real eval-cv eval-danger eval-answers eval-answers-tune bench bench-stats bench-chat bench-soak bench-faults bench-login clean

install:            ## both environments (skipped when the pins are unchanged) and a Chinese font
	@scripts/ensure-venv.sh bot
	@scripts/ensure-venv.sh rasa
	@scripts/ensure-debian.sh fonts

train: install      ## the NLU model, skipped when config.yml and nlu_data/ are unchanged
	@$(PY) -m bot train

run: train          ## Rasa and the bot (web chat on 127.0.0.1; Telegram when TELEGRAM_BOT_TOKEN is set)
	@$(PY) -m bot run

test: train         ## the dependency audit, unit tests, then the tests against a real Rasa server
	@scripts/ensure-debian.sh browser
	@$(PY) scripts/audit.py
	@scripts/with-postgres.sh $(PY) -m pytest -q -p no:cacheprovider

audit: install      ## pip-audit over both environments' pins (security/accepted-vulnerabilities.txt)
	@$(PY) scripts/audit.py

lint: install
	@.venv/bin/ruff check .
	@.venv/bin/ruff format --check .
	@.venv/bin/mypy

eval: train         ## routing scores on the test split (no setting is chosen on it)
	@$(PY) -m bot evaluate tests/data/routing_test.jsonl

eval-tune: train    ## routing scores on the tuning files (the topic decision is fitted on them)
	@for f in tests/data/routing_tune*.jsonl; do $(PY) -m bot evaluate $$f || exit 1; done

eval-real: train    ## routing scores on real citizens' questions (measure only, never train on it)
	@$(PY) -m bot evaluate ../shared/eval/real_questions_dev.jsonl

eval-answers: train ## which bank entry answers each golden question (test split: no choice made on it)
	@$(PY) -m bot evaluate tests/data/answers_test.jsonl

eval-answers-tune: train ## the same on the golden tuning split, where the finder's settings were chosen
	@$(PY) -m bot evaluate tests/data/answers_tune.jsonl

eval-cv: install    ## 3-fold cross-validated intent accuracy (rasa test nlu)
	@$(PY) -m bot crossval --folds 3

eval-danger: install ## the danger detector's recall and precision on its own test set
	@$(PY) -m bot.nlu.danger_eval tests/data/danger_tune.jsonl tests/data/danger_tune_2.jsonl tests/data/danger_tune_3.jsonl tests/data/danger_tune_4.jsonl tests/data/danger_test.jsonl

bench: train
	@$(PY) bench/nlu.py
	@$(PY) bench/answers.py

bench-stats: install ## the dashboard's figures over a year of seeded conversations
	@scripts/with-postgres.sh $(PY) bench/stats.py

bench-chat: train   ## replies/s and latency at 1, 20 and 200 conversations beside raw Rasa
	@$(PY) bench/chat.py

bench-soak: train   ## 500 citizens for 10 minutes (writes docs/reliability.md)
	@$(PY) bench/soak.py

bench-faults: train ## every fault under load (writes docs/reliability.md; root for disk-full)
	@scripts/with-postgres.sh $(PY) bench/faults.py

bench-login: install ## a staff sign-in flood (100 connections) while a citizen chats
	@$(PY) bench/login_flood.py

clean:
	rm -rf .venv .venv-rasa models .pytest_cache .mypy_cache .ruff_cache
