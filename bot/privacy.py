"""Citizens' personal data: export and deletion on request, masking after a handoff, retention.

What is kept, as the privacy notice says (texts.privacy_notice):
- a citizen's messages are stored with ID, phone, card numbers and e-mail addresses
  masked, except while a hotline operator may need them: from a handoff's request
  until `raw_hours` after it closes;
- after `retention_days` without activity a conversation keeps no text and no
  identifier: bodies are emptied and its id becomes a random one, so the figures
  (counts, times, ratings) stay and nobody can be found in them;
- `/forget`, or `python -m bot privacy delete`, deletes everything of a citizen at once.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channels.registry import CHANNELS
from bot.mask import mask
from bot.storage import handoffs as handoff_repo
from bot.storage.models import Conversation, Handoff, HandoffEvent, Message

GONE_PREFIX = "gone:"
EXPIRE_BATCH = 500
Sessions = async_sessionmaker[AsyncSession]


class CitizenError(ValueError):
    """A citizen reference that is not understood; the text says what is."""


def citizen_help() -> str:
    """How staff name a citizen: a reference on one of the channels, or a ticket number."""
    return ", ".join(c.citizen_help for c in CHANNELS) + " or a ticket number"


async def conversations_of(session: AsyncSession, citizen: str) -> list[str]:
    """The conversations of a citizen: a channel's reference (`tg:<user id>`) or a ticket number.

    A Telegram user has their private chat and one conversation per group they wrote in.
    """
    citizen = citizen.strip()
    channel = next((c for c in CHANNELS if c.is_citizen(citizen)), None)
    if channel is not None and channel.per_member:
        member = citizen.removeprefix(f"{channel.prefix}:")
        query = select(Conversation.id).where(
            or_(
                Conversation.id == citizen,
                Conversation.id.like(channel.conversation(f"%:{member}")),
            )
        )
    elif channel is not None:
        query = select(Conversation.id).where(Conversation.id == citizen)
    elif len(citizen) == 11 and citizen[4] == "-" and citizen.replace("-", "").isdigit():
        query = select(Handoff.conversation_id).where(Handoff.ticket == citizen)
    else:
        raise CitizenError(f"a citizen is {citizen_help()}")
    return sorted({str(c) for c in (await session.execute(query)).scalars()})


def _when(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


async def export(session: AsyncSession, conversations: list[str]) -> dict[str, Any]:
    """Everything stored about these conversations, as JSON-ready data."""
    out: list[dict[str, Any]] = []
    for cid in conversations:
        row = await session.get(Conversation, cid)
        if row is None:
            continue
        messages = (
            await session.execute(
                select(Message).where(Message.conversation_id == cid).order_by(Message.id)
            )
        ).scalars()
        handoffs = (
            await session.execute(select(Handoff).where(Handoff.conversation_id == cid))
        ).scalars()
        out.append(
            {
                "conversation": cid,
                "channel": row.channel,
                "district": row.district,
                "created_at": _when(row.created_at),
                "updated_at": _when(row.updated_at),
                "messages": [
                    {
                        "at": _when(m.created_at),
                        "direction": m.direction,
                        "kind": m.kind,
                        "text": m.body,
                    }
                    for m in messages
                ],
                "handoffs": [
                    {
                        "ticket": h.ticket,
                        "requested_at": _when(h.requested_at),
                        "closed_at": _when(h.closed_at),
                        "description": h.description,
                        "contact": h.contact,
                        "rating": h.rating,
                        "comment": h.comment,
                    }
                    for h in handoffs
                ],
            }
        )
    await session.commit()
    return {"conversations": out}


async def delete_all(session: AsyncSession, conversations: list[str]) -> dict[str, int]:
    """Delete every row of these conversations; commits. Returns what was deleted."""
    if not conversations:
        return {"conversations": 0, "messages": 0, "handoffs": 0}
    handoff_ids = select(Handoff.id).where(Handoff.conversation_id.in_(conversations))
    await session.execute(delete(HandoffEvent).where(HandoffEvent.handoff_id.in_(handoff_ids)))
    handoffs = await session.execute(
        delete(Handoff).where(Handoff.conversation_id.in_(conversations))
    )
    # Replies point at their question: clear the links first, then delete in one go.
    await session.execute(
        update(Message).where(Message.conversation_id.in_(conversations)).values(reply_to=None)
    )
    messages = await session.execute(
        delete(Message).where(Message.conversation_id.in_(conversations))
    )
    gone = await session.execute(delete(Conversation).where(Conversation.id.in_(conversations)))
    await session.commit()
    return {
        "conversations": int(gone.rowcount),  # type: ignore[attr-defined]
        "messages": int(messages.rowcount),  # type: ignore[attr-defined]
        "handoffs": int(handoffs.rowcount),  # type: ignore[attr-defined]
    }


async def mask_after_handoffs(
    session: AsyncSession, closed_before: dt.datetime, now: dt.datetime
) -> int:
    """Mask the text of conversations whose handoffs closed before `closed_before`.

    Returns how many handoffs were done; each is done once (`masked_at`).
    """
    rows = list(
        (
            await session.execute(
                select(Handoff).where(
                    Handoff.masked_at.is_(None),
                    Handoff.status.in_((handoff_repo.CLOSED, handoff_repo.CALLBACK)),
                    func.coalesce(Handoff.closed_at, Handoff.requested_at) < closed_before,
                )
            )
        ).scalars()
    )
    open_now = set(
        (
            await session.execute(
                select(Handoff.conversation_id).where(Handoff.status.in_(handoff_repo.OPEN))
            )
        ).scalars()
    )
    done = 0
    for row in rows:
        if row.conversation_id in open_now:
            continue  # another request is open: the operator may still need the numbers
        texts = (
            await session.execute(
                select(Message.id, Message.body, Message.data).where(
                    Message.conversation_id == row.conversation_id
                )
            )
        ).all()
        for message_id, body, data in texts:
            masked = mask(body)
            shown = data
            if isinstance(data, dict) and isinstance(data.get("text"), str):
                shown = {**data, "text": mask(data["text"])}  # what the web chat shows
            if masked != body or shown != data:
                await session.execute(
                    update(Message).where(Message.id == message_id).values(body=masked, data=shown)
                )
        events = (
            await session.execute(
                select(HandoffEvent.id, HandoffEvent.body).where(HandoffEvent.handoff_id == row.id)
            )
        ).all()
        for event_id, said in events:
            if said and mask(said) != said:
                await session.execute(
                    update(HandoffEvent).where(HandoffEvent.id == event_id).values(body=mask(said))
                )
        await session.execute(
            update(Handoff)
            .where(Handoff.id == row.id)
            .values(
                description=mask(row.description) if row.description else None,
                contact=None if row.status == handoff_repo.CLOSED else row.contact,
                comment=mask(row.comment) if row.comment else None,
                masked_at=now,
            )
        )
        done += 1
    await session.commit()
    return done


async def expire(
    session: AsyncSession, inactive_before: dt.datetime, limit: int = EXPIRE_BATCH
) -> int:
    """Strip conversations idle since before `inactive_before` of text and identifiers.

    The rows stay, under a random id, so the statistics keep their counts. Returns how
    many conversations were done (at most `limit`: the job runs again).
    """
    stale = list(
        (
            await session.execute(
                select(Conversation)
                .where(
                    Conversation.updated_at < inactive_before,
                    ~Conversation.id.startswith(GONE_PREFIX),
                    Conversation.handoff_id.is_(None),
                )
                .limit(limit)
            )
        ).scalars()
    )
    for row in stale:
        new_id = GONE_PREFIX + secrets.token_hex(12)
        session.add(
            Conversation(
                id=new_id,
                created_at=row.created_at,
                updated_at=row.updated_at,
                topic=row.topic,
                district=row.district,
                channel=row.channel,
                form_state={},
            )
        )
        await session.flush()
        await session.execute(
            update(Message)
            .where(Message.conversation_id == row.id)
            .values(
                conversation_id=new_id,
                body="",
                data=None,
                replies=None,
                external_id=None,
                sent_ref=None,
            )
        )
        handoff_ids = select(Handoff.id).where(Handoff.conversation_id == row.id)
        await session.execute(
            update(HandoffEvent)
            .where(HandoffEvent.handoff_id.in_(handoff_ids))
            .values(body=None, external_id=None)
        )
        await session.execute(
            update(Handoff)
            .where(Handoff.conversation_id == row.id)
            .values(
                conversation_id=new_id,
                description=None,
                contact=None,
                comment=None,
                entities=None,
                thread_id=None,
            )
        )
        await session.execute(delete(Conversation).where(Conversation.id == row.id))
    await session.commit()
    return len(stale)
