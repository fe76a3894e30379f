"""One path for every channel: a citizen's text or button press in, the bot's replies out."""

from __future__ import annotations

import logging

from actions.reply import Responder
from bot.nlu.client import NLUService
from bot.types import Turn

log = logging.getLogger(__name__)


class DialogueCore:
    """Understands a message and picks the replies; never raises for citizen input."""

    def __init__(self, nlu: NLUService, responder: Responder) -> None:
        self._nlu = nlu
        self._responder = responder

    async def handle_text(self, text: str) -> Turn:
        """The turn for one free-text message."""
        nlu = await self._nlu.understand(text)
        replies = self._responder.to_message(nlu)
        log.debug("intent=%s topic=%s degraded=%s", nlu.intent, nlu.topic, nlu.degraded)
        return Turn(nlu, replies)

    async def handle_button(self, payload: str) -> Turn:
        """The turn for a button press (its payload, e.g. `intent:legal_aid_apply`)."""
        nlu = await self._nlu.understand("")
        return Turn(nlu, self._responder.to_button(payload))
