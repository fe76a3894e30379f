"""The training data and the evaluation splits keep the promises of docs/nlu-intents.md."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from bot.nlu.normalize import for_model
from bot.nlu.topics import AREAS, META_INTENTS, SERVICE_INTENTS
from bot.types import Topic

ROOT = Path(__file__).resolve().parent.parent
NLU = ROOT / "nlu_data"
DATA = ROOT / "tests" / "data"
SPLITS = ("routing_tune.jsonl", "routing_test.jsonl")
ANNOTATION = re.compile(r"\[([^\]]+)\](\([^)]+\)|\{[^}]+\})")
# Only messages longer than this count as copies: "你好" may stand in both.
SHORT = 6


def examples() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in sorted(NLU.glob("*.yml")):
        for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu", []):
            if "intent" in block:
                lines = [line[2:] for line in block["examples"].splitlines() if line.strip()]
                found.setdefault(block["intent"], []).extend(lines)
    return found


def plain(example: str) -> str:
    return ANNOTATION.sub(lambda m: m.group(1), example)


def split(name: str) -> list[dict]:
    text = (DATA / name).read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_every_intent_is_in_the_contract_and_has_a_topic():
    doc = (ROOT / "docs" / "nlu-intents.md").read_text(encoding="utf-8")
    known = set(SERVICE_INTENTS) | set(AREAS) | META_INTENTS
    for intent in examples():
        assert f"`{intent}`" in doc, intent
        assert intent in known, intent


def test_every_service_and_area_has_its_examples():
    counts = {i: len(e) for i, e in examples().items()}
    for intent in SERVICE_INTENTS:
        assert counts.get(intent, 0) >= 250, intent
    for intent in AREAS:
        assert counts.get(intent, 0) >= 120, intent
    for intent in META_INTENTS:
        assert counts.get(intent, 0) >= 8, intent


@pytest.mark.parametrize("service", sorted(SERVICE_INTENTS))
def test_many_of_a_service_s_examples_never_name_it(service):
    names = re.compile(r"调解|调节|调委会|法律援助|法援|援助|复议|复意|复义")
    lines = [plain(e) for e in examples()[service]]
    # Most citizens describe what happened without naming a service: a good share of
    # the examples must do the same, or the model learns the names instead.
    assert sum(not names.search(line) for line in lines) * 5 >= len(lines) * 2


def test_no_example_is_repeated():
    seen = Counter(plain(e) for lines in examples().values() for e in lines)
    assert [e for e, n in seen.items() if n > 1] == []


def test_annotations_are_valid():
    for lines in examples().values():
        for example in lines:
            for _, spec in ANNOTATION.findall(example):
                if spec.startswith("{"):
                    data = json.loads(spec)
                    assert {"entity", "value"} <= data.keys(), example
            assert example.count("[") == example.count("]"), example


@pytest.mark.parametrize("name", SPLITS)
def test_each_split_has_enough_questions_per_topic(name):
    rows = split(name)
    counts = Counter(r["topic"] for r in rows)
    assert all(counts[t.value] >= 50 for t in Topic if t is not Topic.OTHER), counts
    # Near misses are most of `other`: the boundary is what the splits measure.
    assert counts["other"] >= 190, counts
    for row in rows:
        assert row["topic"] in {t.value for t in Topic}, row
        assert all(a in {t.value for t in Topic} and a != row["topic"] for a in row["also"]), row


def test_the_splits_share_no_question_and_none_is_trained_on():
    trained = {for_model(plain(e)) for lines in examples().values() for e in lines}
    tuning = sorted(p.name for p in DATA.glob("routing_tune*.jsonl"))
    tune = {for_model(r["text"]) for name in tuning for r in split(name)}
    test = {for_model(r["text"]) for r in split(SPLITS[1])}
    assert {t for t in tune & test if len(t) > SHORT} == set()
    assert {t for t in (tune | test) & trained if len(t) > SHORT} == set()
