"""Every figure against values worked out by hand from a small, known set of conversations."""

from zoneinfo import ZoneInfo

import pytest

from bot.handoff.hours import OfficeHours
from bot.stats.figures import Figures, Filters, percentile
from bot.stats.period import PeriodError, parse_period
from bot.storage.db import sessionmaker
from bot.storage.models import Conversation, Handoff, Message
from tests.fakes.clock import CHINA, china

NOW = china(2026, 11, 22, 23)
WEEK = parse_period("2026-11-16..2026-11-22", NOW, CHINA)


def conversation(cid, channel, district):
    at = china(2026, 11, 1)
    return Conversation(id=cid, created_at=at, updated_at=at, channel=channel, district=district,
                        form_state={})  # fmt: skip


def inbound(cid, channel, at, body, kind="text", intent=None, topic="other"):
    return Message(conversation_id=cid, channel=channel, direction="in", kind=kind, body=body,
                   intent=intent, topic=topic, status="answered", created_at=at)  # fmt: skip


def outbound(cid, channel, at):
    return Message(conversation_id=cid, channel=channel, direction="out", kind="reply",
                   body="答复", created_at=at)  # fmt: skip


def handoff(n, cid, channel, district, requested, claimed, replied, closed, rating):
    return Handoff(ticket=f"2026-{n:06d}", conversation_id=cid, channel=channel, status="closed",
                   reason="request", urgent=False, district=district, requested_at=requested,
                   claimed_at=claimed, first_reply_at=replied, closed_at=closed,
                   close_code="resolved", rating=rating)  # fmt: skip


@pytest.fixture
async def sessions(engine):
    sessions = sessionmaker(engine)
    async with sessions() as s:
        s.add_all([
            conversation("web:a", "web", "惠山"),
            conversation("tg:b", "telegram", "梁溪"),
            conversation("web:c", "web", None),
            conversation("tg:d", "telegram", "惠山"),
        ])  # fmt: skip
        await s.flush()
        s.add_all([
            inbound("web:a", "web", china(2026, 11, 16, 10), "复议要钱吗",
                    intent="admin_review_cost", topic="admin_review"),
            outbound("web:a", "web", china(2026, 11, 16, 10)),
            inbound("web:a", "web", china(2026, 11, 16, 10, 1), "feedback:up", kind="button"),
            inbound("tg:b", "telegram", china(2026, 11, 17, 15, 30), "调解要钱吗",
                    intent="mediation_cost", topic="mediation"),
            outbound("tg:b", "telegram", china(2026, 11, 17, 15, 30)),
            inbound("tg:b", "telegram", china(2026, 11, 17, 15, 31), "嗯嗯 13800138000",
                    intent="nlu_fallback"),
            outbound("tg:b", "telegram", china(2026, 11, 17, 15, 31)),
            inbound("tg:b", "telegram", china(2026, 11, 17, 15, 32), "feedback:down",
                    kind="button"),
            inbound("web:c", "web", china(2026, 11, 21, 20), "xyz", intent="nlu_fallback"),
            outbound("web:c", "web", china(2026, 11, 21, 20)),
            inbound("tg:d", "telegram", china(2026, 11, 22, 8), "复议要钱吗",
                    intent="admin_review_cost", topic="admin_review"),
            outbound("tg:d", "telegram", china(2026, 11, 22, 8)),
            # The minute before the week: not counted.
            inbound("tg:d", "telegram", china(2026, 11, 15, 23, 59), "复议要钱吗",
                    intent="admin_review_cost", topic="admin_review"),
            handoff(1, "tg:b", "telegram", "梁溪", china(2026, 11, 17, 15, 33),
                    china(2026, 11, 17, 15, 43), china(2026, 11, 17, 15, 45),
                    china(2026, 11, 17, 16, 13), 4),
            # Asked on a Saturday evening, taken on Monday at 09:10.
            handoff(2, "web:c", "web", None, china(2026, 11, 21, 20, 5),
                    china(2026, 11, 23, 9, 10), china(2026, 11, 23, 9, 12),
                    china(2026, 11, 23, 9, 40), 2),
        ])  # fmt: skip
        await s.commit()
    return sessions


async def figures(sessions, filters=None):
    return await Figures(sessions, OfficeHours()).compute(WEEK, filters or Filters())


async def test_volume_and_groups(sessions):
    f = await figures(sessions)
    assert f["volume"] == {"conversations": 4, "citizens": 4, "messages_in": 7, "messages_out": 5}
    assert f["by_service"] == {"other": 3, "admin_review": 2, "mediation": 1}
    assert f["by_intent"] == [
        {"intent": "admin_review_cost", "messages": 2},
        {"intent": "nlu_fallback", "messages": 2},
        {"intent": "mediation_cost", "messages": 1},
    ]
    assert f["by_channel"] == {"telegram": 2, "web": 2}
    assert f["by_district"] == {"惠山": 2, "梁溪": 1, "未知": 1}


async def test_handoff_times_with_business_hours_apart(sessions):
    h = (await figures(sessions))["handoff"]
    assert (h["requests"], h["conversations_handed"], h["resolved_by_bot"]) == (2, 2, 2)
    assert h["handoff_rate"] == 0.5 and h["claimed"] == 2
    assert h["time_to_claim"] == {"n": 2, "p50": 600, "p90": 37 * 3600 + 5 * 60}
    assert h["time_to_claim_business"] == {"n": 2, "p50": 600, "p90": 600}
    assert h["time_to_first_reply"] == {"n": 2, "p50": 720, "p90": 37 * 3600 + 7 * 60}
    assert h["time_to_first_reply_business"] == {"n": 2, "p50": 720, "p90": 720}
    assert h["handling_time"] == {"n": 2, "p50": 1800, "p90": 1800}


async def test_satisfaction_helpful_and_nlu(sessions):
    f = await figures(sessions)
    assert f["satisfaction"] == {
        "rated": 2, "average": 3.0, "distribution": {"1": 0, "2": 1, "3": 0, "4": 1, "5": 0},
    }  # fmt: skip
    assert f["helpful"] == {"up": 1, "down": 1, "helpful_rate": 0.5}
    assert f["nlu"] == {"text_messages": 5, "fallback": 2, "fallback_rate": 0.4}
    assert sorted(u["text"] for u in f["unanswered"]) == ["xyz", "嗯嗯 138****8000"]


async def test_hours_and_weekdays_in_beijing_time(sessions):
    f = await figures(sessions)
    assert f["by_hour"][10] == 2 and f["by_hour"][15] == 3
    assert f["by_hour"][20] == 1 and f["by_hour"][8] == 1 and sum(f["by_hour"]) == 7
    assert f["by_weekday"] == [2, 3, 0, 0, 0, 1, 1]


async def test_days_and_hours_follow_the_office_zone(sessions):
    tokyo = ZoneInfo("Asia/Tokyo")  # an hour ahead of Beijing
    week = parse_period("2026-11-16..2026-11-22", NOW, tokyo)
    f = await Figures(sessions, OfficeHours(zone="Asia/Tokyo")).compute(week, Filters())
    assert f["by_hour"][16] == 3 and f["by_hour"][15] == 0
    # Beijing's 23:59 on the 15th is already the 16th in Tokyo.
    assert f["volume"]["messages_in"] == 8
    days = {d["date"]: d for d in f["daily"]}
    assert days["2026-11-16"]["conversations"] == 2  # web:a, and tg:d from the evening before
    assert days["2026-11-21"]["handoffs"] == 1 and days["2026-11-17"]["handoffs"] == 1


async def test_filters(sessions):
    web = await figures(sessions, Filters(channel="web"))
    assert web["volume"]["conversations"] == 2 and web["handoff"]["requests"] == 1
    assert web["satisfaction"]["average"] == 2.0
    huishan = await figures(sessions, Filters(district="惠山"))
    assert huishan["volume"]["conversations"] == 2 and huishan["handoff"]["requests"] == 0
    assert huishan["handoff"]["handoff_rate"] == 0.0


def test_percentile_is_nearest_rank():
    assert percentile([], 0.5) is None
    assert percentile([5, 1, 3], 0.5) == 3
    assert percentile(list(range(1, 11)), 0.9) == 9


def test_periods():
    assert parse_period("today", NOW, CHINA).start == china(2026, 11, 22, 0)
    seven = parse_period("7d", NOW, CHINA)
    assert (seven.start, seven.end) == (china(2026, 11, 16, 0), china(2026, 11, 23, 0))
    assert parse_period("30d", NOW, CHINA).start == china(2026, 10, 24, 0)
    for bad in (
        "week",
        "2026-11-30..2026-11-01",
        "2026-02-30..2026-03-01",
        "2020-01-01..2026-01-01",
    ):
        with pytest.raises(PeriodError):
            parse_period(bad, NOW, CHINA)
