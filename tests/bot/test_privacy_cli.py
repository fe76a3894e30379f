"""`python -m bot privacy …` in a real process: a request made through the hotline."""

import datetime as dt
import json

from sqlalchemy import select

from bot.accounts import store
from bot.privacy_cli import maintain
from bot.settings import Settings
from bot.storage.db import database, make_engine, migrate, sessionmaker
from bot.storage.models import Conversation, Handoff, Message
from tests.cli import run_bot
from tests.fakes.clock import china


def run(tmp_path, *args, stdin=""):
    return run_bot(tmp_path, "privacy", *args, stdin=stdin)


async def test_export_then_delete_a_telegram_citizen(tmp_path):
    async with database(f"sqlite:///{tmp_path / 'bot.db'}") as sessions, sessions() as s:
        at = china(2026, 11, 20, 10)
        for cid in ("tg:555", "tg:-100777:555", "tg:556"):
            s.add(Conversation(id=cid, created_at=at, updated_at=at, form_state={}))
            await s.flush()
            s.add(Message(conversation_id=cid, channel="telegram", direction="in", kind="text",
                          body=f"{cid} 的问题", created_at=at))  # fmt: skip
        await s.commit()

    exported = run(tmp_path, "export", "--citizen", "tg:555")
    assert exported.returncode == 0, exported.stderr
    data = json.loads(exported.stdout)
    assert [c["conversation"] for c in data["conversations"]] == ["tg:-100777:555", "tg:555"]
    assert data["conversations"][1]["messages"][0]["text"] == "tg:555 的问题"

    assert run(tmp_path, "delete", "--citizen", "tg:555", stdin="n\n").returncode == 1
    deleted = run(tmp_path, "delete", "--citizen", "tg:555", "--yes")
    assert deleted.returncode == 0 and "'conversations': 2" in deleted.stdout
    bad = run(tmp_path, "export", "--citizen", "张三")
    assert bad.returncode == 2 and "ticket number" in bad.stderr

    async with database(f"sqlite:///{tmp_path / 'bot.db'}") as sessions, sessions() as s:
        left = (await s.execute(select(Conversation.id))).scalars().all()
        assert left == ["tg:556"]  # another citizen's stays
        actions = [e.action for e in await store.audit_entries(s)]
        assert {"privacy_export", "privacy_delete"} <= set(actions)


async def test_the_retention_job_leaves_no_text_it_masked_in_the_wal(tmp_path):
    path, wal = tmp_path / "bot.db", tmp_path / "bot.db-wal"
    engine = make_engine(f"sqlite:///{path}")  # the bot's, open all along
    await migrate(engine)
    sessions = sessionmaker(engine)
    number = "110101199003074514"
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(days=10)
    try:
        async with sessions() as s:
            s.add(Conversation(id="tg:9", created_at=long_ago, updated_at=long_ago, form_state={}))
            await s.flush()
            # Kept whole while the operator needed it; the handoff closed days ago.
            s.add(Message(conversation_id="tg:9", channel="telegram", direction="in",
                          kind="text", body=f"身份证{number}", created_at=long_ago))  # fmt: skip
            s.add(Handoff(ticket="2026-000001", conversation_id="tg:9", channel="telegram",
                          status="closed", reason="request", requested_at=long_ago,
                          closed_at=long_ago))  # fmt: skip
            await s.commit()
        assert number.encode() in path.read_bytes() + wal.read_bytes()
        settings = Settings(_env_file=None, rasa_url=None, rasa_token=None)
        assert (await maintain(settings, sessions))["handoffs_masked"] == 1
        assert wal.read_bytes() == b""  # checkpointed and truncated
        assert number.encode() not in path.read_bytes()
    finally:
        await engine.dispose()
