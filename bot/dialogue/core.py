"""One path for every channel: a citizen's text or button press in, the bot's replies out."""

from __future__ import annotations

import logging

from actions import legal_aid_check
from actions.reply import Responder
from bot import texts
from bot.dialogue.state import ConversationState, MemoryStateStore, StateStore
from bot.nlu.client import NLUService
from bot.serial import KeyedLock
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
        self._serial = KeyedLock()

    async def handle_text(self, text: str, conversation: str = "anonymous") -> Turn:
        """The turn for one free-text message."""
        async with self._serial.hold(conversation):
            state = await self._states.get(conversation)
            nlu = await self._nlu.understand(text)
            state = self._remember(state, nlu)
            if state.human:
                await self._states.put(conversation, state)
                return Turn(nlu, [])
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
        async with self._serial.hold(conversation):
            state = await self._states.get(conversation)
            nlu = await self._nlu.understand("")
            replies: list[Reply]
            if state.human:
                replies = []
            elif payload == "check:start":
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

    async def handle_command(self, command: str, conversation: str = "anonymous") -> Turn:
        """The turn for a channel command: `start`, `help` or `menu`; others get help."""
        async with self._serial.hold(conversation):
            state = await self._states.get(conversation)
        nlu = await self._nlu.understand("")
        if state.human:
            return Turn(nlu, [])
        replies = self._responder.to_command(command)
        return Turn(nlu, self._offer_resume(replies) if state.form else replies)

    async def handle_media(self, conversation: str = "anonymous") -> Turn:
        """The turn for a photo, voice message, file or other non-text message."""
        async with self._serial.hold(conversation):
            state = await self._states.get(conversation)
        nlu = await self._nlu.understand("")
        return Turn(nlu, [] if state.human else [Reply(texts.MEDIA_NEEDS_TEXT)])

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
