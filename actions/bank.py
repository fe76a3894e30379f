"""The question bank (corpus/faq/bank/): specific questions, and finding the one asked.

Not yet used for replies: `bench/bank_match.py` measures how often the entry asked about is
found (each paraphrase left out in turn); BM25 over the entries' own words finds it about
one time in three, short of what an answer needs, so the cards still answer.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import bm25s
import numpy as np
import yaml

from bot.corpus.tokenize import Tokenizer
from bot.settings import PROJECT_ROOT

BANK = PROJECT_ROOT / "corpus" / "faq" / "bank"


@dataclass(frozen=True, slots=True)
class BankCitation:
    """An article an answer rests on, and the words of it that carry the answer."""

    law: str
    article: str
    quote: str


@dataclass(frozen=True, slots=True)
class BankEntry:
    """One specific question and its short answer."""

    id: str
    service: str
    question: str
    paraphrases: tuple[str, ...]
    answer: str
    citations: tuple[BankCitation, ...]
    next_step: str
    conditions: tuple[str, ...] = ()
    related: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class BankMatch:
    """An entry found for a question: its score and its lead over the next entry."""

    entry: BankEntry
    score: float
    margin: float


def load_bank(folder: Path = BANK) -> dict[str, BankEntry]:
    """Every entry of the bank, by id."""
    entries: dict[str, BankEntry] = {}
    for path in sorted(folder.glob("*.yml")):
        for raw in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            entry = BankEntry(
                id=raw["id"],
                service=raw["service"],
                question=raw["question"],
                paraphrases=tuple(raw["paraphrases"]),
                answer=raw["answer"].strip(),
                citations=tuple(BankCitation(**c) for c in raw["citations"]),
                next_step=raw["next_step"].strip(),
                conditions=tuple(raw.get("conditions") or ()),
                related=tuple(raw.get("related") or ()),
            )
            entries[entry.id] = entry
    return entries


class BankMatcher:
    """BM25 over every entry's question and paraphrases; an entry scores its best text."""

    def __init__(self, entries: dict[str, BankEntry], tokenizer: Tokenizer | None = None):
        self.entries = entries
        self._tokenizer = tokenizer or Tokenizer()
        self._owner: list[str] = []
        corpus = []
        for entry in entries.values():
            for text in (entry.question, *entry.paraphrases):
                self._owner.append(entry.id)
                corpus.append(self._tokenizer.tokens(text) or ["∅"])
        self._owner_array = np.array(self._owner)
        self._bm25 = bm25s.BM25()
        self._bm25.index(corpus, show_progress=False)

    def scores(
        self, text: str, services: Iterable[str], leave_out: int | None = None
    ) -> list[tuple[str, float]]:
        """Each entry of `services` with its score, best first (`leave_out`: a text's index)."""
        tokens = self._tokenizer.tokens(text)
        if not tokens:
            return []
        raw = self._bm25.get_scores(tokens)
        if leave_out is not None:
            raw[leave_out] = 0.0
        wanted = set(services)
        best: dict[str, float] = {}
        for index in np.argsort(-raw)[:200]:
            owner = self._owner[index]
            if self.entries[owner].service in wanted and owner not in best:
                best[owner] = float(raw[index])
        return sorted(best.items(), key=lambda kv: -kv[1])

    def match(self, text: str, services: Iterable[str]) -> list[BankMatch]:
        """The best entries for a question, at most three, each with its lead."""
        ranked = self.scores(text, services)[:4]
        found = []
        for i, (entry_id, score) in enumerate(ranked[:3]):
            following = ranked[i + 1][1] if i + 1 < len(ranked) else 0.0
            margin = (score - following) / score if score > 0 else 0.0
            found.append(BankMatch(self.entries[entry_id], score, margin))
        return found

    def texts(self) -> list[tuple[int, str, str]]:
        """(index, entry id, text) of every indexed text: for leave-one-out measurement."""
        out = []
        index = 0
        for entry in self.entries.values():
            for text in (entry.question, *entry.paraphrases):
                out.append((index, entry.id, text))
                index += 1
        return out
