"""What operators do with a handoff: claim, write, note, reassign, hand back, close."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from bot import texts
from bot.accounts.store import audit
from bot.handoff import staff_texts as staff
from bot.handoff.service import HandoffService, rating_buttons
from bot.storage import handoffs as repo
from bot.storage.models import Handoff
from bot.types import Button, ConversationState

log = logging.getLogger(__name__)
# Operator actions that change who holds a citizen's conversation go to the audit log.
AUDITED = ("claim", "close", "hand_back", "reassign")
WEB_PREFIX = "web:"


@dataclass(frozen=True, slots=True)
class Result:
    """What to tell the operator who acted; `ok` says whether anything changed."""

    ok: bool
    text: str


class OperatorActions:
    """Operator commands, checked against the configured operators and the handoff's state."""

    def __init__(self, service: HandoffService) -> None:
        self.service = service

    def label(self, user_id: int | str) -> str | None:
        """The display name of a configured operator; None for anyone else.

        Web console operators act as `web:<account id>`: the console checked their role,
        and citizens see a desk number, never the account's name.
        """
        key = str(user_id)
        if key.startswith(WEB_PREFIX):
            number = key.removeprefix(WEB_PREFIX)
            return staff.WEB_LABEL.format(n=int(number)) if number.isdigit() else None
        return self.service.config.operators.get(key)

    async def handoff_in(self, thread_id: int) -> Handoff | None:
        """The handoff an operators' topic is about."""
        async with self.service._sessions() as session:
            row = await repo.by_thread(session, thread_id)
            await session.commit()
            return row

    async def claim(self, handoff_id: int, user_id: int | str, external_id: str) -> Result:
        """Take a queued handoff; of two operators pressing at once, exactly one wins."""
        label = self.label(user_id)
        if label is None:
            log.warning(
                "user %s is not an operator: claim of handoff %s ignored", user_id, handoff_id
            )
            return Result(False, staff.NOT_OPERATOR)
        svc = self.service
        row = await svc._get(handoff_id)
        if row is None:
            return Result(False, staff.CLOSED_ALREADY)
        async with self._holding(row):
            won = await svc._transition(
                handoff_id, (repo.QUEUED,), status=repo.CLAIMED, claimed_at=svc.clock.now(),
                claimed_by=str(user_id), operator_label=label,
            )  # fmt: skip
            if won:
                await self._set_human(row, label)
        row = await svc._get(handoff_id)
        if row is None:
            return Result(False, staff.CLOSED_ALREADY)
        if not won:
            if row.status == repo.CLAIMED:
                return Result(False, staff.ALREADY_CLAIMED.format(label=row.operator_label))
            return Result(False, staff.CLOSED_ALREADY)
        await self._event(row, "claim", user_id, external_id)
        sender = texts.OPERATOR_SENDER.format(label=label)
        await self._push(row, texts.HANDOFF_CLAIMED.format(sender=sender))
        await self._post(row, staff.CLAIMED.format(label=label))
        return Result(True, staff.CLAIMED.format(label=label))

    async def say(self, handoff_id: int, user_id: int | str, text: str, external_id: str) -> Result:
        """Relay the claiming operator's message to the citizen."""
        row, refusal = await self._owned(handoff_id, user_id)
        if row is None:
            return refusal
        text = text.strip()[:4000]
        if not text or not await self._event(row, "operator_message", user_id, external_id, text):
            return Result(False, "")
        await self._replied(row)
        await self._push(row, text, sender=texts.OPERATOR_SENDER.format(label=row.operator_label))
        if str(user_id).startswith(WEB_PREFIX):
            # Colleagues in the Telegram group follow what the web desk writes.
            await self._post(row, staff.WEB_SAID.format(label=row.operator_label, text=text))
        return Result(True, "")

    async def media(
        self,
        handoff_id: int,
        user_id: int | str,
        source: dict[str, int],
        kind: str,
        external_id: str,
    ) -> Result:
        """Copy the claiming operator's photo or file to the citizen."""
        row, refusal = await self._owned(handoff_id, user_id)
        if row is None:
            return refusal
        if not await self._event(row, "operator_media", user_id, external_id, f"[{kind}]"):
            return Result(False, "")
        outbox = self.service.outbox
        sender = texts.OPERATOR_SENDER.format(label=row.operator_label)
        if outbox is None or not await outbox.push_media(row.conversation_id, source, sender):
            return Result(False, staff.WEB_NO_MEDIA)
        await self._replied(row)
        return Result(True, "")

    async def canned(
        self, handoff_id: int, user_id: int | str, name: str, external_id: str
    ) -> Result:
        """Send one of the canned replies by name."""
        replies = self.service.config.canned
        text = replies.get(name.strip())
        if text is None:
            names = "、".join(sorted(replies)) or "（未配置）"
            return Result(False, staff.UNKNOWN_CANNED.format(name=name, names=names))
        return await self.say(handoff_id, user_id, text, external_id)

    async def note(
        self, handoff_id: int, user_id: int | str, text: str, external_id: str
    ) -> Result:
        """An internal note: kept with the handoff, never shown to the citizen."""
        if self.label(user_id) is None:
            return Result(False, staff.NOT_OPERATOR)
        row = await self.service._get(handoff_id)
        if row is None:
            return Result(False, staff.CLOSED_ALREADY)
        text = text.strip()[:4000]
        if not text:
            return Result(False, staff.EMPTY_NOTE)
        await self._event(row, "note", user_id, external_id, text)
        return Result(True, staff.NOTE_SAVED)

    async def close(
        self, handoff_id: int, user_id: int | str, code: str, external_id: str
    ) -> Result:
        """End the handoff with a close code; the citizen is asked for a rating."""
        label = self.label(user_id)
        if label is None:
            return Result(False, staff.NOT_OPERATOR)
        code = code.strip() or "resolved"
        if code not in staff.CLOSE_CODES:
            return Result(False, staff.UNKNOWN_CODE.format(codes="、".join(staff.CLOSE_CODES)))
        svc = self.service
        row = await svc._get(handoff_id)
        if row is None:
            return Result(False, staff.CLOSED_ALREADY)
        async with self._holding(row):
            done = await svc._transition(
                handoff_id, repo.OPEN, claimant=str(user_id), status=repo.CLOSED,
                closed_at=svc.clock.now(), closed_by=str(user_id), close_code=code,
            )  # fmt: skip
            if done:
                await self._release(row, rate=True)
        if not done:
            return await self._refused(handoff_id)
        await self._event(row, "close", user_id, external_id, code)
        await self._push(
            row,
            texts.HANDOFF_CLOSED_ASK_RATING.format(ticket=row.ticket),
            buttons=rating_buttons(row.id),
        )
        text = staff.CLOSED.format(label=label, code=staff.CLOSE_CODES[code])
        await self._post(row, text)
        return Result(True, text)

    async def hand_back(self, handoff_id: int, user_id: int | str, external_id: str) -> Result:
        """Give the conversation back to the bot without a rating."""
        label = self.label(user_id)
        if label is None:
            return Result(False, staff.NOT_OPERATOR)
        svc = self.service
        row = await svc._get(handoff_id)
        if row is None:
            return Result(False, staff.CLOSED_ALREADY)
        async with self._holding(row):
            done = await svc._transition(
                handoff_id, repo.OPEN, claimant=str(user_id), status=repo.CLOSED,
                closed_at=svc.clock.now(), closed_by=str(user_id), close_code="back_to_bot",
            )  # fmt: skip
            if done:
                await self._release(row, rate=False)
        if not done:
            return await self._refused(handoff_id)
        await self._event(row, "hand_back", user_id, external_id)
        await self._push(row, texts.HANDOFF_BACK_TO_BOT)
        text = staff.HANDED_BACK.format(label=label)
        await self._post(row, text)
        return Result(True, text)

    async def reassign(
        self, handoff_id: int, user_id: int | str, target: str, external_id: str
    ) -> Result:
        """Hand a claimed handoff to a named operator, or back to the queue without a name."""
        label = self.label(user_id)
        if label is None:
            return Result(False, staff.NOT_OPERATOR)
        row = await self.service._get(handoff_id)
        if row is None or row.status not in repo.OPEN:
            return Result(False, staff.CLOSED_ALREADY)
        svc = self.service
        operators = svc.config.operators
        target = target.strip()
        values: dict[str, Any] = {"status": repo.QUEUED, "claimed_by": None}
        holder, text = None, staff.REASSIGNED_QUEUE.format(label=label)
        if target:
            chosen = next((uid for uid, name in operators.items() if target in (uid, name)), None)
            if chosen is None:
                return Result(False, staff.UNKNOWN_OPERATOR.format(name=target))
            values = {"status": repo.CLAIMED, "claimed_by": chosen,
                      "claimed_at": row.claimed_at or svc.clock.now()}  # fmt: skip
            holder = operators[chosen]
            text = staff.REASSIGNED_TO.format(label=label, target=holder)
        async with self._holding(row):
            done = await svc._transition(
                row.id, repo.OPEN, claimant=str(user_id), operator_label=holder, **values
            )
            if done:
                await self._set_human(row, holder)
        if not done:
            return await self._refused(handoff_id)
        await self._event(row, "reassign", user_id, external_id, target or None)
        await self._post(row, text, claim=not target)
        return Result(True, text)

    # ------------------------------------------------------------ helpers

    @contextlib.asynccontextmanager
    async def _holding(self, row: Handoff) -> AsyncIterator[None]:
        """Hold the citizen's conversation while a transition and its state change are made.

        No turn runs in between, so the stored state never keeps a handoff closed meanwhile.
        """
        states = self.service.conversations
        if states is None:
            yield
            return
        async with states.hold(row.conversation_id):
            yield

    async def _refused(self, handoff_id: int) -> Result:
        """Why a close, hand-back or reassignment did not apply: ended, or another's case."""
        row = await self.service._get(handoff_id)
        if row is not None and row.status == repo.CLAIMED:
            return Result(False, staff.NOT_YOURS_TO_END.format(label=row.operator_label))
        return Result(False, staff.CLOSED_ALREADY)

    async def _owned(self, handoff_id: int, user_id: int | str) -> tuple[Handoff | None, Result]:
        if self.label(user_id) is None:
            log.warning(
                "user %s is not an operator: message about handoff %s ignored", user_id, handoff_id
            )
            return None, Result(False, "")
        row = await self.service._get(handoff_id)
        if row is None or row.status not in repo.OPEN:
            return None, Result(False, staff.CLOSED_ALREADY)
        if row.status == repo.QUEUED:
            return None, Result(False, staff.NOT_CLAIMED_YET)
        if row.claimed_by != str(user_id):
            return None, Result(False, staff.NOT_YOURS.format(label=row.operator_label))
        return row, Result(True, "")

    async def _event(
        self, row: Handoff, kind: str, user_id: int | str, external_id: str, body: str | None = None
    ) -> bool:
        async with self.service._sessions() as session:
            if kind in AUDITED:
                actor = f"operator:{self.label(user_id) or user_id}"
                await audit(session, actor, kind, row.ticket, {"code": body} if body else None)
            added = await repo.add_event(
                session, row.id, kind, self.service.clock.now(),
                actor=str(user_id), external_id=external_id or None, body=body,
            )  # fmt: skip
        if added:
            self.service.changed(row.id)
        return added

    async def _replied(self, row: Handoff) -> None:
        now = self.service.clock.now()
        values = {"last_operator_at": now, "flagged_at": None}
        if row.first_reply_at is None:
            values["first_reply_at"] = now
        async with self.service._sessions() as session:
            await repo.touch(session, row.id, **values)

    async def _set_human(self, row: Handoff, label: str | None) -> None:
        states = self.service.conversations
        if states is not None:
            await states.update_state(
                row.conversation_id, lambda s: s.with_(human=label, handoff=row.id)
            )

    async def _release(self, row: Handoff, *, rate: bool) -> None:
        states = self.service.conversations
        if states is None:
            return

        def change(state: ConversationState) -> ConversationState:
            flow = {k: v for k, v in state.flow.items() if k not in ("rate", "comment")}
            if rate:
                flow["rate"] = row.id
            return state.with_(human=None, handoff=None, flow=flow)

        await states.update_state(row.conversation_id, change)

    async def _push(
        self,
        row: Handoff,
        text: str,
        *,
        sender: str | None = None,
        buttons: tuple[Button, ...] = (),
    ) -> None:
        outbox = self.service.outbox
        if outbox is not None:
            await outbox.push(row.conversation_id, text, sender=sender, buttons=buttons)

    async def _post(self, row: Handoff, text: str, *, claim: bool = False) -> None:
        desk = self.service.desk
        if desk is None or row.thread_id is None:
            return
        buttons = (Button(staff.CLAIM_BUTTON, f"op:claim:{row.id}"),) if claim else ()
        try:
            await desk.post(row.thread_id, text, buttons)
        except Exception:
            log.exception("could not post in the topic of %s", row.ticket)
