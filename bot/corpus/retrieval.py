"""BM25 search over the corpus, boosted by topic, with current law ranked above superseded."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import bm25s
import numpy as np

from bot.corpus.index import PassageRecord
from bot.corpus.tokenize import Tokenizer
from bot.nlu.normalize import to_simplified

TOPIC_BOOST = 1.6
POLICY_WEIGHT = 0.6  # local reports support answers; the statutes carry them
SUPERSEDED_WEIGHT = 0.35


# One sentence: up to and including its end mark (full- or half-width).
SENTENCE = re.compile(r"[^。；;！!？?]+[。；;！!？?]?")
ARTICLE_NUMBER = re.compile(r"^第[^条]+条\s*")


class IndexMissing(RuntimeError):
    """The corpus has not been ingested: run `python -m bot corpus ingest`."""


@dataclass(frozen=True, slots=True)
class Hit:
    """One retrieved passage and its boosted score."""

    passage: PassageRecord
    score: float


class Retriever:
    """Loaded once at start-up; `search` is pure computation (no I/O)."""

    def __init__(self, records: list[PassageRecord], bm25: bm25s.BM25, tokenizer: Tokenizer):
        self.records = records
        self._bm25 = bm25
        self._tokenizer = tokenizer
        self._articles = {(r.doc_key, r.article): r for r in records if r.article}
        self._sentences: dict[int, list[tuple[str, str, frozenset[str]]]] = {}
        self._weights = {
            topic: np.array([self._weight(r, topic) for r in records], dtype=np.float32)
            for topic in ("mediation", "legal_aid", "admin_review", "other")
        }

    @staticmethod
    def _weight(record: PassageRecord, topic: str) -> float:
        weight = TOPIC_BOOST if topic in record.topics else 1.0
        if record.kind == "policy":
            weight *= POLICY_WEIGHT
        if record.status == "superseded":
            weight *= SUPERSEDED_WEIGHT
        return weight

    @classmethod
    def load(cls, directory: Path, tokenizer: Tokenizer | None = None) -> Retriever:
        """The index saved by ingestion; `IndexMissing` if there is none."""
        meta = directory / "passages.jsonl"
        if not meta.exists():
            raise IndexMissing(f"no corpus index in {directory}: run `python -m bot corpus ingest`")
        records = []
        for line in meta.read_text(encoding="utf-8").splitlines():
            item = json.loads(line)
            item["topics"], item["regions"] = tuple(item["topics"]), tuple(item["regions"])
            records.append(PassageRecord(**item))
        bm25 = bm25s.BM25.load(str(directory), show_progress=False)
        return cls(records, bm25, tokenizer or Tokenizer())

    def tokenize(self, text: str) -> list[str]:
        """The retrieval tokens of `text`."""
        return self._tokenizer.tokens(text)

    def sentences(self, record: PassageRecord) -> list[tuple[str, str, frozenset[str]]]:
        """A passage's sentences as (original, simplified, tokens); computed once per passage."""
        found = self._sentences.get(record.id)
        if found is None:
            # Paragraph breaks inside an article do not end a sentence; 第X条 is not quoted.
            text = ARTICLE_NUMBER.sub("", record.text.replace("\n", ""))
            simplified = to_simplified(text)
            found = []
            for match in SENTENCE.finditer(simplified):
                # t2s maps character for character, so offsets carry over to the original.
                original = text[match.start() : match.end()].strip()
                found.append((original, match.group(), frozenset(self.tokenize(match.group()))))
            self._sentences[record.id] = found
        return found

    def article(self, doc_key: str, article: str) -> PassageRecord | None:
        """One article of a statute by its document key and number (第X条)."""
        return self._articles.get((doc_key, article))

    def search(self, text: str, topic: str = "other", k: int = 3) -> list[Hit]:
        """The best `k` passages for `text`, current law first where it speaks."""
        tokens = self._tokenizer.tokens(text)
        if not tokens:
            return []
        scores = self._bm25.get_scores(tokens) * self._weights.get(topic, self._weights["other"])
        order = np.argsort(-scores)[: k * 3]
        hits = [Hit(self.records[i], float(scores[i])) for i in order if scores[i] > 0]
        # A superseded rule is never the first source when current law was found too.
        current = [h for h in hits if h.passage.status == "current"]
        superseded = [h for h in hits if h.passage.status != "current"]
        return (current + superseded)[:k] if current else superseded[:k]


# The words a local sentence must contain to count as a fact about the service.
TOPIC_TERMS: dict[str, tuple[str, ...]] = {
    "mediation": ("调解", "解纷", "纠纷"),
    "legal_aid": ("法律援助", "法援"),
    "admin_review": ("行政复议", "复议"),
}


@dataclass(frozen=True, slots=True)
class LocalFact:
    """A sentence of a local government document about the citizen's service and place."""

    passage: PassageRecord
    sentence: str


def local_fact(retriever: Retriever, text: str, topic: str, region: str) -> LocalFact | None:
    """The best sentence on `topic` from a local document of `region`, if there is one."""
    terms = TOPIC_TERMS.get(topic)
    if not terms or not region:
        return None
    wanted = set(retriever.tokenize(f"{text} {terms[0]}"))
    best: tuple[int, int, LocalFact] | None = None
    for record in retriever.records:
        if record.kind != "policy" or not any(r in region or region in r for r in record.regions):
            continue
        for original, simplified, tokens in retriever.sentences(record):
            if not any(term in simplified for term in terms):
                continue
            key = (len(wanted & tokens), -len(simplified))
            if best is None or key > best[:2]:
                best = (*key, LocalFact(record, original))
    return best[2] if best else None
