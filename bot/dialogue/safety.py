"""Danger as a state of the conversation: it lasts until the citizen is safe or falls quiet."""

from __future__ import annotations

from typing import Any

from bot.nlu.danger import SAFE_NOW, by_rules
from bot.nlu.normalize import for_model
from bot.types import NLUResult

KEY = "danger"
# Turns without any sign of danger after which the emergency line is no longer shown.
QUIET_TURNS = 3


def track(flow: dict[str, Any], nlu: NLUResult) -> tuple[dict[str, Any], str | None]:
    """The conversation's flow with the danger updated, and the danger's kind if it lasts."""
    rest = {k: v for k, v in flow.items() if k != KEY}
    active = flow.get(KEY)
    # "警察来了，我安全了" ends it, unless the same words name a new danger outright.
    if isinstance(active, dict) and is_safe_now(nlu.text) and by_rules(nlu.text) is None:
        return rest, None
    if nlu.danger is not None:
        kind = nlu.danger.kind.value
        return {**rest, KEY: {"kind": kind, "quiet": 0}}, kind
    if not isinstance(active, dict):
        return flow, None
    # The classifier already judged this text (nlu.danger); only the follow-up patterns
    # that count after an emergency are left to read.
    follow = by_rules(nlu.text, after_danger=True)
    if follow is not None:
        return {**rest, KEY: {"kind": follow.kind.value, "quiet": 0}}, follow.kind.value
    quiet = int(active.get("quiet", 0)) + 1
    if quiet > QUIET_TURNS:
        return rest, None
    kind = str(active.get("kind", "violence"))
    return {**rest, KEY: {"kind": kind, "quiet": quiet}}, kind


def is_safe_now(text: str) -> bool:
    """Whether the citizen says the danger is over."""
    return SAFE_NOW.search(for_model(text)) is not None
