"""A small learnt second opinion on danger, for what the rules' patterns do not word.

Citizens describe danger in endless ways ("他给我发了张我家门口的照片，说我到了"); rules
catch the common words, and this classifier — a logistic regression over character
n-grams, trained at first use on `bot/nlu/data/danger_train*.jsonl` in a few seconds —
catches the rest. Each clause is scored (`bot/nlu/danger.py` decides which clauses count),
so a danger sentence inside a long legal story is not diluted by the story.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np
import yaml

from bot.nlu.normalize import clean, to_simplified

DATA = Path(__file__).parent / "data"
MODELS = Path(__file__).resolve().parents[2] / "models"
NLU_DATA = Path(__file__).resolve().parents[2] / "nlu_data"
HOTLINE_EVERY = 3
NGRAMS = (1, 2, 3)
MIN_COUNT = 2
_CLAUSE = re.compile(r"[，,。.！!？?；;…\n]+")
_DIGITS = re.compile(r"\d+")


def _grams(text: str) -> Iterable[str]:
    text = f"^{text}$"
    for n in NGRAMS:
        for i in range(len(text) - n + 1):
            yield text[i : i + n]


def prepare(text: str) -> str:
    """The form the classifier reads: simplified, NFKC, lower case, no spaces."""
    # Digits carry no danger, and phone or ID numbers would be read as n-grams.
    return _DIGITS.sub("#", re.sub(r"\s+", "", to_simplified(clean(text)).lower()))


class DangerModel:
    """Probability that a clause says someone is in danger now."""

    def __init__(self, vocabulary: dict[str, int], weights: np.ndarray, bias: float) -> None:
        self._vocabulary = vocabulary
        self._weights = weights
        self._bias = bias

    def _vector(self, text: str) -> np.ndarray:
        row = np.zeros(len(self._vocabulary))
        for gram in _grams(text):
            index = self._vocabulary.get(gram)
            if index is not None:
                row[index] = 1.0
        norm = np.linalg.norm(row)
        return row / norm if norm else row

    def probability(self, text: str) -> float:
        """Probability that one prepared clause says someone is in danger now."""
        score = float(self._vector(_DIGITS.sub("#", text)) @ self._weights + self._bias)
        return 1.0 / (1.0 + math.exp(-score))


def train(
    rows: list[tuple[str, bool]], l2: float = 1e-4, steps: int = 2000, rate: float = 8.0
) -> DangerModel:
    """Fit a class-balanced logistic regression by full-batch gradient descent."""
    texts = [prepare(t) for t, _ in rows]
    counts = Counter(g for t in texts for g in set(_grams(t)))
    kept = sorted(g for g, n in counts.items() if n >= MIN_COUNT)
    vocabulary = {g: i for i, g in enumerate(kept)}
    model = DangerModel(vocabulary, np.zeros(len(vocabulary)), 0.0)
    x = np.array([model._vector(t) for t in texts], dtype=np.float32)
    # float32 throughout: a float64 term would copy the whole matrix at every step.
    y = np.array([1.0 if label else 0.0 for _, label in rows], dtype=np.float32)
    positives = max(float(y.sum()), 1.0)
    negatives = max(len(y) - float(y.sum()), 1.0)
    sample = np.where(y == 1.0, len(y) / (2 * positives), len(y) / (2 * negatives)).astype(
        np.float32
    )
    w, b = np.zeros(x.shape[1], dtype=np.float32), 0.0
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-(x @ w + np.float32(b))))
        grad = sample * (p - y) / np.float32(len(y))
        w -= np.float32(rate) * (x.T @ grad + np.float32(l2) * w)
        b -= rate * float(grad.sum())
    return DangerModel(vocabulary, w, b)


def load_rows(folder: Path = DATA) -> list[tuple[str, bool]]:
    """The training rows of every `danger_train*.jsonl` file: (text, danger now)."""
    items = []
    for path in sorted(folder.glob("danger_train*.jsonl")):
        with path.open(encoding="utf-8") as handle:
            items += [json.loads(line) for line in handle if line.strip()]
    return [(str(i["text"]), bool(i["danger"])) for i in items]


def hotline_rows(
    flagged: Callable[[str], bool], every: int = HOTLINE_EVERY
) -> list[tuple[str, bool]]:
    """Ordinary questions from the NLU training data, as examples of no danger.

    What citizens tell a legal hotline is full of force used by others — 城管把车拉走了,
    镇上把棚子推了 — that is no emergency; without these the classifier takes such acts for
    danger. Every `every`-th service or legal-area example is taken, so training stays short;
    one the danger rules would flag (`flagged`) is left out.
    """
    texts = []
    for path in sorted(NLU_DATA.glob("*.yml")):
        for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu", []):
            intent = str(block.get("intent", ""))
            if intent in ("mediation", "legal_aid", "admin_review") or intent.startswith("other_"):
                texts += [line[2:] for line in block["examples"].splitlines() if line.strip()]
    return [(t, False) for t in texts[::every] if not flagged(t)]


def cache_path(models_dir: Path = MODELS) -> Path:
    """Where the classifier trained from the current data and code is kept."""
    digest = hashlib.sha256(Path(__file__).read_bytes())
    # The rules leave flagged examples out of training: a change to them is a new model too.
    digest.update((Path(__file__).parent / "danger.py").read_bytes())
    for path in [*sorted(DATA.glob("danger_train*.jsonl")), *sorted(NLU_DATA.glob("*.yml"))]:
        digest.update(path.read_bytes())
    return models_dir / f"danger-{digest.hexdigest()[:12]}.npz"


def save(fitted: DangerModel, path: Path) -> None:
    """Write the classifier's vocabulary and weights (atomically: tests run in parallel)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    grams = sorted(fitted._vocabulary, key=fitted._vocabulary.__getitem__)
    partial = path.with_suffix(f".{os.getpid()}.npz")
    np.savez(partial, grams=np.array(grams), weights=fitted._weights, bias=fitted._bias)
    partial.replace(path)


def load(path: Path) -> DangerModel:
    """Read a classifier written by `save`."""
    with np.load(path) as data:
        grams = [str(g) for g in data["grams"]]
        vocabulary = {g: i for i, g in enumerate(grams)}
        return DangerModel(vocabulary, data["weights"], float(data["bias"]))


def cached_model(flagged: Callable[[str], bool]) -> DangerModel:
    """The classifier: read from the cache, or trained (a few seconds) and cached.

    `flagged` is the rules' verdict (see `hotline_rows`); passed in, so this module knows
    nothing of the rules that read it.
    """
    path = cache_path()
    if path.exists():
        return load(path)
    fitted = train(load_rows() + hotline_rows(flagged))
    save(fitted, path)
    for stale in path.parent.glob("danger-*.npz"):
        if stale != path:
            stale.unlink(missing_ok=True)
    return fitted
