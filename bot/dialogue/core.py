"""One path for every channel: a citizen's text in, the bot's replies out."""

from __future__ import annotations

import logging

from actions.reply import reply_to
from bot.nlu.client import NLUService
from bot.types import Turn

log = logging.getLogger(__name__)


class DialogueCore:
    """Understands a message and picks the replies; never raises for citizen input."""

    def __init__(self, nlu: NLUService) -> None:
        self._nlu = nlu

    async def handle_text(self, text: str) -> Turn:
        """The turn for one free-text message."""
        nlu = await self._nlu.understand(text)
        replies = await reply_to(nlu)
        log.debug("intent=%s topic=%s degraded=%s", nlu.intent, nlu.topic, nlu.degraded)
        return Turn(nlu, replies)
