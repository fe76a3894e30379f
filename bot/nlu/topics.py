"""The topic contract: which topic an intent belongs to, and the topic of a ranking."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from bot.types import Topic

FALLBACK_INTENT = "nlu_fallback"

SERVICE_PREFIXES: dict[str, Topic] = {
    "mediation_": Topic.MEDIATION,
    "legal_aid_": Topic.LEGAL_AID,
    "admin_review_": Topic.ADMIN_REVIEW,
}

META_INTENTS = frozenset(
    {
        "greet",
        "goodbye",
        "thanks",
        "affirm",
        "deny",
        "request_human",
        "bot_challenge",
        "emergency",
        "chitchat",
        "out_of_scope",
    }
)


def topic_of(intent: str) -> Topic:
    """The topic an intent belongs to; meta and unknown intents are `other`."""
    for prefix, topic in SERVICE_PREFIXES.items():
        if intent.startswith(prefix):
            return topic
    return Topic.OTHER


# A citizen who writes the name of a service (复议, 法援, 调解…) almost always asks
# about it; that counts like this much extra probability for its topic.
NAMED_SERVICE_WEIGHT = 0.5


def choose(
    ranking: Iterable[tuple[str, float]], named: Topic | None = None
) -> tuple[Topic, float, str, float]:
    """Topic with the most probability mass, and that topic's best intent.

    A story that never names its service spreads its probability over several
    intents of the same service; summing per topic is steadier than the single
    best intent. `named` is the one service the text names outright, if any.
    """
    mass: dict[Topic, float] = defaultdict(float)
    best: dict[Topic, tuple[str, float]] = {}
    for intent, confidence in ranking:
        if intent == FALLBACK_INTENT:
            continue
        topic = topic_of(intent)
        mass[topic] += confidence
        if topic not in best or confidence > best[topic][1]:
            best[topic] = (intent, confidence)
    if not mass:
        return Topic.OTHER, 0.0, FALLBACK_INTENT, 0.0
    evidence = dict(mass)
    if named is not None and named in best:
        evidence[named] += NAMED_SERVICE_WEIGHT
    topic = max(evidence, key=lambda t: evidence[t])
    intent, confidence = best[topic]
    return topic, mass[topic], intent, confidence
