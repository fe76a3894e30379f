"""Repository functions for messages: the durable record of what came in and went out."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from sqlalchemy import Table, bindparam, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from bot.storage.models import Conversation, Message

PENDING, READY, ANSWERED = "pending", "ready", "answered"
UNFINISHED = (PENDING, READY)

# Built once: the hot path's statements, run on the session's connection rather than
# through the ORM, whose unit of work and statement building cost more than the writes.
# An UPDATE's SET clause is the columns named in its parameters.
_MESSAGES = cast(Table, Message.__table__)
_INSERT = _MESSAGES.insert()
_UPDATE = _MESSAGES.update().where(_MESSAGES.c.id == bindparam("message_id"))


def now() -> dt.datetime:
    """The current time, timezone-aware."""
    return dt.datetime.now(dt.UTC)


async def ensure_conversation(session: AsyncSession, conversation: str, channel: str) -> None:
    """Create the conversation's row if it is new (the caller commits)."""
    if await session.get(Conversation, conversation) is None:
        stamp = now()
        session.add(
            Conversation(
                id=conversation, created_at=stamp, updated_at=stamp, channel=channel, form_state={}
            )
        )
        await session.flush()


async def find_inbound(session: AsyncSession, channel: str, external_id: str) -> Message | None:
    """The inbound message a channel knows by `external_id`, if it was stored."""
    query = select(Message).where(Message.channel == channel, Message.external_id == external_id)
    return (await session.execute(query)).scalar_one_or_none()


async def add_inbound(
    session: AsyncSession,
    *,
    conversation: str,
    channel: str,
    external_id: str | None,
    kind: str,
    body: str,
    data: dict[str, Any] | None = None,
    look_first: bool = True,
    conversation_exists: bool = False,
) -> tuple[Message, bool]:
    """Store an inbound message and commit; `(message, False)` when it was stored before.

    `look_first=False` saves a query when the message is most likely new: a
    duplicate is then found through the unique constraint instead.
    """
    if look_first and external_id is not None:
        known = await find_inbound(session, channel, external_id)
        if known is not None:
            await session.commit()  # no transaction (nor connection) is held past here
            return known, False
    if not conversation_exists:
        await ensure_conversation(session, conversation, channel)
    values = {
        "conversation_id": conversation,
        "channel": channel,
        "direction": "in",
        "external_id": external_id,
        "kind": kind,
        "body": body,
        "data": data,
        "status": PENDING,
        "created_at": now(),
    }
    try:
        result = await (await session.connection()).execute(_INSERT, values)
        message_id = int(result.inserted_primary_key[0])  # type: ignore[index]
        await session.commit()
    except IntegrityError:
        # Stored before, or by another task between our look-up and insert.
        await session.rollback()
        if external_id is None:
            raise
        known = await find_inbound(session, channel, external_id)
        if known is None:
            raise
        await session.commit()
        return known, False
    row = Message(id=message_id, replies=None, reply_to=None, sent_ref=None, intent=None,
                  topic=None, handled_at=None, **values)  # fmt: skip
    make_transient_to_detached(row)  # as if loaded: merging it back costs no query
    return row, True


async def set_replies(
    session: AsyncSession,
    row: Message,
    replies: list[dict[str, Any]],
    intent: str | None,
    topic: str | None,
    body: str | None = None,
    *,
    answered: bool = False,
) -> None:
    """Record the replies chosen for an inbound message (the caller commits).

    `body` replaces the stored text, e.g. with its personal numbers masked;
    `answered` closes the message at once, all its replies having been sent.
    """
    values: dict[str, Any] = {"replies": replies, "intent": intent, "topic": topic}
    values.update(_closed() if answered else {"status": READY})
    if body is not None:
        values["body"] = body
    await (await session.connection()).execute(_UPDATE, {"message_id": row.id, **values})
    for key, value in values.items():
        set_committed_value(row, key, value)


def _closed() -> dict[str, Any]:
    # The channel's raw update was kept only to replay an unanswered message.
    return {"status": ANSWERED, "handled_at": now(), "data": None}


def outbound(
    inbound: Message, text: str, data: dict[str, Any], sent_ref: str | None
) -> dict[str, Any]:
    """The row of one reply that was sent, to be written by `finish`."""
    return {
        "conversation_id": inbound.conversation_id,
        "channel": inbound.channel,
        "direction": "out",
        "kind": "reply",
        "body": text,
        "data": data,
        "reply_to": inbound.id,
        "sent_ref": sent_ref,
        "created_at": now(),
    }


async def add_sent(session: AsyncSession, sent: list[dict[str, Any]]) -> None:
    """Write the rows of replies sent (see `outbound`; the caller commits)."""
    if sent:
        await (await session.connection()).execute(_INSERT, sent)


async def finish(
    session: AsyncSession, row: Message, sent: list[dict[str, Any]], *, answered: bool
) -> None:
    """Write the replies sent and, when all are out, close the inbound message. Commits."""
    await add_sent(session, sent)
    if answered:
        values = _closed()
        await (await session.connection()).execute(_UPDATE, {"message_id": row.id, **values})
        for key, value in values.items():
            set_committed_value(row, key, value)
    await session.commit()


def add_pushed(
    session: AsyncSession,
    conversation: str,
    channel: str,
    kind: str,
    data: dict[str, Any],
    sent_ref: str | None,
) -> None:
    """Record a message sent outside a turn, e.g. an operator's (the caller commits)."""
    session.add(
        Message(
            conversation_id=conversation,
            channel=channel,
            direction="out",
            kind=kind,
            body=data["text"],
            data=data,
            sent_ref=sent_ref,
            created_at=now(),
        )
    )


async def status_of(session: AsyncSession, message_id: int) -> str | None:
    """The stored status of a message, read afresh."""
    query = select(Message.status).where(Message.id == message_id)
    return (await session.execute(query)).scalar_one_or_none()


async def count_sent(session: AsyncSession, message_id: int) -> int:
    """How many replies to an inbound message were already sent (ends the transaction)."""
    query = select(func.count()).select_from(Message).where(Message.reply_to == message_id)
    count = int((await session.execute(query)).scalar_one())
    await session.commit()
    return count


async def unfinished(session: AsyncSession, channel: str) -> list[Message]:
    """Inbound messages of a channel stored but not yet answered, oldest first."""
    query = (
        select(Message)
        .where(Message.channel == channel, Message.status.in_(UNFINISHED))
        .order_by(Message.id)
    )
    return list((await session.execute(query)).scalars())


async def recent(session: AsyncSession, conversation: str, limit: int = 50) -> list[Message]:
    """The last `limit` messages of a conversation, oldest first."""
    query = (
        select(Message)
        .where(Message.conversation_id == conversation)
        .order_by(Message.id.desc())
        .limit(limit)
    )
    return list(reversed((await session.execute(query)).scalars().all()))


async def last_question(session: AsyncSession, conversation: str) -> Message | None:
    """The conversation's latest answered text message about one of the services."""
    query = (
        select(Message)
        .where(
            Message.conversation_id == conversation,
            Message.direction == "in",
            Message.kind == "text",
            Message.topic.is_not(None),
            Message.topic != "other",
        )
        .order_by(Message.id.desc())
        .limit(1)
    )
    return (await session.execute(query)).scalar_one_or_none()
