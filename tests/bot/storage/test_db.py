"""The SQLite files: readable by their owner only."""

import os
import sqlite3

from bot.storage.db import make_engine, migrate, sessionmaker
from bot.storage.messages import add_inbound


async def test_database_files_are_readable_by_their_owner_only(tmp_path):
    path = tmp_path / "bot.db"
    old = os.umask(0o022)  # the usual umask: files made 0644
    try:
        engine = make_engine(f"sqlite:///{path}")
        await migrate(engine)
        async with sessionmaker(engine)() as session:
            await add_inbound(session, conversation="web:a", channel="web", external_id="m1",
                              kind="text", body="你好")  # fmt: skip
        modes = {p.name: p.stat().st_mode & 0o777 for p in tmp_path.iterdir()}
        await engine.dispose()
    finally:
        os.umask(old)
    assert modes == {"bot.db": 0o600, "bot.db-wal": 0o600, "bot.db-shm": 0o600}


async def test_files_made_readable_by_others_before_are_narrowed(tmp_path):
    path = tmp_path / "bot.db"
    sqlite3.connect(path).close()
    path.chmod(0o644)
    engine = make_engine(f"sqlite:///{path}")
    await migrate(engine)
    await engine.dispose()
    assert path.stat().st_mode & 0o777 == 0o600
