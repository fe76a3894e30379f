"""A stand-in NLU that understands by a table, for dialogue tests without Rasa.

Only the model is stood in for: the rules (aspect, situation, danger, language) run as in
the real service. An old-style `topic_aspect` entry ("admin_review_cost") gives the
service's intent with that aspect.
"""

import datetime as dt

from bot.nlu.danger import detect
from bot.nlu.language import language_of
from bot.nlu.situation import extract
from bot.nlu.topics import SERVICE_INTENTS
from bot.types import NLUResult, Topic

TODAY = dt.date(2026, 12, 2)


class TableNLU:
    def __init__(self, table: dict[str, tuple[str, Topic]], today: dt.date = TODAY):
        self.table = table
        self.today = today

    async def understand(self, text: str) -> NLUResult:
        intent, topic = self.table.get(text, ("nlu_fallback", Topic.OTHER))
        aspect = None
        service = topic.value
        if topic is not Topic.OTHER and intent.startswith(f"{service}_"):
            intent, aspect = service, intent.removeprefix(f"{service}_")
        elif intent in SERVICE_INTENTS:
            aspect = "what"
        danger = detect(text)
        return NLUResult(
            text,
            intent,
            0.9,
            topic,
            0.9,
            urgent=danger is not None,
            danger=danger,
            aspect=aspect,
            situation=extract(text, self.today),
            language=language_of(text),
        )
