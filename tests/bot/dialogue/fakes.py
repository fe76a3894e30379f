"""A stand-in NLU that understands by a table, for dialogue tests without Rasa."""

from bot.types import NLUResult, Topic


class TableNLU:
    def __init__(self, table: dict[str, tuple[str, Topic]]):
        self.table = table

    async def understand(self, text: str) -> NLUResult:
        intent, topic = self.table.get(text, ("nlu_fallback", Topic.OTHER))
        return NLUResult(text, intent, 0.9, topic, 0.9)
