"""The question bank (corpus/faq/bank/): specific questions, and finding the one asked.

An entry is found by how alike the citizen's words are to its question and paraphrases:
character bigrams and trigrams (robust to typos and to words jieba splits oddly) and jieba
words with synonyms folded, each weighted by rarity (TF-IDF) and compared by cosine; the
entry's answer counts too. `bench/bank_match.py` measures it.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from bot.corpus.tokenize import Tokenizer
from bot.nlu.normalize import for_model
from bot.settings import PROJECT_ROOT

BANK = PROJECT_ROOT / "corpus" / "faq" / "bank"
# The weight of character n-grams against words (chosen on the leave-one-out bench).
CHAR_WEIGHT = 0.5
_NOT_TEXT = re.compile(r"[^\w]+", re.UNICODE)
# Amounts, dates and durations belong to the citizen's story, not to the question asked:
# "五百块" would otherwise tie a message to whichever paraphrase names a like sum.
_FIGURES = re.compile(
    r"[0-9零一二两三四五六七八九十百千万]+(?:多)?(?:块钱?|元|万|千|百|毛|天|个月|年|月|日|号|岁|次)"
)
# An entry's score: its best text, its best three, and its answer (chosen on the tuning
# third of tests/data/answers_*.jsonl; bench/bank_match.py prints the leave-one-out figure).
BEST_SHARE = 0.6
TOP_TEXTS = 3
ANSWER_WEIGHT = 0.5
# Words the bank never uses count against a match (measured on the golden tuning split).
UNSEEN_WORDS = True


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

    @property
    def texts(self) -> tuple[str, ...]:
        """The question and its paraphrases: what a citizen's message is compared with."""
        return (self.question, *self.paraphrases)


@dataclass(frozen=True, slots=True)
class BankMatch:
    """An entry found for a question: its similarity (0–1) and its lead over the next."""

    entry: BankEntry
    score: float
    margin: float


def load_bank(folder: Path = BANK) -> dict[str, BankEntry]:
    """Every entry of the bank, by id; a repeated id is an error."""
    entries: dict[str, BankEntry] = {}
    for path in sorted(folder.glob("*.yml")):
        for raw in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            if raw["id"] in entries:
                raise ValueError(f"{path.name}: entry {raw['id']} appears twice")
            entries[raw["id"]] = BankEntry(
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
    return entries


class _Vectorizer:
    """TF-IDF (sublinear counts, unit length) kept as an inverted index: feature → rows."""

    def __init__(self, documents: list[list[str]], count_unseen: bool = False) -> None:
        # With `count_unseen`, a query's features the bank never uses still count in its
        # length, as the rarest: "产假多少天" is not like "仲裁多少天" when no entry says 产假.
        self._count_unseen = count_unseen
        frequency: Counter[str] = Counter()
        for features in documents:
            frequency.update(set(features))
        total = len(documents)
        self._idf = {f: math.log((1 + total) / (1 + n)) + 1.0 for f, n in frequency.items()}
        self._unseen = math.log(1 + total) + 1.0
        postings: dict[str, list[tuple[int, float]]] = {}
        for row, features in enumerate(documents):
            for feature, weight in self.weights(features).items():
                postings.setdefault(feature, []).append((row, weight))
        self._postings = {
            f: (np.array([r for r, _ in rows]), np.array([w for _, w in rows]))
            for f, rows in postings.items()
        }
        self._size = total

    def weights(self, features: list[str]) -> dict[str, float]:
        """The unit-length TF-IDF weights of the known features."""
        counts = Counter(f for f in features if self._count_unseen or f in self._idf)
        raw = {f: (1.0 + math.log(c)) * self._idf.get(f, self._unseen) for f, c in counts.items()}
        norm = math.sqrt(sum(w * w for w in raw.values()))
        return {f: w / norm for f, w in raw.items() if f in self._idf} if norm else {}

    def similarity(self, features: list[str]) -> np.ndarray:
        """Cosine of `features` with every document."""
        scores = np.zeros(self._size)
        for feature, weight in self.weights(features).items():
            rows, values = self._postings[feature]
            scores[rows] += weight * values
        return scores


class BankMatcher:
    """Finds the entries whose question a citizen's message asks."""

    def __init__(
        self,
        entries: dict[str, BankEntry],
        tokenizer: Tokenizer | None = None,
        char_weight: float = CHAR_WEIGHT,
    ) -> None:
        self.entries = entries
        self._tokenizer = tokenizer or Tokenizer()
        self._char_weight = char_weight
        self._owner: list[str] = [e.id for e in entries.values() for _ in e.texts]
        texts = [t for e in entries.values() for t in e.texts]
        self._chars = _Vectorizer([self._grams(t) for t in texts])
        self._words = _Vectorizer(
            [self._tokenizer.tokens(self._plain(t)) for t in texts], count_unseen=UNSEEN_WORDS
        )
        # An entry's answer names what it is about in words a citizen may use too.
        answers = [f"{e.question}{e.answer}" for e in entries.values()]
        self._answer_chars = _Vectorizer([self._grams(t) for t in answers])
        self._answer_words = _Vectorizer([self._tokenizer.tokens(self._plain(t)) for t in answers])
        self._ids = list(entries)
        # Each entry's texts as one row of indices (padded with a text that scores nothing),
        # so an entry's best and best three come from one sort of a small matrix.
        position = {entry_id: i for i, entry_id in enumerate(self._ids)}
        rows: list[list[int]] = [[] for _ in self._ids]
        for index, owner in enumerate(self._owner):
            rows[position[owner]].append(index)
        width = max(len(r) for r in rows) if rows else 1
        self._pad = len(self._owner)
        self._grid = np.array([r + [self._pad] * (width - len(r)) for r in rows], dtype=np.int64)

    def _plain(self, text: str) -> str:
        return _FIGURES.sub(" ", for_model(text).lower())

    def _grams(self, text: str) -> list[str]:
        plain = _NOT_TEXT.sub("", self._plain(text))
        return [plain[i : i + n] for n in (2, 3) for i in range(len(plain) - n + 1)]

    def _similar(self, chars: _Vectorizer, words: _Vectorizer, text: str) -> np.ndarray:
        char = chars.similarity(self._grams(text))
        word = words.similarity(self._tokenizer.tokens(self._plain(text)))
        return self._char_weight * char + (1 - self._char_weight) * word

    def entry_scores(self, text: str, leave_out: int | None = None) -> np.ndarray:
        """Every entry's likeness to `text` (0–1), in the order of `entries`.

        An entry's texts count by their best and, less, by their best three (an entry
        many paraphrases agree on beats one lucky paraphrase); its answer adds its words.
        """
        raw = self._similar(self._chars, self._words, text)
        if leave_out is not None:
            raw[leave_out] = 0.0
        values: np.ndarray = -np.sort(-np.append(raw, 0.0)[self._grid], axis=1)
        texts = BEST_SHARE * values[:, 0] + (1 - BEST_SHARE) * values[:, :TOP_TEXTS].mean(axis=1)
        answer = self._similar(self._answer_chars, self._answer_words, text)
        scores: np.ndarray = (texts + ANSWER_WEIGHT * answer) / (1 + ANSWER_WEIGHT)
        return scores

    def scores(
        self, text: str, services: Iterable[str] | None = None, leave_out: int | None = None
    ) -> list[tuple[str, float]]:
        """Each entry (of `services`, if given) with its score, best first.

        `leave_out` is the index of one indexed text to ignore (for measuring).
        """
        if not self._grams(text):
            return []
        scores = self.entry_scores(text, leave_out)
        wanted = None if services is None else set(services)
        return [
            (self._ids[i], float(scores[i]))
            for i in np.argsort(-scores)
            if scores[i] > 0 and (wanted is None or self.entries[self._ids[i]].service in wanted)
        ]

    def match(self, text: str, services: Iterable[str] | None = None) -> list[BankMatch]:
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
        texts = [t for e in self.entries.values() for t in e.texts]
        return [(i, owner, t) for i, (owner, t) in enumerate(zip(self._owner, texts, strict=True))]
