"""BM25 search over the corpus, boosted by topic, with current law ranked above superseded."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import bm25s
import numpy as np

from bot.corpus.index import PassageRecord
from bot.corpus.tokenize import Tokenizer

TOPIC_BOOST = 1.6
POLICY_WEIGHT = 0.6  # local reports support answers; the statutes carry them
SUPERSEDED_WEIGHT = 0.35


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
