"""Managers in Telegram over the fake Bot API: `/stats` with a chart, and the morning reports."""

import datetime as dt
from pathlib import Path

from bot.storage.db import sessionmaker
from bot.storage.models import Conversation, Message
from tests.bot.channels.test_handoff_telegram import CITIZEN, MANAGER, running
from tests.fakes.clock import FakeClock, china

PNG = b"\x89PNG\r\n\x1a\n"
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"


async def seed(engine, *days):
    """One conversation with one mediation question on each of these local days."""
    async with sessionmaker(engine)() as session:
        for n, day in enumerate(days):
            at = china(day.year, day.month, day.day, 10)
            session.add(Conversation(id=f"web:{n}", created_at=at, updated_at=at,
                                     channel="web", form_state={}))  # fmt: skip
            await session.flush()
            session.add(Message(conversation_id=f"web:{n}", channel="web", direction="in",
                                kind="text", body="邻居漏水", intent="mediation_apply",
                                topic="mediation", status="answered", created_at=at))  # fmt: skip
        await session.commit()


def reports_to(fake, chat):
    """(text, photo bytes) pairs of the reports sent to a chat."""
    sent = fake.messages_to(chat)
    texts = [c.text for c in sent if c.method == "sendMessage"]
    photos = [c.files["photo"].data for c in sent if c.method == "sendPhoto"]
    return texts, photos


async def test_stats_for_a_manager_with_the_chart_image(fake, engine, answerer):
    clock = FakeClock(china(2026, 11, 23, 10))
    await seed(engine, dt.date(2026, 11, 20), dt.date(2026, 11, 22), dt.date(2026, 10, 1))
    async with running(fake, engine, answerer, clock):
        fake.command(MANAGER, "/stats 7d", user_id=MANAGER)
        await fake.wait_for(lambda f: f.calls("sendPhoto", ok=True))
        texts, photos = reports_to(fake, MANAGER)
        assert texts[0].splitlines()[:3] == [
            "咨询统计 · 最近 7 天（11月17日–11月23日）",
            "会话 2，市民消息 2",  # the October one is outside the period
            "按服务：人民调解 2、法律援助 0、行政复议 0、其他 0",
        ]
        assert photos[0].startswith(PNG) and len(photos[0]) > 10_000
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / "telegram-stats-chart.png").write_bytes(photos[0])  # for a person to see

        fake.clear_calls()
        fake.command(MANAGER, "/stats 99d", user_id=MANAGER)
        [usage] = await fake.wait_for_messages(MANAGER, 1)
        assert usage.text == "用法：/stats today、/stats 7d 或 /stats 30d"

        # Anyone else's /stats is a citizen's unknown command: help, and no figures.
        fake.clear_calls()
        fake.command(CITIZEN, "/stats 7d", user_id=CITIZEN)
        [answer] = await fake.wait_for_messages(CITIZEN, 1)
        assert "会话" not in answer.text and not fake.calls("sendPhoto")


async def test_morning_reports_follow_the_working_calendar(fake, engine, answerer):
    clock = FakeClock(china(2026, 11, 23, 8, 30))  # a Monday
    await seed(engine, dt.date(2026, 11, 16), dt.date(2026, 11, 20), dt.date(2026, 11, 21),
               dt.date(2026, 11, 22))  # fmt: skip
    async with running(fake, engine, answerer, clock) as channel:
        [job] = [j for j in channel.application.job_queue.jobs() if j.name == "_on_morning"]
        trigger = job.job.trigger
        assert str(trigger.timezone) == "Asia/Shanghai"
        fields = {f.name: str(f) for f in trigger.fields}
        assert (fields["hour"], fields["minute"]) == ("8", "30")

        # Monday: the daily report covers Friday to Sunday, and the weekly one the week.
        await channel.reports.morning()
        texts, photos = reports_to(fake, MANAGER)
        assert [t.splitlines()[0] for t in texts] == [
            "每日报告 · 11月20日–11月22日",
            "每周报告 · 11月16日–11月22日",
        ]
        assert texts[0].splitlines()[1] == "会话 3，市民消息 3"
        assert texts[1].splitlines()[1] == "会话 4，市民消息 4"
        assert len(photos) == 2

        # A Saturday: nothing. The National Day holiday: nothing.
        for day in (china(2026, 11, 28, 8, 30), china(2026, 10, 6, 8, 30)):
            fake.clear_calls()
            clock.at = day
            await channel.reports.morning()
            assert reports_to(fake, MANAGER) == ([], [])

        # The first working day after National Day covers the whole holiday.
        fake.clear_calls()
        clock.at = china(2026, 10, 8, 8, 30)
        await channel.reports.morning()
        texts, _photos = reports_to(fake, MANAGER)
        assert [t.splitlines()[0] for t in texts] == ["每日报告 · 9月30日–10月7日"]
