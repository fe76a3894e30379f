"""The bank of specific questions and answers (corpus/faq/bank/): form and statutory facts."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from actions.quote import squash
from bot.corpus.parse import load_manifest
from bot.nlu.topics import AREAS, SERVICE_INTENTS

BANK = Path(__file__).resolve().parent.parent / "corpus" / "faq" / "bank"
DOCS = {d.key: d for d in load_manifest()}
ARTICLES = {
    (key, p.article): p.text for key, d in DOCS.items() if d.kind == "law" for p in d.passages()
}
KEYS = {"id", "service", "question", "paraphrases", "answer", "citations", "next_step"}
OPTIONAL = {"conditions", "related"}
# An answer says yes/no, how many days, where… in its first sentence.
FIRST_SENTENCE = re.compile(r"^[^。！？]{2,80}[。！？]")
# Phone numbers other than the national hotlines are never invented.
PHONE = re.compile(r"(?<!\d)(?!12348|12345|12315|12356|110|120|119|122)\d{3,}(?!\d)")


def entries() -> list[dict]:
    found = []
    for path in sorted(BANK.glob("*.yml")):
        for entry in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            found.append({**entry, "_file": path.name})
    return found


ENTRIES = entries()
IDS = {e["id"] for e in ENTRIES}


def test_ids_are_unique():
    counts = Counter(e["id"] for e in ENTRIES)
    assert [i for i, n in counts.items() if n > 1] == []


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e["id"])
def test_entry_form(entry):
    keys = set(entry) - {"_file"}
    assert KEYS <= keys <= KEYS | OPTIONAL, keys ^ KEYS
    assert entry["service"] in set(SERVICE_INTENTS) | set(AREAS), entry["service"]
    assert entry["id"].startswith(entry["service"] + ".")
    assert 3 <= len(entry["paraphrases"]) <= 16
    assert FIRST_SENTENCE.match(entry["answer"].strip()), entry["answer"][:40]
    assert len(entry["answer"]) <= 300
    assert entry["next_step"].strip()
    for related in entry.get("related", []):
        assert related in IDS, related
    text = entry["answer"] + entry["next_step"] + "".join(entry.get("conditions", []))
    assert not PHONE.search(text), PHONE.search(text)


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e["id"])
def test_every_citation_is_in_its_article(entry):
    assert entry["citations"] or entry["service"] in AREAS
    for citation in entry["citations"]:
        text = ARTICLES.get((citation["law"], citation["article"]))
        assert text is not None, f"{citation['law']} has no {citation['article']}"
        assert squash(citation["quote"]) in squash(text), citation
