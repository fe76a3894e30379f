"""Handoffs: queued with a ticket, claimed by one operator, relayed, closed, rated."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import texts
from bot.clock import Clock
from bot.handoff import staff_texts as staff
from bot.handoff.hours import DayKind, OfficeHours, Status
from bot.handoff.ports import ConversationStates, Desk, Outbox
from bot.mask import mask
from bot.serial import KeyedLock
from bot.storage import handoffs as repo
from bot.storage import messages as messages_repo
from bot.storage.models import Handoff
from bot.types import Button, Channels, Inbound, Reply, Topic

log = logging.getLogger(__name__)

SUMMARY_MESSAGES = 8


@dataclass(frozen=True, slots=True)
class Request:
    """What the dialogue knows when a citizen is handed to a human."""

    reason: str  # a key of staff_texts.REASONS
    urgent: bool = False
    topic: str | None = None
    intent: str | None = None
    entities: dict[str, list[str]] = field(default_factory=dict)
    district: str | None = None
    description: str | None = None


@dataclass(frozen=True, slots=True)
class HandoffConfig:
    """Who may act and how long things may wait."""

    operators: dict[str, str] = field(default_factory=dict)  # Telegram user id -> label
    remind_after: dt.timedelta = dt.timedelta(minutes=10)
    escalate_after: dt.timedelta = dt.timedelta(minutes=30)
    reply_within: dt.timedelta = dt.timedelta(minutes=15)
    idle_close: dt.timedelta = dt.timedelta(hours=24)
    canned: dict[str, str] = field(default_factory=dict)
    # Staff who call back citizens when no operator is online; without them no callback
    # is offered, so none is promised.
    callback_desk: bool = False


def rating_buttons(handoff_id: int) -> tuple[Button, ...]:
    """The one-tap 1–5 rating."""
    return tuple(
        Button(label, f"rate:{handoff_id}:{n}") for n, label in enumerate(texts.RATING_LABELS, 1)
    )


class HandoffService:
    """The one place handoff rules live; Telegram group and web console both call it.

    Its collaborators come in at construction: `outbox` reaches citizens outside a turn,
    `conversations` owns their states (shared with the dialogue core), `channels` names
    the channel of a conversation (without it a channel is its id's prefix). Only the Telegram
    desk comes later, through `attach_desk`: it needs the Bot API logged in.
    """

    def __init__(
        self,
        config: HandoffConfig,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        hours: OfficeHours,
        *,
        outbox: Outbox | None = None,
        conversations: ConversationStates | None = None,
        channels: Channels | None = None,
        web_desk: bool = False,
    ) -> None:
        self.config = config
        self._sessions = sessions
        self.clock = clock
        self.hours = hours
        self.outbox = outbox
        self.conversations = conversations
        self.channels = channels if channels is not None else Channels()
        self.web_desk = web_desk  # operators also answer from the web console
        self._desk: Desk | None = None
        self._ticket_lock = asyncio.Lock()
        # One announcement of a handoff at a time: two would open two topics.
        self._announcing = KeyedLock()
        self._watchers: set[Callable[[int], None]] = set()

    @property
    def sessions(self) -> async_sessionmaker[AsyncSession]:
        """The database sessions the service works with."""
        return self._sessions

    @property
    def desk(self) -> Desk | None:
        """The operators' Telegram group, once attached; None without one."""
        return self._desk

    def attach_desk(self, desk: Desk | None) -> None:
        """Attach the operators' Telegram group (None: none), the one collaborator bound late.

        The Telegram channel calls it once its bot has logged in: the desk posts through
        the started Bot API, and before that handoffs wait as if no group were reachable.
        """
        self._desk = desk

    # ------------------------------------------------------------ live views

    def watch(self, callback: Callable[[int], None]) -> Callable[[], None]:
        """Call `callback(handoff_id)` whenever a handoff changes; returns the unsubscribe."""
        self._watchers.add(callback)
        return lambda: self._watchers.discard(callback)

    def changed(self, handoff_id: int) -> None:
        """Tell the live views (the web console) that a handoff changed."""
        for callback in list(self._watchers):
            try:
                callback(handoff_id)
            except Exception:
                log.exception("a handoff watcher failed")

    # ------------------------------------------------------------ citizen side

    @property
    def staffed(self) -> bool:
        """Whether operators (Telegram group or web console) take handoffs (else: callbacks)."""
        return self.desk is not None or self.web_desk

    async def open(self, conversation: str, channel: str, request: Request) -> tuple[int, Reply]:
        """Queue a handoff and announce it to the operators; the citizen's reply comes back."""
        now = self.clock.now()
        async with self._ticket_lock, self._sessions() as session:
            # One open request per conversation: asking again gets the same ticket back.
            existing = await repo.open_for(session, conversation)
            if existing is not None:
                if request.urgent and not existing.urgent:
                    # Danger named since: the request moves up the queue.
                    await repo.touch(session, existing.id, urgent=True)
                    self.changed(existing.id)
                await session.commit()
                return existing.id, self._already_queued(existing)
            row = await repo.create(
                session,
                self.hours.zone,
                conversation_id=conversation,
                channel=channel,
                status=repo.QUEUED,
                reason=request.reason,
                urgent=request.urgent,
                topic=request.topic,
                intent=request.intent,
                entities=request.entities or None,
                district=request.district,
                description=request.description,
                requested_at=now,
                last_citizen_at=now,
            )
            ahead = await repo.ahead_of(session, row)
            await session.commit()
        self.changed(row.id)
        await self.announce(row.id)
        log.info("handoff %s queued (%s, urgent=%s)", row.ticket, row.reason, row.urgent)
        return row.id, Reply(self._queued_text(row, ahead, now), self._waiting_buttons(row.id))

    async def callback(self, conversation: str, channel: str, request: Request, phone: str) -> str:
        """Store a callback request (no operators' group); returns its ticket."""
        async with self._ticket_lock, self._sessions() as session:
            row = await repo.create(
                session,
                self.hours.zone,
                conversation_id=conversation,
                channel=channel,
                status=repo.CALLBACK,
                reason=request.reason,
                urgent=request.urgent,
                topic=request.topic,
                intent=request.intent,
                district=request.district,
                description=request.description,
                contact=phone,
                requested_at=self.clock.now(),
            )
        log.info("callback request %s stored", row.ticket)
        return row.ticket

    async def cancel(self, handoff_id: int) -> bool:
        """The citizen withdraws a request nobody has claimed yet."""
        done = await self._transition(
            handoff_id, (repo.QUEUED,), status=repo.CLOSED, close_code="cancelled",
            closed_by="citizen", closed_at=self.clock.now(),
        )  # fmt: skip
        if done:
            row = await self._get(handoff_id)
            if row is not None and self.desk is not None and row.thread_id is not None:
                await self.desk.post(row.thread_id, staff.CANCELLED)
        return done

    async def from_citizen(self, handoff_id: int, inbound: Inbound) -> None:
        """Show a citizen's message to the operators, once, even if delivered twice."""
        now = self.clock.now()
        external = None
        if inbound.external_id:
            key = f"{inbound.channel}:{inbound.external_id}".encode()
            external = "in:" + hashlib.sha1(key, usedforsecurity=False).hexdigest()
        async with self._sessions() as session:
            if external is not None and await repo.has_event(session, external):
                await session.commit()
                return
            await repo.touch(session, handoff_id, last_citizen_at=now)
            row = await repo.get(session, handoff_id)
            await session.commit()
        if row is None:
            return
        if self.desk is not None:
            if row.thread_id is None:
                await self.announce(row.id)
                row = await self._get(handoff_id)
            if row is not None and row.thread_id is not None:
                # Relayed before it is recorded: a failure here leaves the message to
                # be handled again, so operators see it at least once.
                await self.desk.relay(row.thread_id, inbound)
        body = inbound.body if inbound.kind == "text" else f"[{inbound.body}]"
        async with self._sessions() as session:
            await repo.add_event(
                session, handoff_id, "citizen_message", now, actor="citizen",
                external_id=external, body=body,
            )  # fmt: skip
        self.changed(handoff_id)

    async def last_question(self, conversation: str) -> tuple[str, str | None] | None:
        """The citizen's latest message about a service, with its intent."""
        async with self._sessions() as session:
            row = await messages_repo.last_question(session, conversation)
            await session.commit()
        return (row.body[:1000], row.intent) if row is not None else None

    async def rate(self, handoff_id: int, rating: int) -> bool:
        """Record the citizen's 1–5 rating of a closed handoff; False if rated before."""
        if not 1 <= rating <= 5:
            return False
        async with self._sessions() as session:
            row = await repo.get(session, handoff_id)
            if row is None or row.status != repo.CLOSED or row.rating is not None:
                await session.commit()
                return False
            await repo.touch(session, handoff_id, rating=rating, rated_at=self.clock.now())
        return True

    async def comment(self, handoff_id: int, text: str) -> None:
        """Record the citizen's comment on a closed handoff."""
        async with self._sessions() as session:
            # Written after the handoff closed: no operator needs its numbers.
            await repo.touch(session, handoff_id, comment=mask(text[:2000]))

    def hours_note(self, now: dt.datetime | None = None) -> str | None:
        """What a citizen is told about staff being at work now, if anything."""
        status = self.hours.status(now or self.clock.now())
        if status.open:
            return (
                texts.HANDOFF_ADJUSTED_WORKDAY if status.day is DayKind.ADJUSTED_WORKDAY else None
            )
        return texts.HANDOFF_CLOSED_NOW.format(why=self._why(status), back=self._back(status, now))

    def _queued_text(self, row: Handoff, ahead: int, now: dt.datetime) -> str:
        place = texts.HANDOFF_PLACE.format(ahead=ahead) if ahead else texts.HANDOFF_PLACE_FIRST
        text = texts.HANDOFF_QUEUED.format(ticket=row.ticket, place=place)
        if row.urgent:
            text = texts.HANDOFF_URGENT.format(ticket=row.ticket) + "\n" + text.split("\n", 1)[1]
        note = self.hours_note(now)
        return f"{text}\n\n{note}" if note else text

    @staticmethod
    def _why(status: Status) -> str:
        if status.day is DayKind.HOLIDAY:
            return texts.WHY_HOLIDAY.format(holiday=status.holiday)
        if status.day is DayKind.WEEKEND:
            return texts.WHY_WEEKEND
        return {"before": texts.WHY_BEFORE, "lunch": texts.WHY_LUNCH}.get(
            status.gap or "", texts.WHY_AFTER
        )

    def _back(self, status: Status, now: dt.datetime | None) -> str:
        back = status.back_at.astimezone(self.hours.zone)
        today = (now or self.clock.now()).astimezone(self.hours.zone).date()
        time = f"{back.hour}:{back.minute:02d}"
        if back.date() == today:
            return texts.BACK_TODAY.format(time=time)
        weekday = texts.WEEKDAYS[back.weekday()]
        return texts.BACK_DAY.format(month=back.month, day=back.day, weekday=weekday, time=time)

    def _already_queued(self, row: Handoff) -> Reply:
        text = texts.HANDOFF_ALREADY_QUEUED.format(ticket=row.ticket)
        return Reply(text, self._waiting_buttons(row.id) if row.status == repo.QUEUED else ())

    @staticmethod
    def _waiting_buttons(handoff_id: int) -> tuple[Button, ...]:
        return (Button(texts.HANDOFF_CANCEL_BUTTON, f"handoff:cancel:{handoff_id}"),)

    # ------------------------------------------------------------ the operators' topic

    async def announce(self, handoff_id: int) -> None:
        """Open the handoff's topic with its summary, unless it has one (safe to repeat)."""
        if self.desk is None:
            return
        # Looked at and opened under one lock, so a second caller finds the topic.
        async with self._announcing.hold(str(handoff_id)):
            await self._announce(self.desk, handoff_id)

    async def _announce(self, desk: Desk, handoff_id: int) -> None:
        row = await self._get(handoff_id)
        if row is None or row.thread_id is not None or row.status not in repo.OPEN:
            return
        summary = await self.summary(row)
        buttons = (
            Button(staff.CLAIM_BUTTON, f"op:claim:{row.id}"),
            Button(staff.BACK_BUTTON, f"op:bot:{row.id}"),
            Button(staff.CLOSE_BUTTON, f"op:close:{row.id}"),
        )
        try:
            thread = await desk.open_topic(row, summary, buttons)
        except Exception:
            # Retried at the next sweep and at start-up: the request stays queued.
            log.exception("could not open the operators' topic for %s", row.ticket)
            return
        async with self._sessions() as session:
            if not await repo.set_thread(session, row.id, thread):
                log.warning("handoff %s had a topic already; topic %s is spare", row.ticket, thread)

    async def announce_pending(self) -> None:
        """Open topics for requests queued while the operators' group was unreachable."""
        async with self._sessions() as session:
            rows = await repo.in_status(session, *repo.OPEN)
            await session.commit()
        for row in rows:
            if row.thread_id is None:
                await self.announce(row.id)

    def topic_name(self, row: Handoff) -> str:
        """`2026-000123 法律援助 惠山`, within Telegram's 128 characters."""
        service = texts.SERVICE_NAMES.get(Topic(row.topic or "other"), "")
        name = staff.TOPIC_NAME.format(
            ticket=row.ticket, service=service, district=row.district or ""
        )
        return ((staff.URGENT_MARK if row.urgent else "") + name).strip()[:128]

    async def summary(self, row: Handoff) -> str:
        """The structured first post of a topic, personal numbers masked."""
        service = texts.SERVICE_NAMES.get(Topic(row.topic or "other"), "")
        entities = "；".join(f"{k}={'、'.join(v)}" for k, v in (row.entities or {}).items())
        values = {
            "service": service,
            "intent": row.intent or "",
            "district": row.district or "未说明",
            "reason": staff.REASONS.get(row.reason, row.reason),
            "channel": self.channels.label(row.channel),
            "description": mask(row.description or ""),
            "entities": mask(entities),
        }
        urgent = staff.URGENT_MARK if row.urgent else ""
        lines = [staff.SUMMARY_TITLE.format(urgent=urgent, ticket=row.ticket)]
        lines += [f"{label}：{values[key]}" for label, key in staff.SUMMARY_FIELDS if values[key]]
        async with self._sessions() as session:
            recent = await messages_repo.recent(session, row.conversation_id, SUMMARY_MESSAGES)
            await session.commit()
        shown = []
        for message in recent:
            if message.direction == "in" and message.kind == "text":
                shown.append(f"{staff.SPEAKERS['citizen']}：{mask(message.body)[:300]}")
            elif message.direction == "out":
                who = "operator" if message.kind == "operator" else "bot"
                shown.append(f"{staff.SPEAKERS[who]}：{mask(message.body)[:120]}")
        if shown:
            lines += ["", staff.SUMMARY_RECENT, *shown]
        return "\n".join(lines)

    async def _get(self, handoff_id: int) -> Handoff | None:
        async with self._sessions() as session:
            row = await repo.get(session, handoff_id)
            await session.commit()
            return row

    async def _transition(
        self,
        handoff_id: int,
        from_status: tuple[str, ...],
        *,
        claimant: str | None = None,
        **values: Any,
    ) -> bool:
        async with self._sessions() as session:
            done = await repo.transition(
                session, handoff_id, from_status, claimant=claimant, **values
            )
        if done:
            self.changed(handoff_id)
        return done
