"""What the topic decision reads from a text besides the model: the situation's key facts."""

from __future__ import annotations

import datetime as dt

from bot.nlu.decision import Evidence
from bot.nlu.situation import Situation, extract
from bot.types import Topic

GOVERNMENT = frozenset({"government", "police"})


def from_situation(situation: Situation) -> Evidence:
    """The decision's evidence from an extracted situation."""
    return Evidence(
        gov_act=situation.act is not None,
        gov_party=any(p.kind in GOVERNMENT for p in situation.parties),
    )


def evidence_of(model_text: str, today: dt.date) -> Evidence:
    """The decision's evidence from a normalised text."""
    return from_situation(extract(model_text, today))


# 法律援助法 第四十二条（三）: migrant workers claiming wages or work-injury damages get legal
# aid without the means test, so for them legal aid is the service the hotline offers.
_MIGRANT_MATTERS = frozenset({"other_labour"})


def by_statute(topic: Topic, intent: str, situation: Situation) -> Topic:
    """The topic after the statutory routes the model cannot know of."""
    if topic is Topic.OTHER and intent in _MIGRANT_MATTERS and "农民工" in situation.groups:
        return Topic.LEGAL_AID
    return topic
