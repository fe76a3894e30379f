"""The figures of a period, computed in the database where the rows are many."""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Executable, Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.sql.elements import ColumnElement

from bot.handoff.hours import OfficeHours
from bot.mask import mask
from bot.stats.period import Period
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


@functools.lru_cache(maxsize=4096)
def _local_hour(utc_hour: str, zone: dt.tzinfo) -> tuple[str, int, int]:
    """(local date, hour, weekday with Monday 0) in `zone` of a `YYYY-MM-DD HH` UTC hour."""
    moment = dt.datetime.strptime(utc_hour, "%Y-%m-%d %H").replace(tzinfo=dt.UTC)
    local = moment.astimezone(zone)
    return local.date().isoformat(), local.hour, local.weekday()


def _distinct_by(facts: list[Any], key: Callable[[Any], Any]) -> dict[Any, int]:
    """Distinct conversations (the first field of each fact) per key, most first."""
    seen: dict[Any, set[str]] = {}
    for fact in facts:
        seen.setdefault(key(fact), set()).add(fact[0])
    counts = sorted(((k, len(v)) for k, v in seen.items()), key=lambda kv: -kv[1])
    return {(UNKNOWN if k is None or k == "" else k): n for k, n in counts}


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


class Figures:
    """Computes every figure of the dashboard and the API for one period."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], hours: OfficeHours) -> None:
        self._sessions = sessions
        self.hours = hours
        bind = sessions.kw.get("bind")
        self.dialect = bind.dialect.name if bind is not None else "sqlite"

    async def _rows(self, query: Executable) -> list[Any]:
        # Each query has a session (a connection) of its own, so they run side by side.
        async with self._sessions() as session:
            rows = list((await session.execute(query)).all())
            await session.commit()
        return rows

    async def compute(self, period: Period, filters: Filters = Filters()) -> dict[str, Any]:
        """All figures as plain JSON-ready values (durations in seconds)."""
        inbound = self._inbound(period, filters)
        parts: list[Any] = await asyncio.gather(
            self._conversation_facts(inbound, period.zone),
            self._message_mix(inbound, period.zone),
            self._handoffs(period, filters),
            self._scalar(select(func.count()).where(*self._outbound(period, filters))),
            self._feedback_and_misses(inbound),
            self._satisfaction(period, filters),
            self._handoff_days(period, filters),
        )
        facts, mix, handoff, messages_out, feedback, satisfaction, handoff_days = parts
        conversations = len({f[0] for f in facts})
        handed = handoff["conversations_handed"]
        handoff["resolved_by_bot"] = max(conversations - handed, 0)
        handoff["handoff_rate"] = _ratio(handed, conversations)
        by_service = _distinct_by(facts, lambda f: f[2])
        by_channel = _distinct_by(facts, lambda f: f[1])
        by_district = _distinct_by(facts, lambda f: f[4])
        daily = self._daily(period, facts, handoff_days)
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
                "messages_in": mix["messages_in"],
                "messages_out": messages_out,
            },
            "by_service": by_service,
            "by_intent": mix["by_intent"],
            "by_channel": by_channel,
            "by_district": by_district,
            "handoff": handoff,
            "satisfaction": satisfaction,
            "helpful": feedback["helpful"],
            "nlu": mix["nlu"],
            "unanswered": feedback["unanswered"],
            "daily": daily,
            "by_hour": mix["by_hour"],
            "by_weekday": mix["by_weekday"],
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
        return int((await self._rows(query))[0][0] or 0)

    async def _conversation_facts(
        self, inbound: list[ColumnElement[bool]], zone: dt.tzinfo
    ) -> list[Any]:
        """(conversation, channel, topic, local day, district) of each conversation's messages.

        One pass over the period's messages gives every count of distinct conversations
        (in all, by service, channel, district and day); they are counted here from it.
        """
        bucket = self._utc_hour()
        grouped = (
            select(Message.conversation_id, Message.channel, Message.topic, bucket.label("hour"))
            .where(*inbound)
            .group_by(Message.conversation_id, Message.channel, Message.topic, bucket)
            .subquery()
        )
        query = select(grouped, Conversation.district).join(
            Conversation, Conversation.id == grouped.c.conversation_id
        )
        return [
            (cid, channel, topic, _local_hour(str(hour), zone)[0], district)
            for cid, channel, topic, hour, district in await self._rows(query)
        ]

    async def _message_mix(
        self, inbound: list[ColumnElement[bool]], zone: dt.tzinfo
    ) -> dict[str, Any]:
        """Messages by hour of the day and weekday, by intent, and the NLU fallback share.

        Grouped by UTC hour in the database (a plain slice of the stored time, cheap on
        every row) and turned into the office zone's hours here: exact for any zone whose
        offsets are whole hours (all of China's).
        """
        bucket = self._utc_hour()
        clock_rows, intent_rows = await asyncio.gather(
            self._rows(select(bucket, func.count()).where(*inbound).group_by(bucket)),
            self._rows(
                select(Message.intent, func.count())
                .where(*inbound, Message.kind == "text", Message.intent.is_not(None))
                .group_by(Message.intent)
            ),
        )
        by_hour, by_weekday = [0] * 24, [0] * 7
        for key, n in clock_rows:
            _day, hour, weekday = _local_hour(str(key), zone)
            by_hour[hour] += int(n)
            by_weekday[weekday] += int(n)
        # Messages relayed to an operator carry no intent: the bot did not answer them.
        intents = {str(i): int(n) for i, n in intent_rows}
        texts = sum(intents.values())
        fallback = intents.get(FALLBACK, 0)
        top = sorted(intents.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_INTENTS]
        return {
            "messages_in": sum(by_hour),
            "by_hour": by_hour,
            "by_weekday": by_weekday,
            "by_intent": [{"intent": i, "messages": n} for i, n in top],
            "nlu": {"text_messages": texts, "fallback": fallback,
                    "fallback_rate": _ratio(fallback, texts)},
        }  # fmt: skip

    async def _feedback_and_misses(self, inbound: list[ColumnElement[bool]]) -> dict[str, Any]:
        """The "helpful" buttons and the questions the bot could not place, in one pass."""
        query = select(Message.kind, Message.body).where(
            *inbound,
            or_(
                (Message.kind == "button") & Message.body.in_(("feedback:up", "feedback:down")),
                (Message.kind == "text") & (Message.intent == FALLBACK),
            ),
        )
        buttons: Counter[str] = Counter()
        misses: Counter[str] = Counter()
        for kind, body in await self._rows(query):
            if kind == "button":
                buttons[body] += 1
            elif body.strip():  # emptied by the retention job
                misses[mask(body.strip())[:500]] += 1
        up, down = buttons["feedback:up"], buttons["feedback:down"]
        return {
            "helpful": {"up": up, "down": down, "helpful_rate": _ratio(up, up + down)},
            "unanswered": [{"text": t, "count": n} for t, n in misses.most_common(TOP_UNANSWERED)],
        }

    def _utc_hour(self, column: Any = Message.created_at) -> ColumnElement[Any]:
        """`YYYY-MM-DD HH` of a stored moment, in UTC."""
        if self.dialect == "postgresql":
            return func.to_char(func.timezone("UTC", column), "YYYY-MM-DD HH24")
        return func.substr(column, 1, 13)  # SQLite keeps UTC as `YYYY-MM-DD HH:MM:SS…`

    async def _handoff_days(self, period: Period, filters: Filters) -> list[tuple[str, int]]:
        """(local day, conversations handed over that day), the day in the period's zone."""
        hour = self._utc_hour(Handoff.requested_at)
        rows = await self._rows(
            select(Handoff.conversation_id, hour)
            .where(*self._handoff_filter(period, filters))
            .group_by(Handoff.conversation_id, hour)
        )
        facts = [(cid, _local_hour(str(h), period.zone)[0]) for cid, h in rows]
        return list(_distinct_by(facts, lambda f: f[1]).items())

    @staticmethod
    def _daily(period: Period, facts: list[Any], handoff_days: list[Any]) -> list[dict[str, Any]]:
        """Per local day: conversations by service, conversations, and handoffs."""
        by_day: dict[str, dict[str, Any]] = {}
        current = period.start.astimezone(period.zone).date()
        end = period.end.astimezone(period.zone).date()
        while current < end:
            by_day[current.isoformat()] = {"services": {}, "conversations": 0, "handoffs": 0}
            current += dt.timedelta(days=1)
        for key, n in _distinct_by(facts, lambda f: str(f[3])).items():
            if key in by_day:
                by_day[key]["conversations"] = n
        for (key, topic), n in _distinct_by(facts, lambda f: (str(f[3]), f[2])).items():
            if key in by_day:
                by_day[key]["services"][topic or UNKNOWN] = n
        for key, n in handoff_days:
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

    async def _handoffs(self, period: Period, filters: Filters) -> dict[str, Any]:
        """Handoff counts and times; `compute` adds what needs the conversation count."""
        rows = [r[0] for r in await self._rows(
            select(Handoff).where(*self._handoff_filter(period, filters))
        )]  # fmt: skip
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
            "resolved_by_bot": None,
            "handoff_rate": None,
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
        ratings = [int(r or 0) for (r,) in await self._rows(query)]
        distribution = {str(n): ratings.count(n) for n in range(1, 6)}
        average = round(sum(ratings) / len(ratings), 2) if ratings else None
        return {"rated": len(ratings), "average": average, "distribution": distribution}
