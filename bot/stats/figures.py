"""The figures of a period, computed in the database where the rows are many."""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, distinct, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from bot.handoff.hours import OfficeHours
from bot.mask import mask
from bot.stats.period import CHINA, Period
from bot.storage.models import Conversation, Handoff, Message

FALLBACK = "nlu_fallback"
TOP_INTENTS = 30
TOP_UNANSWERED = 20
UNKNOWN = "未知"


@dataclass(frozen=True, slots=True)
class Filters:
    """Narrow the figures to one channel and/or one district."""

    channel: str | None = None
    district: str | None = None


def percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile: the smallest value with at least q of the values at or below."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(1, math.ceil(q * len(ordered))) - 1]


def _spread(values: list[float]) -> dict[str, Any]:
    return {"n": len(values), "p50": percentile(values, 0.5), "p90": percentile(values, 0.9)}


WAIT_BUCKETS = ((300, "<5分钟"), (900, "5–15分钟"), (1800, "15–30分钟"), (3600, "30–60分钟"),
                (4 * 3600, "1–4小时"), (math.inf, "4小时以上"))  # fmt: skip


def _buckets(seconds: list[float]) -> dict[str, int]:
    """How long citizens waited for a claim (office hours), in bands."""
    counts = {label: 0 for _limit, label in WAIT_BUCKETS}
    for value in seconds:
        label = next(label for limit, label in WAIT_BUCKETS if value < limit)
        counts[label] += 1
    return counts


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


class Figures:
    """Computes every figure of the dashboard and the API for one period."""

    def __init__(self, session: AsyncSession, hours: OfficeHours) -> None:
        self.session = session
        self.hours = hours
        self.dialect = session.bind.dialect.name if session.bind is not None else "sqlite"

    async def compute(self, period: Period, filters: Filters = Filters()) -> dict[str, Any]:
        """All figures as plain JSON-ready values (durations in seconds)."""
        inbound = self._inbound(period, filters)
        conversations = await self._scalar(
            select(func.count(distinct(Message.conversation_id))).where(*inbound)
        )
        handoff = await self._handoffs(period, filters, conversations)
        return {
            "period": {
                "name": period.name,
                "start": period.start.isoformat(),
                "end": period.end.isoformat(),
            },
            "filters": {"channel": filters.channel, "district": filters.district},
            "volume": {
                "conversations": conversations,
                # One conversation per citizen and channel: the bot keeps no other identity.
                "citizens": conversations,
                "messages_in": await self._scalar(select(func.count()).where(*inbound)),
                "messages_out": await self._scalar(
                    select(func.count()).where(*self._outbound(period, filters))
                ),
            },
            "by_service": await self._grouped(Message.topic, inbound, conversations=True),
            "by_intent": await self._intents(inbound),
            "by_channel": await self._grouped(Message.channel, inbound, conversations=True),
            "by_district": await self._grouped(Conversation.district, inbound, conversations=True),
            "handoff": handoff,
            "satisfaction": await self._satisfaction(period, filters),
            "helpful": await self._helpful(inbound),
            "nlu": await self._nlu(inbound),
            "unanswered": await self._unanswered(inbound),
            "daily": await self._daily(period, inbound, filters),
            "by_hour": await self._clock(inbound, "hour", 24),
            "by_weekday": await self._clock(inbound, "weekday", 7),
        }

    # ------------------------------------------------------------ filters

    def _inbound(self, period: Period, filters: Filters) -> list[ColumnElement[bool]]:
        conditions = [
            Message.direction == "in",
            Message.created_at >= period.start,
            Message.created_at < period.end,
        ]
        return self._narrow(conditions, filters)

    def _outbound(self, period: Period, filters: Filters) -> list[ColumnElement[bool]]:
        conditions = [
            Message.direction == "out",
            Message.created_at >= period.start,
            Message.created_at < period.end,
        ]
        return self._narrow(conditions, filters)

    @staticmethod
    def _narrow(
        conditions: list[ColumnElement[bool]], filters: Filters
    ) -> list[ColumnElement[bool]]:
        if filters.channel:
            conditions.append(Message.channel == filters.channel)
        if filters.district:
            conversation = select(Conversation.id).where(Conversation.district == filters.district)
            conditions.append(Message.conversation_id.in_(conversation))
        return conditions

    # ------------------------------------------------------------ groups

    async def _scalar(self, query: Select[Any]) -> int:
        return int((await self.session.execute(query)).scalar_one() or 0)

    async def _grouped(
        self, column: Any, inbound: list[ColumnElement[bool]], *, conversations: bool
    ) -> dict[str, int]:
        counted = func.count(distinct(Message.conversation_id)) if conversations else func.count()
        query = select(column, counted).where(*inbound).group_by(column)
        if column is Conversation.district:
            query = query.join(Conversation, Conversation.id == Message.conversation_id)
        rows = (await self.session.execute(query)).all()
        return {
            str(key) if key else UNKNOWN: int(n) for key, n in sorted(rows, key=lambda r: -r[1])
        }

    async def _intents(self, inbound: list[ColumnElement[bool]]) -> list[dict[str, Any]]:
        query = (
            select(Message.intent, func.count())
            .where(*inbound, Message.kind == "text", Message.intent.is_not(None))
            .group_by(Message.intent)
            .order_by(func.count().desc(), Message.intent)
            .limit(TOP_INTENTS)
        )
        return [{"intent": i, "messages": int(n)} for i, n in (await self.session.execute(query))]

    async def _helpful(self, inbound: list[ColumnElement[bool]]) -> dict[str, Any]:
        query = (
            select(Message.body, func.count())
            .where(
                *inbound,
                Message.kind == "button",
                Message.body.in_(("feedback:up", "feedback:down")),
            )
            .group_by(Message.body)
        )
        counts = {body: int(n) for body, n in await self.session.execute(query)}
        up, down = counts.get("feedback:up", 0), counts.get("feedback:down", 0)
        return {"up": up, "down": down, "helpful_rate": _ratio(up, up + down)}

    async def _nlu(self, inbound: list[ColumnElement[bool]]) -> dict[str, Any]:
        # Messages relayed to an operator carry no intent: the bot did not answer them.
        texts = [*inbound, Message.kind == "text", Message.intent.is_not(None)]
        total = await self._scalar(select(func.count()).where(*texts))
        fallback = await self._scalar(
            select(func.count()).where(*texts, Message.intent == FALLBACK)
        )
        return {
            "text_messages": total,
            "fallback": fallback,
            "fallback_rate": _ratio(fallback, total),
        }

    async def _unanswered(self, inbound: list[ColumnElement[bool]]) -> list[dict[str, Any]]:
        query = select(Message.body).where(
            *inbound, Message.kind == "text", Message.intent == FALLBACK
        )
        counts = Counter(mask(body.strip())[:500] for (body,) in await self.session.execute(query))
        return [{"text": t, "count": n} for t, n in counts.most_common(TOP_UNANSWERED)]

    async def _clock(self, inbound: list[ColumnElement[bool]], unit: str, size: int) -> list[int]:
        # Beijing time has no daylight saving: a fixed offset is exact.
        part: ColumnElement[Any]
        if self.dialect == "postgresql":
            local = func.timezone("Asia/Shanghai", Message.created_at)
            part = func.extract("hour" if unit == "hour" else "isodow", local)
        else:
            part = func.strftime("%H" if unit == "hour" else "%w", Message.created_at, "+8 hours")
        rows = (
            await self.session.execute(select(part, func.count()).where(*inbound).group_by(part))
        ).all()
        counts = [0] * size
        for key, n in rows:
            index = int(float(key))
            if unit == "weekday":
                index = (
                    index - 1
                ) % 7  # Monday first: PostgreSQL 1-7 from Monday, SQLite 0 = Sunday
                if self.dialect != "postgresql":
                    index = (int(float(key)) + 6) % 7
            counts[index] += int(n)
        return counts

    def _local_date(self, column: Any) -> ColumnElement[Any]:
        if self.dialect == "postgresql":
            return func.to_char(func.timezone("Asia/Shanghai", column), "YYYY-MM-DD")
        return func.date(column, "+8 hours")

    async def _daily(
        self, period: Period, inbound: list[ColumnElement[bool]], filters: Filters
    ) -> list[dict[str, Any]]:
        """Per local day: conversations by service, conversations, and handoffs."""
        day = self._local_date(Message.created_at)
        query = (
            select(day, Message.topic, func.count(distinct(Message.conversation_id)))
            .where(*inbound)
            .group_by(day, Message.topic)
        )
        by_day: dict[str, dict[str, Any]] = {}
        start = period.start.astimezone(CHINA).date()
        end = period.end.astimezone(CHINA).date()
        current = start
        while current < end:
            by_day[current.isoformat()] = {"services": {}, "conversations": 0, "handoffs": 0}
            current += dt.timedelta(days=1)
        for key, topic, n in await self.session.execute(query):
            entry = by_day.get(str(key))
            if entry is not None:
                entry["services"][topic or UNKNOWN] = int(n)
        totals = (
            select(day, func.count(distinct(Message.conversation_id))).where(*inbound).group_by(day)
        )
        for key, n in await self.session.execute(totals):
            if str(key) in by_day:
                by_day[str(key)]["conversations"] = int(n)
        handoff_day = self._local_date(Handoff.requested_at)
        handoffs = (
            select(handoff_day, func.count(distinct(Handoff.conversation_id)))
            .where(*self._handoff_filter(period, filters))
            .group_by(handoff_day)
        )
        for key, n in await self.session.execute(handoffs):
            if str(key) in by_day:
                by_day[str(key)]["handoffs"] = int(n)
        return [{"date": d, **v} for d, v in by_day.items()]

    # ------------------------------------------------------------ handoffs

    def _handoff_filter(self, period: Period, filters: Filters) -> list[ColumnElement[bool]]:
        conditions: list[ColumnElement[bool]] = [
            Handoff.requested_at >= period.start,
            Handoff.requested_at < period.end,
        ]
        if filters.channel:
            conditions.append(Handoff.channel == filters.channel)
        if filters.district:
            conditions.append(Handoff.district == filters.district)
        return conditions

    async def _handoffs(
        self, period: Period, filters: Filters, conversations: int
    ) -> dict[str, Any]:
        rows = list(
            (
                await self.session.execute(
                    select(Handoff).where(*self._handoff_filter(period, filters))
                )
            ).scalars()
        )
        handed = len({r.conversation_id for r in rows if r.close_code != "cancelled"})
        claim, claim_biz, reply, reply_biz, handling = [], [], [], [], []
        for r in rows:
            if r.claimed_at is not None:
                claim.append((r.claimed_at - r.requested_at).total_seconds())
                claim_biz.append(self.hours.business_seconds(r.requested_at, r.claimed_at))
            if r.first_reply_at is not None:
                reply.append((r.first_reply_at - r.requested_at).total_seconds())
                reply_biz.append(self.hours.business_seconds(r.requested_at, r.first_reply_at))
            if r.claimed_at is not None and r.closed_at is not None:
                handling.append((r.closed_at - r.claimed_at).total_seconds())
        return {
            "requests": len(rows),
            "conversations_handed": handed,
            "resolved_by_bot": max(conversations - handed, 0),
            "handoff_rate": _ratio(handed, conversations),
            "urgent": sum(r.urgent for r in rows),
            "callbacks": sum(r.status == "callback" for r in rows),
            "cancelled": sum(r.close_code == "cancelled" for r in rows),
            "claimed": len(claim),
            "by_reason": dict(Counter(r.reason for r in rows)),
            "time_to_claim": _spread(claim),
            "time_to_claim_business": _spread(claim_biz),
            "time_to_first_reply": _spread(reply),
            "time_to_first_reply_business": _spread(reply_biz),
            "handling_time": _spread(handling),
            "wait_buckets": _buckets(claim_biz),
        }

    async def _satisfaction(self, period: Period, filters: Filters) -> dict[str, Any]:
        query = select(Handoff.rating).where(
            *self._handoff_filter(period, filters), Handoff.rating.is_not(None)
        )
        ratings = [int(r or 0) for (r,) in await self.session.execute(query)]
        distribution = {str(n): ratings.count(n) for n in range(1, 6)}
        average = round(sum(ratings) / len(ratings), 2) if ratings else None
        return {"rated": len(ratings), "average": average, "distribution": distribution}
