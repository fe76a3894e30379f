"""The training data and the evaluation set keep the promises of docs/nlu-intents.md."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from bot.nlu.normalize import for_model
from bot.nlu.topics import META_INTENTS, topic_of
from bot.types import Topic

ROOT = Path(__file__).resolve().parent.parent
NLU = ROOT / "nlu_data"
EVAL = ROOT / "tests" / "data" / "eval_topics.jsonl"
ANNOTATION = re.compile(r"\[([^\]]+)\](\([^)]+\)|\{[^}]+\})")


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


def eval_cases() -> list[dict]:
    return [json.loads(line) for line in EVAL.read_text(encoding="utf-8").splitlines() if line]


def test_every_intent_is_in_the_contract():
    doc = (ROOT / "docs" / "nlu-intents.md").read_text(encoding="utf-8")
    for intent in examples():
        assert f"`{intent}`" in doc, intent
        assert intent in META_INTENTS or topic_of(intent) is not Topic.OTHER, intent


@pytest.mark.parametrize("topic", [Topic.MEDIATION, Topic.LEGAL_AID, Topic.ADMIN_REVIEW])
def test_each_service_has_enough_examples_across_its_intents(topic):
    per_intent = {i: len(e) for i, e in examples().items() if topic_of(i) is topic}
    assert len(per_intent) >= 6
    assert sum(per_intent.values()) >= 40
    assert min(per_intent.values()) >= 10


def test_out_of_scope_and_meta_intents_have_examples():
    counts = {i: len(e) for i, e in examples().items()}
    assert counts["out_of_scope"] >= 25
    for intent in META_INTENTS:
        assert counts.get(intent, 0) >= 8, intent


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


def test_entities_of_the_contract_are_annotated():
    text = "\n".join(e for lines in examples().values() for e in lines)
    for entity in ("dispute_type", "admin_act", "district", "time_expr"):
        assert text.count(entity) >= 10, entity


def test_evaluation_set_has_enough_questions_per_topic():
    cases = eval_cases()
    assert len(cases) >= 160
    counts = Counter(c["topic"] for c in cases)
    assert all(counts[t.value] >= 30 for t in Topic), counts


def test_a_third_of_service_questions_are_stories_that_never_name_the_service():
    names = re.compile(r"调解|调委会|法律援助|法援|援助|复议|複議|調解")
    for topic in ("mediation", "legal_aid", "admin_review"):
        cases = [c["text"] for c in eval_cases() if c["topic"] == topic]
        stories = [t for t in cases if len(t) >= 50 and not names.search(t)]
        assert len(stories) * 3 >= len(cases), topic


def test_evaluation_texts_are_not_in_the_training_data():
    trained = {for_model(plain(e)) for lines in examples().values() for e in lines}
    leaked = [c["text"] for c in eval_cases() if for_model(c["text"]) in trained]
    assert leaked == []
