"""Repository functions for handoffs and their events."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.mask import mask_json
from bot.storage.conversations import stored_district
from bot.storage.models import Handoff, HandoffEvent

QUEUED, CLAIMED, CLOSED, CALLBACK = "queued", "claimed", "closed", "callback"
OPEN = (QUEUED, CLAIMED)


async def next_ticket(session: AsyncSession, year: int) -> str:
    """The next free ticket number of a year, e.g. `2026-000123`."""
    query = select(func.max(Handoff.ticket)).where(Handoff.ticket.like(f"{year}-%"))
    last = (await session.execute(query)).scalar_one_or_none()
    number = int(last.split("-", 1)[1]) + 1 if last else 1
    return f"{year}-{number:06d}"


async def create(session: AsyncSession, zone: dt.tzinfo, **fields: Any) -> Handoff:
    """Insert a handoff with the next ticket of its year (in the office's zone) and commit."""
    requested: dt.datetime = fields["requested_at"]
    year = requested.astimezone(zone).year
    # Shown in topic names, the desk and the figures: never a typed number in the clear.
    fields["district"] = stored_district(fields.get("district"))
    if fields.get("entities"):
        fields["entities"] = mask_json(fields["entities"])
    for _ in range(5):
        ticket = await next_ticket(session, year)
        row = Handoff(ticket=ticket, **fields)
        session.add(row)
        try:
            await session.commit()
        except IntegrityError:
            # Another process took the number first: take the next one.
            await session.rollback()
            continue
        return row
    raise RuntimeError("could not allocate a ticket number")


async def get(session: AsyncSession, handoff_id: int) -> Handoff | None:
    """A handoff by id."""
    return await session.get(Handoff, handoff_id)


async def by_thread(session: AsyncSession, thread_id: int) -> Handoff | None:
    """The latest handoff discussed in an operators' forum topic."""
    query = select(Handoff).where(Handoff.thread_id == thread_id).order_by(Handoff.id.desc())
    return (await session.execute(query.limit(1))).scalar_one_or_none()


async def open_for(session: AsyncSession, conversation: str) -> Handoff | None:
    """The conversation's queued or claimed handoff, if any."""
    query = select(Handoff).where(Handoff.conversation_id == conversation, Handoff.status.in_(OPEN))
    return (await session.execute(query.order_by(Handoff.id.desc()).limit(1))).scalar_one_or_none()


async def ahead_of(session: AsyncSession, row: Handoff) -> int:
    """How many queued requests will be taken before this one (urgent ones first)."""
    earlier = Handoff.id < row.id  # ids grow in the order requests came
    urgent = Handoff.urgent.is_(True)
    condition: ColumnElement[bool] = (urgent & earlier) if row.urgent else or_(urgent, earlier)
    query = (
        select(func.count())
        .select_from(Handoff)
        .where(Handoff.status == QUEUED, Handoff.id != row.id, condition)
    )
    return int((await session.execute(query)).scalar_one())


async def transition(
    session: AsyncSession,
    handoff_id: int,
    from_status: tuple[str, ...],
    *,
    claimant: str | None = None,
    **values: Any,
) -> bool:
    """Change a handoff only if it is still in one of `from_status`; commits.

    This is what makes two simultaneous claims safe: one UPDATE matches, the other not.
    With `claimant`, a claimed handoff changes only if that operator holds it.
    """
    query = update(Handoff).where(Handoff.id == handoff_id, Handoff.status.in_(from_status))
    if claimant is not None:
        query = query.where(or_(Handoff.status != CLAIMED, Handoff.claimed_by == claimant))
    result = await session.execute(query.values(**values))
    await session.commit()
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def set_thread(session: AsyncSession, handoff_id: int, thread_id: int) -> bool:
    """Record a handoff's forum topic unless it has one; commits. False if it had."""
    result = await session.execute(
        update(Handoff)
        .where(Handoff.id == handoff_id, Handoff.thread_id.is_(None))
        .values(thread_id=thread_id)
    )
    await session.commit()
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def touch(session: AsyncSession, handoff_id: int, **values: Any) -> None:
    """Set some fields of a handoff unconditionally; commits."""
    await session.execute(update(Handoff).where(Handoff.id == handoff_id).values(**values))
    await session.commit()


async def has_event(session: AsyncSession, external_id: str) -> bool:
    """Whether an event with this external id was recorded."""
    query = select(HandoffEvent.id).where(HandoffEvent.external_id == external_id)
    return (await session.execute(query)).first() is not None


async def add_event(
    session: AsyncSession,
    handoff_id: int,
    kind: str,
    at: dt.datetime,
    *,
    actor: str | None = None,
    external_id: str | None = None,
    body: str | None = None,
) -> bool:
    """Record an event and commit; False when `external_id` was recorded before."""
    if external_id is not None:
        query = select(HandoffEvent.id).where(HandoffEvent.external_id == external_id)
        if (await session.execute(query)).first() is not None:
            await session.commit()
            return False
    session.add(
        HandoffEvent(
            handoff_id=handoff_id,
            kind=kind,
            actor=actor,
            external_id=external_id,
            body=body,
            created_at=at,
        )
    )
    try:
        await session.commit()
    except IntegrityError:
        await session.rollback()
        return False
    return True


async def events(session: AsyncSession, handoff_id: int) -> list[HandoffEvent]:
    """A handoff's events, oldest first."""
    query = select(HandoffEvent).where(HandoffEvent.handoff_id == handoff_id)
    return list((await session.execute(query.order_by(HandoffEvent.id))).scalars())


async def in_status(session: AsyncSession, *statuses: str) -> list[Handoff]:
    """Handoffs in any of `statuses`, oldest first."""
    query = select(Handoff).where(Handoff.status.in_(statuses)).order_by(Handoff.id)
    return list((await session.execute(query)).scalars())
