"""`python -m bot privacy …` in a real process: a request made through the hotline."""

import json

from sqlalchemy import select

from bot.accounts import store
from bot.storage.db import database
from bot.storage.models import Conversation, Message
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
