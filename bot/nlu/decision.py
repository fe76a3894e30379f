"""The topic decision: a small calibrated second stage over Rasa's ranking and a few cues.

Rasa ranks intents; summing their probability per topic and boosting a named service
was guessed, not measured, and sent court mediation to 人民调解. Here a multinomial
logistic regression over the per-topic masses, cue words and the situation found in the
text decides the topic. It is fitted on the tuning split (`tests/data/routing_tune.jsonl`)
after each training, so it always matches the model it reads, and never sees the test
split. Without a fitted decision the topic with the most mass wins.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot.nlu.topics import masses
from bot.types import Topic

CLASSES = (Topic.MEDIATION, Topic.LEGAL_AID, Topic.ADMIN_REVIEW, Topic.OTHER)
SERVICES = ("mediation", "legal_aid", "admin_review")

# Words that shift the decision whatever the model says; their weights are learnt.
CUES: dict[str, re.Pattern[str]] = {
    name: re.compile(pattern)
    for name, pattern in {
        "names_mediation": r"人民调解|人民调节|调委会|调解委员会|调解员|司法确认",
        "names_legal_aid": (
            r"法律援助|法援|援助律师|免费律师|免费的律师|不要钱的律师|律师.{0,4}免费"
        ),
        "names_review": r"行政复议|复议|复意|复义",
        "hardship": r"请不起|没钱|没有钱|付不起|拿不出|困难|低保|特困|五保|残疾|农民工|孤寡|救济",
        "court": r"法院|法庭|法官|调解书|判决|裁定|起诉|上诉|立案|开庭|强制执行|申请执行|执行局",
        "arbitration": r"仲裁",
        "traffic": r"交通事故|车祸|撞|事故认定|保险公司",
        "criminal": r"刑拘|刑事|判刑|判几年|判多久|量刑|取保|逮捕|检察院|坐牢|缓刑|拘役",
        "lawyer_fee": r"律师费|代理费|律师.{0,8}(多少钱|怎么收|收费)",
        "asks_rule": r"(罚|处罚).{0,6}(多少|几分|标准|吗|么)|怎么处罚|会被罚|如何处罚",
        "disputes": r"不服|不合理|合法吗|违法吗|凭什么|冤|不公平|乱罚|不对",
    }.items()
}
MASS_FEATURES = (*SERVICES, "area", "meta")
FEATURES = (
    *(f"mass_{m}" for m in MASS_FEATURES),
    *(f"log_{s}" for s in SERVICES),
    *CUES,
    "gov_act",
    "gov_party",
)


@dataclass(frozen=True, slots=True)
class Evidence:
    """What the decision reads besides the ranking: facts the situation extractor found."""

    gov_act: bool = False
    gov_party: bool = False


def features(
    ranking: Sequence[tuple[str, float]], text: str, evidence: Evidence = Evidence()
) -> list[float]:
    """The feature vector of one message, in the order of `FEATURES`."""
    mass = masses(ranking)
    row = [mass.get(m, 0.0) for m in MASS_FEATURES]
    row += [max(math.log(mass.get(s, 0.0) + 1e-4), -9.0) / 9.0 + 1.0 for s in SERVICES]
    row += [1.0 if pattern.search(text) else 0.0 for pattern in CUES.values()]
    row += [float(evidence.gov_act), float(evidence.gov_party)]
    return row


@dataclass(frozen=True)
class Decision:
    """A fitted multinomial logistic regression over `FEATURES`."""

    weights: np.ndarray  # (len(FEATURES), len(CLASSES))
    bias: np.ndarray  # (len(CLASSES),)

    def probabilities(self, row: Sequence[float]) -> dict[Topic, float]:
        """Probability of each topic for one feature vector."""
        scores = np.asarray(row) @ self.weights + self.bias
        exp = np.exp(scores - scores.max())
        probs = exp / exp.sum()
        return {topic: float(p) for topic, p in zip(CLASSES, probs, strict=True)}

    def to_json(self, path: Path, about: dict[str, object]) -> None:
        """Write the decision with a note of what it was fitted on."""
        data = {
            "features": list(FEATURES),
            "classes": [c.value for c in CLASSES],
            "weights": self.weights.round(6).tolist(),
            "bias": self.bias.round(6).tolist(),
            **about,
        }
        path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")

    @classmethod
    def from_json(cls, path: Path) -> Decision:
        """Read a decision; a file made for other features is refused."""
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("features") != list(FEATURES):
            raise ValueError(f"{path} was fitted for other features: train again")
        return cls(np.asarray(data["weights"], float), np.asarray(data["bias"], float))


def by_mass(ranking: Sequence[tuple[str, float]]) -> Topic:
    """The decision without a fitted stage: the service with the most mass, if it beats the rest."""
    mass = masses(ranking)
    other = mass.get("area", 0.0) + mass.get("meta", 0.0)
    best = max(SERVICES, key=lambda s: mass.get(s, 0.0))
    return Topic(best) if mass.get(best, 0.0) > other else Topic.OTHER


def fit(
    rows: Sequence[Sequence[float]],
    labels: Sequence[Topic],
    l2: float = 1e-3,
    steps: int = 3000,
    rate: float = 0.5,
) -> Decision:
    """Fit by full-batch gradient descent, each class weighted by its rarity (for macro-F1)."""
    x = np.asarray(rows, float)
    y = np.zeros((len(labels), len(CLASSES)))
    for i, label in enumerate(labels):
        y[i, CLASSES.index(label)] = 1.0
    counts = y.sum(axis=0)
    weight_per_class = np.where(counts > 0, len(labels) / (len(CLASSES) * np.maximum(counts, 1)), 0)
    sample_weight = (y * weight_per_class).sum(axis=1, keepdims=True)
    w = np.zeros((x.shape[1], len(CLASSES)))
    b = np.zeros(len(CLASSES))
    total = sample_weight.sum()
    for _ in range(steps):
        scores = x @ w + b
        scores -= scores.max(axis=1, keepdims=True)
        p = np.exp(scores)
        p /= p.sum(axis=1, keepdims=True)
        grad = sample_weight * (p - y) / total
        w -= rate * (x.T @ grad + l2 * w)
        b -= rate * grad.sum(axis=0)
    return Decision(w, b)
