"""The topic contract: which topic an intent belongs to, and the mass of a ranking per topic."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from bot.types import Topic

FALLBACK_INTENT = "nlu_fallback"

# One intent per service: what the citizen asks about the service (cost, where, how
# long…) is read by rules (bot/nlu/aspect.py), which are surer than the model on it.
SERVICE_INTENTS: dict[str, Topic] = {
    "mediation": Topic.MEDIATION,
    "legal_aid": Topic.LEGAL_AID,
    "admin_review": Topic.ADMIN_REVIEW,
}

# Legal areas outside the three services, learnt explicitly so that the model knows
# the boundary; each gets a referral answer.
AREA_PREFIX = "other_"
AREAS = (
    "other_labour",
    "other_court",
    "other_criminal",
    "other_traffic",
    "other_family",
    "other_debt",
    "other_property",
    "other_consumer",
    "other_general",
)

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
    }
)


def topic_of(intent: str) -> Topic:
    """The topic an intent belongs to; areas, meta and unknown intents are `other`."""
    return SERVICE_INTENTS.get(intent, Topic.OTHER)


def is_area(intent: str) -> bool:
    """Whether the intent is a legal area outside the three services."""
    return intent.startswith(AREA_PREFIX)


def masses(ranking: Iterable[tuple[str, float]]) -> dict[str, float]:
    """Probability per service topic, per area group and per meta group."""
    mass: dict[str, float] = defaultdict(float)
    for intent, confidence in ranking:
        if intent == FALLBACK_INTENT:
            continue
        if intent in SERVICE_INTENTS:
            mass[intent] += confidence
        elif is_area(intent):
            mass["area"] += confidence
        else:
            mass["meta"] += confidence
    return mass


def best_intent(ranking: Iterable[tuple[str, float]], topic: Topic) -> tuple[str, float]:
    """The most probable intent of `topic` (for `other`: an area or meta intent)."""
    candidates = [(i, c) for i, c in ranking if i != FALLBACK_INTENT and topic_of(i) is topic]
    if not candidates:
        return (topic.value if topic is not Topic.OTHER else FALLBACK_INTENT), 0.0
    return max(candidates, key=lambda ic: ic[1])
