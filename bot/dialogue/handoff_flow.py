"""The citizen's side of a handoff: the short intake, the callback consent, the rating."""

from __future__ import annotations

import re
from typing import Any

from bot import texts
from bot.handoff.service import HandoffService, Request
from bot.types import Button, ConversationState, NLUResult, Reply

_PHONE = re.compile(r"^(?:\+?86)?(1[3-9]\d{9}|0\d{2,3}\d{7,8})$")
_YES = re.compile(
    r"^(同意|好的?|可以|行|嗯+|要|是的?|对|麻烦了?|ok|yes)[。！!.，,]*(请?回电|打给我)?[。！!.]*$",
    re.I,
)
_NO = re.compile(r"^(不同意|不用了?|不要|不需要|算了|不了|不|no)[。！!.，,]*$", re.I)
MAX_DISTRICT = 12
SKIP = Button(texts.HANDOFF_SKIP_BUTTON, "intake:skip")
CANCEL = Button(texts.HANDOFF_CANCEL_BUTTON, "intake:cancel")


def _digits(text: str) -> str:
    """A typed phone number without the spaces, dashes and brackets people put in it."""
    return re.sub(r"[\s\-()（）]", "", text)


def _facts(nlu: NLUResult) -> dict[str, list[str]]:
    """What the operator's summary shows of the citizen's situation, by kind."""
    found: dict[str, list[str]] = {}
    for e in nlu.entities:
        found.setdefault(e.entity, []).append(e.value)
    situation = nlu.situation
    facts = {
        "district": [situation.district] if situation.district else [],
        "admin_act": [situation.act] if situation.act else [],
        "other_side": [p.body or p.phrase for p in situation.parties],
        "group": list(situation.groups),
        "amount": [a.phrase for a in situation.amounts],
        "date": [d.moment.phrase for d in situation.dates],
    }
    for key, values in facts.items():
        for value in values:
            if value not in found.setdefault(key, []):
                found[key].append(value)
    return {k: v for k, v in found.items() if v}


def _without(flow: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: v for k, v in flow.items() if k not in keys}


class HandoffFlow:
    """Asks what staff need, then queues the request (or a callback when no group is set)."""

    def __init__(self, service: HandoffService) -> None:
        self.service = service

    def _channel(self, conversation: str) -> str:
        return self.service.channels.channel_of(conversation)

    async def start(
        self, conversation: str, state: ConversationState, reason: str, nlu: NLUResult | None = None
    ) -> tuple[ConversationState, list[Reply]]:
        """Begin a handoff for `reason`; urgent ones are queued at once."""
        entities = _facts(nlu) if nlu else {}
        # The citizen's last question about a service says what the matter is.
        last = await self.service.last_question(conversation)
        intent = nlu.intent if nlu and nlu.intent != "request_human" else None
        description = nlu.text if reason == "emergency" and nlu else None
        intake = {
            "reason": reason,
            "urgent": reason == "emergency",
            "topic": state.topic,
            "intent": intent or (last[1] if last else None),
            "entities": entities,
            "district": state.district,
            "description": description or (last[0] if last else None),
        }
        if not self.service.staffed and not self.service.config.callback_desk:
            # No person here and nobody to call back: say so, and where a person is. In an
            # emergency the 110 line already said where help is; a second notice only distracts.
            return state, [] if reason == "emergency" else [Reply(texts.NO_HUMAN_HERE)]
        if not self.service.staffed:
            intake["step"] = "consent"
            flow = {**state.flow, "intake": intake}
            return state.with_(flow=flow), [
                Reply(texts.CALLBACK_ASK_CONSENT, self._consent_buttons())
            ]
        return await self._next(conversation, state, intake)

    async def on_text(
        self, conversation: str, state: ConversationState, text: str, nlu: NLUResult
    ) -> tuple[ConversationState, list[Reply]] | None:
        """A text message while the intake waits; None when it is no answer to the prompt."""
        intake = dict(state.flow["intake"])
        step, text = intake.get("step"), text.strip()
        if step == "consent":
            # Typed answers count like the buttons; anything else is answered as a
            # message, and the buttons stay where they are.
            digits = _digits(text)
            if _PHONE.match(digits):
                return await self._callback(conversation, state, intake, digits)
            if _YES.match(text):
                return await self.on_button(conversation, state, "callback:yes")
            if _NO.match(text):
                return await self.on_button(conversation, state, "callback:no")
            return None
        if step == "district":
            if nlu.district:
                intake["district"] = nlu.district
            elif len(text) <= MAX_DISTRICT:
                intake["district"] = text
            elif not intake.get("description"):
                intake["description"] = text  # a story, not a place: keep it, ask again
        elif step == "description":
            intake["description"] = text[:1000]
        elif step == "phone":
            digits = _digits(text)
            if _PHONE.match(digits) is None:
                return state, [Reply(texts.CALLBACK_BAD_PHONE, (CANCEL,))]
            return await self._callback(conversation, state, intake, digits)
        else:
            return None
        return await self._next(conversation, state, intake)

    async def on_button(
        self, conversation: str, state: ConversationState, payload: str
    ) -> tuple[ConversationState, list[Reply]] | None:
        """A button of the intake; None when the payload is not one of them."""
        intake = dict(state.flow.get("intake") or {})
        if payload == "intake:cancel" or payload == "callback:no":
            text = texts.CALLBACK_DECLINED if payload == "callback:no" else texts.HANDOFF_CANCELLED
            return state.with_(flow=_without(state.flow, "intake")), [Reply(text)]
        if not intake:
            return None
        if payload == "intake:skip":
            intake["description"] = intake.get("description") or ""
            intake["skipped"] = True
            return await self._next(conversation, state, intake)
        if payload == "callback:yes":
            intake["step"] = "phone"
            flow = {**state.flow, "intake": intake}
            return state.with_(flow=flow), [Reply(texts.CALLBACK_ASK_PHONE, (CANCEL,))]
        return None

    async def _next(
        self, conversation: str, state: ConversationState, intake: dict[str, Any]
    ) -> tuple[ConversationState, list[Reply]]:
        if not intake["urgent"]:
            if not intake.get("district"):
                intake["step"] = "district"
                flow = {**state.flow, "intake": intake}
                return state.with_(flow=flow), [Reply(texts.HANDOFF_ASK_DISTRICT, (CANCEL,))]
            if not intake.get("description") and not intake.get("skipped"):
                intake["step"] = "description"
                flow = {**state.flow, "intake": intake}
                return state.with_(flow=flow), [
                    Reply(texts.HANDOFF_ASK_DESCRIPTION, (SKIP, CANCEL))
                ]
        handoff_id, reply = await self.service.open(
            conversation, self._channel(conversation), self._request(intake)
        )
        flow = _without(state.flow, "intake", "misses", "unhelpful")
        state = state.with_(handoff=handoff_id, flow=flow, district=intake.get("district"))
        return state, [reply]

    async def _callback(
        self, conversation: str, state: ConversationState, intake: dict[str, Any], phone: str
    ) -> tuple[ConversationState, list[Reply]]:
        ticket = await self.service.callback(
            conversation, self._channel(conversation), self._request(intake), phone
        )
        state = state.with_(flow=_without(state.flow, "intake", "misses", "unhelpful"))
        return state, [Reply(texts.CALLBACK_SAVED.format(ticket=ticket))]

    @staticmethod
    def _request(intake: dict[str, Any]) -> Request:
        return Request(
            reason=intake["reason"],
            urgent=bool(intake["urgent"]),
            topic=intake.get("topic"),
            intent=intake.get("intent"),
            entities=intake.get("entities") or {},
            district=intake.get("district"),
            description=intake.get("description") or None,
        )

    @staticmethod
    def _consent_buttons() -> tuple[Button, ...]:
        return (
            Button(texts.CALLBACK_CONSENT_BUTTON, "callback:yes"),
            Button(texts.CALLBACK_DECLINE_BUTTON, "callback:no"),
        )

    # ------------------------------------------------------------ after the human

    async def on_rating(
        self, state: ConversationState, payload: str
    ) -> tuple[ConversationState, list[Reply]]:
        """`rate:<handoff>:<1-5>` or `rate:skip`."""
        parts = payload.split(":")
        if len(parts) == 3 and parts[1].isdigit() and parts[2].isdigit():
            handoff_id, rating = int(parts[1]), int(parts[2])
            if not await self.service.rate(handoff_id, rating):
                return state.with_(flow=_without(state.flow, "rate")), [Reply(texts.RATING_LATE)]
            flow = {**_without(state.flow, "rate"), "comment": handoff_id}
            return state.with_(flow=flow), [Reply(texts.RATING_THANKS, (SKIP_COMMENT,))]
        return state.with_(flow=_without(state.flow, "comment")), [Reply(texts.COMMENT_SKIPPED)]

    async def on_comment(
        self, state: ConversationState, text: str
    ) -> tuple[ConversationState, list[Reply]]:
        """The optional comment after a rating."""
        await self.service.comment(int(state.flow["comment"]), text)
        return state.with_(flow=_without(state.flow, "comment")), [Reply(texts.COMMENT_THANKS)]

    async def cancel(self, state: ConversationState) -> tuple[ConversationState, list[Reply]]:
        """The citizen withdraws a queued request."""
        if state.handoff is None or not await self.service.cancel(state.handoff):
            return state, [Reply(texts.HANDOFF_CANNOT_CANCEL)]
        return state.with_(handoff=None, human=None), [Reply(texts.HANDOFF_CANCELLED)]


SKIP_COMMENT = Button(texts.HANDOFF_SKIP_BUTTON, "rate:skip")


def is_phone(text: str) -> bool:
    """Whether a text is a phone number the bureau can call back."""
    return _PHONE.match(_digits(text)) is not None
