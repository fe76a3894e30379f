"""Every channel's messages go through here: stored first, answered once, in order."""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import privacy
from bot.channels.registry import CHANNELS
from bot.dialogue.core import DialogueCore
from bot.handoff.service import HandoffService
from bot.mask import mask, mask_json
from bot.outbox import Outbox
from bot.storage import messages as repo
from bot.storage.conversations import deferred_states
from bot.storage.db import checkpoint
from bot.storage.models import Message
from bot.storage.turns import Chosen, record_sent, record_turn
from bot.types import Inbound, Kind, Outcome, Reply, Turn, reply_from_json, reply_to_json

log = logging.getLogger(__name__)

KNOWN_CONVERSATIONS = 10_000
# Sends one reply on the channel; returns the channel's id of the sent message.
Sender = Callable[[Reply], Awaitable[str | None]]
# Delivers a whole turn at once.
Ready = Callable[[Outcome], Awaitable[None]]


def inbound_from_row(row: Message) -> Inbound:
    """The inbound message a stored row records."""
    kind: Kind = row.kind  # type: ignore[assignment]
    return Inbound(row.conversation_id, row.channel, row.external_id, kind, row.body, row.data)


async def _send_all(
    row: Message, replies: list[Reply], stored: list[dict[str, Any]], send: Sender | None
) -> tuple[list[dict[str, Any]], BaseException | None]:
    """Send replies in order (`stored`: each as JSON); rows of those sent, and what stopped."""
    done: list[dict[str, Any]] = []
    try:
        for reply, data in zip(replies, stored, strict=True):
            ref = await send(reply) if send is not None else None
            done.append(repo.outbound(row, reply.text, data, ref))
    except BaseException as exc:  # re-raised once what was sent is recorded
        return done, exc
    return done, None


async def _hand_over(ready: Ready | None, outcome: Outcome) -> None:
    if ready is None:
        return
    try:
        await ready(outcome)
    except Exception as exc:
        # The page went away; the replies are recorded all the same and shown from
        # the conversation's history when the citizen comes back.
        log.info("a turn's replies could not be handed over (%s); kept for the history", exc)


class ChatService:
    """Stores each inbound message, has the dialogue core answer it, records the replies.

    Messages of one conversation go through one at a time, in arrival order, from
    storing to the last reply sent; different conversations run concurrently.
    """

    def __init__(
        self,
        dialogue: DialogueCore,
        sessions: async_sessionmaker[AsyncSession],
        outbox: Outbox | None = None,
        handoff: HandoffService | None = None,
    ) -> None:
        self.dialogue = dialogue
        self._sessions = sessions
        # Where the channels register to be reached outside a turn (operator messages).
        self.outbox = outbox if outbox is not None else Outbox(sessions)
        # Where a handed-over conversation's messages go; None: no handoffs here.
        self.handoff = handoff
        # Conversations known to have their row, so storing a message needs no look-up.
        self._known: OrderedDict[str, None] = OrderedDict()
        # Rows stored by `accept` whose turn has not started yet.
        self._fresh: dict[tuple[str, str], Message] = {}

    async def accept(self, inbound: Inbound) -> bool:
        """Store a message before anything else happens to it; False if it was stored before."""
        if inbound.kind == "text":
            self.dialogue.prefetch(inbound.body)  # Rasa works while the row is written
        async with self._sessions() as session:
            row, new = await self._store(session, inbound, look_first=False)
        if new and inbound.external_id is not None and len(self._fresh) < KNOWN_CONVERSATIONS:
            self._fresh[(inbound.channel, inbound.external_id)] = row
        return new

    async def handle(
        self,
        inbound: Inbound,
        send: Sender | None = None,
        *,
        ready: Ready | None = None,
        accepted: bool = False,
    ) -> Outcome:
        """Answer a message unless it was answered before.

        `send` delivers each reply (Telegram); `ready` gets all of a turn's replies
        at once as soon as they are chosen (the web chat); `accepted`
        says the channel stored the message with `accept` already.
        """
        if not accepted and inbound.kind == "text":
            self.dialogue.prefetch(inbound.body)
        # The dialogue's hold: no operator changes the state until the turn is recorded.
        async with self.dialogue.hold(inbound.conversation), self._sessions() as session:
            row = self._fresh.pop((inbound.channel, inbound.external_id or ""), None)
            if row is None:
                row, _ = await self._store(session, inbound, look_first=accepted)
            if row.status == repo.ANSWERED:
                return Outcome(self._stored(row), True, row.intent, row.topic)
            if row.status == repo.PENDING:
                return await self._answer(session, row, inbound, send, ready)
            # Stopped after choosing the replies: only the ones not yet sent go out.
            sent = await repo.count_sent(session, row.id)
            outcome = Outcome(self._stored(row), False, row.intent, row.topic)
            await _hand_over(ready, outcome)
            done, failure = await _send_all(
                row, outcome.replies[sent:], list(row.replies or ())[sent:], send
            )
            await record_sent(session, row, done, answered=failure is None)
            if failure is not None:
                raise failure
            return outcome

    async def _answer(
        self,
        session: AsyncSession,
        row: Message,
        inbound: Inbound,
        send: Sender | None,
        ready: Ready | None,
    ) -> Outcome:
        """Choose the replies, send them, then record the turn in one commit.

        Nothing is written between choosing and sending, so the citizen waits for no
        write; a crash before the record leaves the message pending, to be answered
        again from the state it was asked in.
        """
        with deferred_states() as states:
            try:
                turn = await self._turn(inbound)
                if turn.relay:
                    await self._relay(inbound)
                # A message a human answers is no part of the bot's figures.
                intent = None if turn.relay else turn.nlu.intent
                topic = None if turn.relay else turn.nlu.topic.value
                outcome = Outcome(list(turn.replies), False, intent, topic)
                await _hand_over(ready, outcome)
                stored = [reply_to_json(r) for r in turn.replies]
                done, failure = await _send_all(row, outcome.replies, stored, send)
                # Whole only while an operator may need it (bot.privacy): a message stored
                # masked just before its conversation was handed over gets its text back.
                body = None
                if row.kind == "text":
                    body = inbound.body if turn.relay else mask(inbound.body)
                chosen = Chosen(stored, intent, topic, body)
                try:
                    await record_turn(session, row, states, chosen, done, answered=failure is None)
                except Exception:
                    if isinstance(failure, asyncio.CancelledError):
                        raise failure from None  # stopping: replayed at the next start
                    raise
            except BaseException:
                for conversation in states:
                    self.dialogue.forget_state(conversation)
                raise
        if failure is not None:
            raise failure
        if turn.forget:
            await self._forget_citizen(session, inbound.conversation)
        return outcome

    async def _forget_citizen(self, session: AsyncSession, conversation: str) -> None:
        """Delete everything of the citizen behind a conversation (after /forget)."""
        # A group member is a citizen of their own (a Telegram user id), not the group.
        citizen = CHANNELS.citizen_of(conversation)
        conversations = sorted({conversation, *await privacy.conversations_of(session, citizen)})
        counts = await privacy.delete_all(session, conversations)
        for cid in conversations:
            self.forget(cid)
            self.dialogue.forget_state(cid)
        await checkpoint(session)  # the deleted text is gone from the WAL file too
        log.info("a citizen's data was deleted on request: %s", counts)

    def forget(self, conversation: str) -> None:
        """Drop what is cached about a conversation whose rows were deleted."""
        self._known.pop(conversation, None)

    async def _store(
        self, session: AsyncSession, inbound: Inbound, *, look_first: bool
    ) -> tuple[Message, bool]:
        conversation = inbound.conversation
        known = conversation in self._known
        if not known:
            # Its row may have gone (deleted, or expired) since the state was cached.
            self.dialogue.forget_state(conversation)
        # Masked before the first write, so the raw numbers reach no file (nor SQLite's
        # WAL); kept whole only while a human has the conversation (bot.privacy).
        body = inbound.body
        if inbound.kind == "text" and (await self.dialogue.state(conversation)).handoff is None:
            body = mask(body)
        # The channel's raw update, kept to replay the message, holds its text too.
        data = mask_json(inbound.data) if inbound.data is not None else None

        async def add(exists: bool) -> tuple[Message, bool]:
            return await repo.add_inbound(
                session, conversation=conversation, channel=inbound.channel,
                external_id=inbound.external_id, kind=inbound.kind, body=body, data=data,
                look_first=look_first, conversation_exists=exists,
            )  # fmt: skip

        try:
            row, new = await add(known)
        except IntegrityError:
            if not known:
                raise
            # The conversation's rows were deleted behind our back (`privacy delete` in
            # another process, the retention job): start it afresh rather than lose the message.
            log.info("conversation %s was deleted while cached; created again", conversation)
            self.forget(conversation)
            self.dialogue.forget_state(conversation)
            row, new = await add(False)
        self._known[inbound.conversation] = None
        self._known.move_to_end(inbound.conversation)
        if len(self._known) > KNOWN_CONVERSATIONS:
            self._known.popitem(last=False)
        return row, new

    async def unfinished(self, channel: str) -> list[Inbound]:
        """Messages of a channel stored but not answered (e.g. before a crash), oldest first."""
        async with self._sessions() as session:
            return [inbound_from_row(row) for row in await repo.unfinished(session, channel)]

    async def history(self, conversation: str, limit: int = 50) -> list[tuple[str, Reply]]:
        """The last messages as (`citizen` | `bot` | `operator`, reply), oldest first."""
        return [
            (item["from"], reply_from_json(item))
            for item in await self.transcript(conversation, limit)
        ]

    async def transcript(self, conversation: str, limit: int = 50) -> list[dict[str, Any]]:
        """The last messages as the web chat shows them (`from`, `text`, buttons, sender)."""
        async with self._sessions() as session:
            rows = await repo.recent(session, conversation, limit)
        shown: list[dict[str, Any]] = []
        for row in rows:
            if row.direction == "out":
                who = "operator" if row.kind == "operator" else "bot"
                shown.append({**(row.data or {"text": row.body}), "from": who})
            elif row.kind == "text":
                shown.append({"text": row.body, "buttons": [], "sources": [], "from": "citizen"})
        return shown

    async def _relay(self, inbound: Inbound) -> None:
        # A human has the conversation: the operators see the message instead.
        if self.handoff is None:
            return
        handoff = (await self.dialogue.state(inbound.conversation)).handoff
        if handoff is not None:
            await self.handoff.from_citizen(handoff, inbound)

    async def _turn(self, inbound: Inbound) -> Turn:
        conversation = inbound.conversation
        if inbound.kind == "button":
            return await self.dialogue.handle_button(inbound.body, conversation)
        if inbound.kind == "command":
            return await self.dialogue.handle_command(inbound.body, conversation)
        if inbound.kind == "media":
            return await self.dialogue.handle_media(conversation)
        return await self.dialogue.handle_text(inbound.body, conversation)

    @staticmethod
    def _stored(row: Message) -> list[Reply]:
        return [reply_from_json(r) for r in row.replies or ()]
