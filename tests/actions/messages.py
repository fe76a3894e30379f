"""Messages as the NLU would understand them, read by the real rules (aspect, situation)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bot.nlu.aspect import aspect_of
from bot.nlu.language import language_of
from bot.nlu.situation import extract
from bot.types import NLUResult, Topic

TODAY = dt.date(2026, 12, 2)


def understood(text: str, topic: Topic, intent: str | None = None, **extra: Any) -> NLUResult:
    """`text` routed to `topic` (and `intent`), its aspect, situation and language read."""
    return NLUResult(
        text,
        intent or topic.value,
        0.9,
        topic,
        0.9,
        aspect=aspect_of(topic, text),
        situation=extract(text, TODAY),
        language=language_of(text),
        **extra,
    )
