"""One path for every channel: a citizen's text or button press in, the bot's replies out."""

from __future__ import annotations

import dataclasses
import logging
from contextlib import AbstractAsyncContextManager

from actions import legal_aid_check
from actions.reply import MAIN_MENU, Responder
from bot import texts
from bot.dialogue import safety
from bot.dialogue.handoff_flow import HandoffFlow
from bot.dialogue.state import Conversations
from bot.handoff.service import HandoffService
from bot.nlu.client import NLUService
from bot.types import Button, ConversationState, NLUResult, Reply, StateChange, Topic, Turn

log = logging.getLogger(__name__)

RESUME = Button(texts.CHECK_RESUME_BUTTON, "check:resume")
OFFER = (Button(texts.HANDOFF_OFFER_BUTTON, "human:fallback"),)
MISSES_BEFORE_OFFER = 2
UNHELPFUL_BEFORE_HANDOFF = 2
ANSWER_BUTTONS = ("entry:", "more:")
PRESSED_KEPT = 20
SAID_KEPT = 400
# The buttons a conversation may press: the last ones the bot offered in it, and the
# first screen's menu (shown before any stored turn, e.g. to a page opened anew).
OFFERED_KEPT = 60
STARTERS = frozenset(b.payload for b in MAIN_MENU)
# Buttons that act once (a request, a step of the intake, a rating): pressed, they are
# no longer on offer until the bot offers them again.
ONE_SHOT = ("human:", "intake:", "callback:", "handoff:", "privacy:", "rate:")
STARS = ("1", "2", "3", "4", "5")


def _missed(nlu: NLUResult, replies: list[Reply]) -> bool:
    # Counted: the model was unsure, or the bot had to say it found nothing.
    return nlu.uncertain or any(
        r.text.startswith(texts.UNSURE)
        or texts.NOT_FOUND in r.text
        or r.text.startswith(texts.NO_SPECIFIC_ANSWER)
        for r in replies
    )


class DialogueCore:
    """Understands a message and picks the replies; never raises for citizen input.

    Turns of one conversation run one at a time, in arrival order; different
    conversations run concurrently.
    """

    def __init__(
        self,
        nlu: NLUService,
        responder: Responder,
        conversations: Conversations | None = None,
        handoff: HandoffService | None = None,
    ) -> None:
        self._nlu = nlu
        self._responder = responder
        # Shared with the handoff service, which changes states under the same locks.
        self._states = conversations if conversations is not None else Conversations()
        self._handoff = HandoffFlow(handoff) if handoff is not None else None

    def prefetch(self, text: str) -> None:
        """Let the NLU start on a text before its turn comes (while it is being stored)."""
        prefetch = getattr(self._nlu, "prefetch", None)
        if prefetch is not None:
            prefetch(text)

    def hold(self, conversation: str) -> AbstractAsyncContextManager[None]:
        """Hold a conversation: its turns and state changes wait until the block ends."""
        return self._states.hold(conversation)

    async def update_state(self, conversation: str, change: StateChange) -> None:
        """Change a conversation's state between its turns (operators claim, close…)."""
        await self._states.update_state(conversation, change)

    def forget_state(self, conversation: str) -> None:
        """Drop a cached state whose write failed, so the stored one is read again."""
        self._states.forget(conversation)

    async def state(self, conversation: str) -> ConversationState:
        """The conversation's current state."""
        return await self._states.get(conversation)

    async def handle_text(self, text: str, conversation: str = "anonymous") -> Turn:
        """The turn for one free-text message."""
        async with self._states.hold(conversation):
            state = await self._states.get(conversation)
            nlu = await self._nlu.understand(text)
            state = self._remember(state, nlu)
            danger_flow, danger = safety.track(state.flow, nlu)
            state = state.with_(flow=danger_flow)
            if state.handoff is not None:
                await self._states.put(conversation, state)
                return Turn(nlu, [], relay=True)
            flow = self._handoff
            handled = None
            if flow is not None and "intake" in state.flow:
                handled = await flow.on_text(conversation, state, text, nlu)
            if handled is not None:
                state, replies = handled
                replies = self._responder.with_danger(replies, danger)
            elif flow is not None and "comment" in state.flow and not self._question(nlu):
                state, replies = await flow.on_comment(state, text)
            elif state.form == legal_aid_check.FORM and self._answers_form(state, text, nlu):
                form_state, replies = legal_aid_check.answer(state.form_state, text)
                state = self._form(state, form_state)
                replies = self._responder.with_danger(replies, danger)
            else:
                state, replies = await self._answer(conversation, state, nlu, danger)
            await self._states.put(conversation, _offer(state, replies))
        log.debug("intent=%s topic=%s degraded=%s", nlu.intent, nlu.topic, nlu.degraded)
        return Turn(nlu, replies)

    async def handle_button(self, payload: str, conversation: str = "anonymous") -> Turn:
        """The turn for a button press (its payload, e.g. `intent:legal_aid_apply`)."""
        async with self._states.hold(conversation):
            state = await self._states.get(conversation)
            nlu = await self._nlu.understand("")
            replies: list[Reply]
            flow = self._handoff
            handled = None
            if state.handoff is not None and not payload.startswith(("privacy:", "handoff:")):
                return Turn(nlu, [], relay=True)  # the operator sees it; the bot stays silent
            if not _open(state, payload):
                # Forged, another conversation's, or past its moment: nothing is done.
                log.info("a %r button not on offer here was refused", payload.split(":")[0][:20])
                return Turn(nlu, [Reply(texts.BUTTON_EXPIRED)])
            if payload in ("privacy:forget", "privacy:keep"):
                await self._states.put(conversation, _offer(state, [], payload))
                return self._forget(state, nlu, payload == "privacy:forget")
            if state.handoff is not None:
                if flow is not None:
                    state, replies = await flow.cancel(state)
                    await self._states.put(conversation, _offer(state, replies, payload))
                    return Turn(nlu, replies)
                return Turn(nlu, [], relay=True)
            if flow is not None:
                handled = await self._handoff_button(conversation, state, payload)
            if handled is not None:
                state, replies = handled
            elif payload == "check:start":
                fresh, replies = legal_aid_check.start(state.flow.get("said", ""))
                state = self._form(state, fresh)
            elif payload == "check:resume" and state.form:
                replies = [legal_aid_check.resume(state.form_state)]
            elif payload.startswith("check:") and state.form:
                form_state, replies = legal_aid_check.answer(state.form_state, payload)
                state = self._form(state, form_state)
            elif payload in state.flow.get("pressed", ()):
                replies = [Reply(texts.STALE_BUTTON)]
            else:
                replies = self._responder.to_button(payload, district=state.district)
                state = self._answered(state, replies, payload)
                if state.form:
                    replies = self._offer_resume(replies)
            await self._states.put(conversation, _offer(state, replies, payload))
        return Turn(nlu, replies)

    async def handle_command(self, command: str, conversation: str = "anonymous") -> Turn:
        """The turn for a channel command: `start`, `help` or `menu`; others get help."""
        async with self._states.hold(conversation):
            state = await self._states.get(conversation)
            nlu = await self._nlu.understand("")
            if state.handoff is not None:
                if command == "forget":
                    return Turn(nlu, [Reply(texts.FORGET_LATER)])
                return Turn(nlu, [], relay=True)
            replies = self._responder.to_command(command)
            if state.form:
                replies = self._offer_resume(replies)
            offered = _offer(state, replies)
            if offered is not state:
                await self._states.put(conversation, offered)
        return Turn(nlu, replies)

    @staticmethod
    def _forget(state: ConversationState, nlu: NLUResult, confirmed: bool) -> Turn:
        if state.handoff is not None:
            return Turn(nlu, [Reply(texts.FORGET_LATER)])
        if not confirmed:
            return Turn(nlu, [Reply(texts.FORGET_KEPT)])
        return Turn(nlu, [Reply(texts.FORGOTTEN)], forget=True)

    async def handle_media(self, conversation: str = "anonymous") -> Turn:
        """The turn for a photo, voice message, file or other non-text message."""
        async with self._states.hold(conversation):
            state = await self._states.get(conversation)
        nlu = await self._nlu.understand("")
        if state.handoff is not None:
            return Turn(nlu, [], relay=True)
        return Turn(nlu, [Reply(texts.MEDIA_NEEDS_TEXT)])

    async def _answer(
        self, conversation: str, state: ConversationState, nlu: NLUResult, danger: str | None
    ) -> tuple[ConversationState, list[Reply]]:
        last = state.flow.get("entry")
        replies = self._responder.to_message(nlu, state.district, danger, last)
        state = self._answered(state, replies)
        flow = self._handoff
        if flow is not None:
            if nlu.intent == "request_human" and danger is None:
                return await flow.start(conversation, state, "request", nlu)
            if nlu.urgent and "intake" not in state.flow:
                state, more = await flow.start(conversation, state, "emergency", nlu)
                return state, replies + more
            state, replies = self._count_misses(state, nlu, replies)
        if state.form:
            replies = self._offer_resume(replies)
        return state, replies

    @staticmethod
    def _count_misses(
        state: ConversationState, nlu: NLUResult, replies: list[Reply]
    ) -> tuple[ConversationState, list[Reply]]:
        flow = {k: v for k, v in state.flow.items() if k != "comment"}
        if not _missed(nlu, replies):
            flow.pop("misses", None)
            return state.with_(flow=flow), replies
        misses = int(flow.get("misses", 0)) + 1
        if misses >= MISSES_BEFORE_OFFER:
            flow.pop("misses", None)
            return state.with_(flow=flow), [*replies, Reply(texts.HANDOFF_OFFER, OFFER)]
        return state.with_(flow={**flow, "misses": misses}), replies

    async def _handoff_button(
        self, conversation: str, state: ConversationState, payload: str
    ) -> tuple[ConversationState, list[Reply]] | None:
        flow = self._handoff
        assert flow is not None  # noqa: S101
        kind, _, value = payload.partition(":")
        if kind == "human":
            return await flow.start(conversation, state, value or "request")
        if kind in ("intake", "callback"):
            return await flow.on_button(conversation, state, payload)
        if kind == "rate":
            return await flow.on_rating(state, payload)
        if kind == "feedback":
            count = int(state.flow.get("unhelpful", 0)) + 1 if value == "down" else 0
            rest = {k: v for k, v in state.flow.items() if k != "unhelpful"}
            if count >= UNHELPFUL_BEFORE_HANDOFF:
                return await flow.start(conversation, state.with_(flow=rest), "feedback")
            state = state.with_(flow={**rest, "unhelpful": count} if count else rest)
            return state, self._responder.to_button(payload, district=state.district)
        return None

    @staticmethod
    def _answered(
        state: ConversationState, replies: list[Reply], payload: str | None = None
    ) -> ConversationState:
        """Remember the entry answered (for follow-ups) and the answer buttons pressed."""
        flow = dict(state.flow)
        entry = next((r.entry for r in reversed(replies) if r.entry), None)
        # After a "您是想问" choice, a follow-up leans on the service of its first option.
        offered = (b.payload for r in replies for b in r.buttons)
        entry = entry or next((p[len("entry:") :] for p in offered if p.startswith("entry:")), None)
        if entry is not None:
            flow["entry"] = entry
        if payload is not None and payload.startswith(ANSWER_BUTTONS):
            # An earlier answer's button stops asking once it has been answered.
            flow["pressed"] = [*flow.get("pressed", [])[-(PRESSED_KEPT - 1) :], payload]
        return state.with_(flow=flow) if flow != state.flow else state

    @staticmethod
    def _question(nlu: NLUResult) -> bool:
        return nlu.topic is not Topic.OTHER and not nlu.uncertain

    @staticmethod
    def _answers_form(state: ConversationState, text: str, nlu: NLUResult) -> bool:
        # A short reply or one matching the question goes to the form; a new
        # question is answered and the form waits.
        if nlu.urgent:
            return False
        return legal_aid_check.understands(state.form_state, text)

    @staticmethod
    def _form(state: ConversationState, form_state: dict[str, object] | None) -> ConversationState:
        if form_state is None:
            return state.with_(form=None, form_state={})
        return state.with_(form=legal_aid_check.FORM, form_state=form_state)

    @staticmethod
    def _remember(state: ConversationState, nlu: NLUResult) -> ConversationState:
        topic = nlu.topic.value if nlu.topic is not Topic.OTHER else state.topic
        state = state.with_(topic=topic, district=nlu.district or state.district)
        if nlu.topic is Topic.OTHER:
            return state
        # The last question about a service: what the legal-aid check need not ask again.
        return state.with_(flow={**state.flow, "said": nlu.text[-SAID_KEPT:]})

    @staticmethod
    def _offer_resume(replies: list[Reply]) -> list[Reply]:
        last = replies[-1]
        return [*replies[:-1], dataclasses.replace(last, buttons=(*last.buttons, RESUME))]


def _open(state: ConversationState, payload: str) -> bool:
    """Whether the bot offered this button in this conversation and it still stands."""
    kind, _, rest = payload.partition(":")
    if kind == "rate" and rest != "skip":
        # The 1-5 rating comes with the closing message, outside a turn: it stands while
        # this conversation waits for that very handoff's rating.
        handoff, _, stars = rest.partition(":")
        return "rate" in state.flow and handoff == str(state.flow["rate"]) and stars in STARS
    if kind == "handoff" and payload != f"handoff:cancel:{state.handoff}":
        return False  # only the request still open can be withdrawn
    return payload in STARTERS or payload in state.flow.get("offered", ())


def _offer(
    state: ConversationState, replies: list[Reply], pressed: str | None = None
) -> ConversationState:
    """Remember the buttons just offered (the latest OFFERED_KEPT), less a one-shot one pressed."""
    before: list[str] = list(state.flow.get("offered", ()))
    new = list(dict.fromkeys(b.payload for r in replies for b in r.buttons))
    spent = pressed if pressed is not None and pressed.startswith(ONE_SHOT) else None
    kept = [p for p in before if p != spent and p not in new] + new
    kept = kept[-OFFERED_KEPT:]
    if kept == before:
        return state
    return state.with_(flow={**state.flow, "offered": kept})
