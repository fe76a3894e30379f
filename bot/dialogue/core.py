"""One path for every channel: a citizen's text or button press in, the bot's replies out."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from actions import legal_aid_check
from actions.reply import Responder
from bot import texts
from bot.dialogue.state import ConversationState, MemoryStateStore, StateStore
from bot.nlu.client import NLUService
from bot.types import Button, NLUResult, Reply, Topic, Turn

log = logging.getLogger(__name__)

RESUME = Button(texts.CHECK_RESUME_BUTTON, "check:resume")


class DialogueCore:
    """Understands a message and picks the replies; never raises for citizen input.

    Turns of one conversation run one at a time, in arrival order; different
    conversations run concurrently.
    """

    def __init__(
        self, nlu: NLUService, responder: Responder, states: StateStore | None = None
    ) -> None:
        self._nlu = nlu
        self._responder = responder
        self._states = states or MemoryStateStore()
        # conversation -> (lock, turns holding or waiting for it); dropped at zero so
        # a long-running bot does not keep one lock per citizen ever seen.
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

    @contextlib.asynccontextmanager
    async def _serial(self, conversation: str) -> AsyncIterator[None]:
        lock, users = self._locks.get(conversation, (asyncio.Lock(), 0))
        self._locks[conversation] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[conversation]
            if users == 1:
                del self._locks[conversation]
            else:
                self._locks[conversation] = (lock, users - 1)

    async def handle_text(self, text: str, conversation: str = "anonymous") -> Turn:
        """The turn for one free-text message."""
        async with self._serial(conversation):
            state = await self._states.get(conversation)
            nlu = await self._nlu.understand(text)
            state = self._remember(state, nlu)
            if state.form == legal_aid_check.FORM and self._answers_form(state, text, nlu):
                form_state, replies = legal_aid_check.answer(state.form_state, text)
                state = self._form(state, form_state)
            else:
                replies = self._responder.to_message(nlu, district=state.district)
                if state.form:
                    replies = self._offer_resume(replies)
            await self._states.put(conversation, state)
        log.debug("intent=%s topic=%s degraded=%s", nlu.intent, nlu.topic, nlu.degraded)
        return Turn(nlu, replies)

    async def handle_button(self, payload: str, conversation: str = "anonymous") -> Turn:
        """The turn for a button press (its payload, e.g. `intent:legal_aid_apply`)."""
        async with self._serial(conversation):
            state = await self._states.get(conversation)
            nlu = await self._nlu.understand("")
            replies: list[Reply]
            if payload == "check:start":
                fresh, first = legal_aid_check.start()
                state, replies = self._form(state, fresh), [first]
            elif payload == "check:resume" and state.form:
                replies = [legal_aid_check.resume(state.form_state)]
            elif payload.startswith("check:") and state.form:
                form_state, replies = legal_aid_check.answer(state.form_state, payload)
                state = self._form(state, form_state)
            else:
                replies = self._responder.to_button(payload, district=state.district)
                if state.form:
                    replies = self._offer_resume(replies)
            await self._states.put(conversation, state)
        return Turn(nlu, replies)

    @staticmethod
    def _answers_form(state: ConversationState, text: str, nlu: NLUResult) -> bool:
        # A short reply or one matching the question goes to the form; a new
        # question is answered and the form waits.
        if nlu.intent == "emergency":
            return False
        return legal_aid_check.understands(state.form_state, text)

    @staticmethod
    def _form(state: ConversationState, form_state: dict[str, object] | None) -> ConversationState:
        if form_state is None:
            return state.with_(form=None, form_state={})
        return state.with_(form=legal_aid_check.FORM, form_state=form_state)

    @staticmethod
    def _remember(state: ConversationState, nlu: NLUResult) -> ConversationState:
        districts = nlu.entity_values("district")
        topic = nlu.topic.value if nlu.topic is not Topic.OTHER else state.topic
        return state.with_(topic=topic, district=districts[0] if districts else state.district)

    @staticmethod
    def _offer_resume(replies: list[Reply]) -> list[Reply]:
        last = replies[-1]
        return [*replies[:-1], Reply(last.text, (*last.buttons, RESUME), last.sources)]
