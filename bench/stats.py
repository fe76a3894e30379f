"""How fast the dashboard's figures come back over a year of a busy hotline.

Seeds 100,000 conversations and 1,000,000 messages spread over the 365 days before
now (with handoffs, ratings and feedback in proportions like the pilot's), then
computes the dashboard's figures for the last 30 days again and again and prints
p50/p95/max. Runs on SQLite, and on PostgreSQL when a server is given (`--postgres
URL`, or TEST_POSTGRES_URL as `scripts/with-postgres.sh` sets it; a fresh database
is made there and dropped afterwards).

    scripts/with-postgres.sh .venv/bin/python bench/stats.py [--conversations N] [--runs N]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import random
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert  # noqa: E402
from sqlalchemy.ext.asyncio import AsyncEngine  # noqa: E402

from bot.handoff.hours import OfficeHours  # noqa: E402
from bot.stats.figures import Figures  # noqa: E402
from bot.stats.period import parse_period  # noqa: E402
from bot.storage.db import make_engine, make_reader, migrate, sessionmaker  # noqa: E402
from bot.storage.models import Conversation, Handoff, Message  # noqa: E402
from bot.timeparse import CHINA  # noqa: E402

DISTRICTS = ["梁溪", "锡山", "惠山", "滨湖", "新吴", "江阴", "宜兴", None]
INTENTS = {
    "mediation": ["mediation_apply", "mediation_scope", "mediation_cost", "mediation_effect"],
    "legal_aid": ["legal_aid_apply", "legal_aid_eligibility", "legal_aid_materials"],
    "admin_review": ["admin_review_apply", "admin_review_deadline", "admin_review_cost"],
    "other": ["greet", "thanks", "nlu_fallback", "out_of_scope"],
}
QUESTIONS = ["邻居漏水不赔怎么办", "我想申请法律援助", "罚款不服能复议吗", "复议要多久",
             "我手机13800138000打不通热线", "公司欠工资三个月", "这个能不能帮我看看"]  # fmt: skip
BATCH = 20_000
MESSAGES_PER = 10  # five questions and five answers


def rows_for(n: int, now: dt.datetime, rng: random.Random) -> tuple[list, list, list]:
    """One conversation: its row, its messages (in and out alternating), its handoff."""
    start = now - dt.timedelta(seconds=rng.uniform(0, 365 * 86400))
    channel = "telegram" if rng.random() < 0.6 else "web"
    cid = f"{'tg' if channel == 'telegram' else 'web'}:{n}"
    topic = rng.choices(list(INTENTS), weights=(4, 3, 2, 1))[0]
    district = rng.choice(DISTRICTS)
    conversation = {"id": cid, "created_at": start, "updated_at": start, "topic": topic,
                    "form_state": {}, "district": district, "channel": channel}  # fmt: skip
    messages = []
    at = start
    for turn in range(MESSAGES_PER // 2):
        at += dt.timedelta(seconds=rng.uniform(5, 300))
        feedback = turn > 0 and rng.random() < 0.15
        intent = None if feedback else rng.choice(INTENTS[topic])
        if not feedback and rng.random() < 0.06:
            intent = "nlu_fallback"
        messages.append({
            "conversation_id": cid, "channel": channel, "direction": "in",
            "external_id": f"{n}:{turn}", "kind": "button" if feedback else "text",
            "body": rng.choice(("feedback:up", "feedback:up", "feedback:down")) if feedback
            else rng.choice(QUESTIONS), "status": "answered", "intent": intent,
            "topic": None if feedback else topic, "created_at": at, "handled_at": at,
        })  # fmt: skip
        messages.append({
            "conversation_id": cid, "channel": channel, "direction": "out", "kind": "reply",
            "body": "答复" * 40, "created_at": at + dt.timedelta(seconds=1),
        })  # fmt: skip
    handoffs = []
    if rng.random() < 0.08:
        requested = at
        claimed = requested + dt.timedelta(seconds=rng.expovariate(1 / 900))
        replied = claimed + dt.timedelta(seconds=rng.uniform(20, 300))
        closed = replied + dt.timedelta(seconds=rng.uniform(120, 1800))
        rated = rng.random() < 0.7
        handoffs.append({
            "ticket": f"{requested.year}-{n:06d}", "conversation_id": cid, "channel": channel,
            "status": "closed", "reason": rng.choice(("request", "fallback", "intake")),
            "urgent": rng.random() < 0.03, "topic": topic, "district": district,
            "requested_at": requested, "claimed_at": claimed, "claimed_by": "7001",
            "operator_label": "0231", "first_reply_at": replied, "closed_at": closed,
            "closed_by": "7001", "close_code": "resolved",
            "rating": rng.choice((3, 4, 4, 5, 5)) if rated else None,
        })  # fmt: skip
    return [conversation], messages, handoffs


async def seed(engine: AsyncEngine, conversations: int) -> None:
    """Insert the year of conversations in batches, showing progress."""
    rng = random.Random(20261129)  # the same data every run
    now = dt.datetime.now(dt.UTC)
    sessions = sessionmaker(engine)
    began = time.perf_counter()
    done = 0
    while done < conversations:
        batch = range(done, min(done + BATCH // MESSAGES_PER, conversations))
        convs, msgs, hands = [], [], []
        for n in batch:
            c, m, h = rows_for(n, now, rng)
            convs += c
            msgs += m
            hands += h
        async with sessions() as session:
            await session.execute(insert(Conversation), convs)
            await session.execute(insert(Message), msgs)
            if hands:
                await session.execute(insert(Handoff), hands)
            await session.commit()
        done = batch.stop
        rate = done / (time.perf_counter() - began)
        print(f"\r  seeded {done:,}/{conversations:,} conversations ({rate:,.0f}/s)", end="",
              flush=True)  # fmt: skip
    print()


async def measure(engine: AsyncEngine, runs: int) -> list[float]:
    """Seconds for the dashboard's figures of the last 30 days, once per run."""
    hours = OfficeHours()
    sessions = sessionmaker(engine)
    times = []
    for _ in range(runs):
        period = parse_period("30d", dt.datetime.now(dt.UTC), CHINA)
        began = time.perf_counter()
        figures = await Figures(sessions, hours).compute(period)
        times.append(time.perf_counter() - began)
    print(f"  30 days: {figures['volume']['conversations']:,} conversations, "
          f"{figures['volume']['messages_in']:,} messages in, "
          f"{figures['handoff']['requests']:,} handoffs")  # fmt: skip
    return times


def report(name: str, times: list[float]) -> None:
    ordered = sorted(times)
    p50 = ordered[len(ordered) // 2] * 1000
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))] * 1000
    verdict = "PASS" if p95 < 300 else "FAIL"
    print(f"{name:<11} runs={len(times)} p50={p50:.0f} ms p95={p95:.0f} ms "
          f"max={ordered[-1] * 1000:.0f} ms  (goal p95 < 300 ms: {verdict})")  # fmt: skip


@asynccontextmanager
async def postgres_database(server: str) -> AsyncIterator[str]:
    import asyncpg

    name = f"bench_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(server)
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    try:
        yield urlsplit(server)._replace(path=f"/{name}").geturl()
    finally:
        admin = await asyncpg.connect(server)
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def run(name: str, url: str, conversations: int, runs: int) -> list[float]:
    print(f"{name}: seeding {conversations:,} conversations, {conversations * MESSAGES_PER:,} "
          "messages", flush=True)  # fmt: skip
    engine = make_engine(url)
    try:
        await migrate(engine)
        await seed(engine, conversations)
        if engine.dialect.name == "postgresql":
            # What autovacuum does soon after a bulk load anyway: statistics for the
            # planner and the visibility map that index-only scans need.
            async with engine.connect() as connection:
                auto = await connection.execution_options(isolation_level="AUTOCOMMIT")
                await auto.exec_driver_sql("VACUUM ANALYZE")
        reader = make_reader(url, engine)  # as the bot reads its statistics
        try:
            await measure(reader, 2)  # warm the caches a dashboard in use has warm
            return await measure(reader, runs)
        finally:
            await reader.dispose()
    finally:
        await engine.dispose()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--postgres", default=os.environ.get("TEST_POSTGRES_URL"))
    args = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        results["SQLite"] = await run("SQLite", url, args.conversations, args.runs)
    if args.postgres:
        async with postgres_database(args.postgres) as url:
            results["PostgreSQL"] = await run("PostgreSQL", url, args.conversations, args.runs)
    else:
        print("PostgreSQL: skipped (no --postgres URL; run under scripts/with-postgres.sh)")
    print()
    for name, times in results.items():
        report(name, times)


if __name__ == "__main__":
    asyncio.run(main())
