"""The scheduled rules: remind, escalate, flag a silent operator, close a silent citizen."""

from __future__ import annotations

import asyncio
import logging

from bot import texts
from bot.handoff import staff_texts as staff
from bot.handoff.operator import OperatorActions
from bot.handoff.service import HandoffService
from bot.storage import handoffs as repo
from bot.storage.models import Handoff
from bot.types import Topic

log = logging.getLogger(__name__)


async def sweep(service: HandoffService) -> None:
    """Apply every waiting-time rule once (PTB's JobQueue runs this every minute)."""
    now = service.clock.now()
    cfg = service.config
    async with service._sessions() as session:
        rows = await repo.in_status(session, *repo.OPEN)
        await session.commit()
    for row in rows:
        if row.thread_id is None:
            await service.announce(row.id)  # the operators' group was unreachable before
        # Waiting is counted in office hours: nobody is failing a citizen at 3 a.m.
        waited = service.hours.business_seconds(row.requested_at, now)
        if row.status == repo.QUEUED:
            if row.reminded_at is None and waited >= cfg.remind_after.total_seconds():
                await _remind(service, row, waited)
            if row.escalated_at is None and waited >= cfg.escalate_after.total_seconds():
                await _escalate(service, row, waited)
        elif row.status == repo.CLAIMED:
            await _flag_if_unanswered(service, row)
        last_citizen = row.last_citizen_at or row.requested_at
        if now - last_citizen >= cfg.idle_close:
            await _close_idle(service, row)


async def sweep_every(service: HandoffService, seconds: float) -> None:
    """The sweep on its own timer, for deployments without the Telegram operators' group."""
    while True:
        await asyncio.sleep(seconds)
        try:
            await sweep(service)
        except Exception:
            log.exception("the handoff sweep failed; it runs again at the next interval")


async def _remind(service: HandoffService, row: Handoff, waited: float) -> None:
    async with service._sessions() as session:
        await repo.touch(session, row.id, reminded_at=service.clock.now())
    if service.desk is not None:
        text = staff.REMIND.format(ticket=row.ticket, minutes=int(waited // 60))
        await service.desk.post(None, text)
        if row.thread_id is not None:
            await service.desk.post(row.thread_id, text)
    log.info("handoff %s: unclaimed reminder sent", row.ticket)


async def _escalate(service: HandoffService, row: Handoff, waited: float) -> None:
    async with service._sessions() as session:
        await repo.touch(session, row.id, escalated_at=service.clock.now())
    if service.desk is not None:
        name = texts.SERVICE_NAMES.get(Topic(row.topic or "other"), "")
        text = staff.ESCALATE.format(ticket=row.ticket, service=name, minutes=int(waited // 60))
        await service.desk.notify_managers(text)
    log.warning("handoff %s escalated to managers", row.ticket)


async def _flag_if_unanswered(service: HandoffService, row: Handoff) -> None:
    # Waiting starts at the claim or at the citizen's latest message, whichever is later.
    since = max(t for t in (row.claimed_at, row.last_citizen_at) if t is not None)
    answered = row.last_operator_at is not None and row.last_operator_at >= since
    if answered or (row.flagged_at is not None and row.flagged_at >= since):
        return
    waited = service.hours.business_seconds(since, service.clock.now())
    if waited < service.config.reply_within.total_seconds():
        return
    async with service._sessions() as session:
        await repo.touch(session, row.id, flagged_at=service.clock.now())
    if service.desk is not None and row.thread_id is not None:
        text = staff.FLAG.format(minutes=int(waited // 60), label=row.operator_label)
        await service.desk.post(row.thread_id, text)
    log.info("handoff %s: operator reply overdue", row.ticket)


async def _close_idle(service: HandoffService, row: Handoff) -> None:
    now = service.clock.now()
    actions = OperatorActions(service)
    async with actions._holding(row):
        done = await service._transition(
            row.id, repo.OPEN, status=repo.CLOSED, closed_at=now, closed_by="system",
            close_code="citizen_idle",
        )  # fmt: skip
        if done:
            await actions._release(row, rate=False)
    if not done:
        return
    await actions._push(row, texts.HANDOFF_IDLE_CLOSED.format(ticket=row.ticket))
    hours = int(service.config.idle_close.total_seconds() // 3600)
    await actions._post(row, staff.IDLE_CLOSED.format(hours=hours))
    log.info("handoff %s closed: citizen silent", row.ticket)
