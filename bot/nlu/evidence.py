"""What the topic decision reads from a text besides the model: the situation's key facts."""

from __future__ import annotations

import datetime as dt
import re

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


# 人民调解法 第二条: people's mediation is a committee's; mediation led by a court (庭前调解,
# 诉前调解, a 调解书) is court procedure, however the citizen words it.
_COURT_MEDIATION = re.compile(r"(?:法院|法庭|法官|庭前|诉前)[^，。,.！？!?]{0,6}调解|调解书")
_PEOPLE_S_MEDIATION = re.compile(r"人民调解|人民调节|调委会|调解委员会|村委|居委|司法所|司法确认")


def by_statute(topic: Topic, intent: str, situation: Situation, model_text: str = "") -> Topic:
    """The topic after the statutory routes the model cannot know of."""
    if topic is Topic.OTHER and intent in _MIGRANT_MATTERS and "农民工" in situation.groups:
        return Topic.LEGAL_AID
    if (
        topic is Topic.MEDIATION
        and _COURT_MEDIATION.search(model_text)
        and not _PEOPLE_S_MEDIATION.search(model_text)
    ):
        return Topic.OTHER
    return topic
