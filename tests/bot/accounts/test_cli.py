"""`python -m bot user …` in a real process against a database file."""

from bot.accounts import store
from bot.storage.db import make_engine, sessionmaker
from tests.cli import run_bot


def run(tmp_path, *args, stdin=""):
    return run_bot(tmp_path, "user", *args, stdin=stdin)


async def test_add_list_passwd_disable(tmp_path):
    added = run(tmp_path, "add", "李主任", "--role", "manager", stdin="a long enough one\n")
    assert added.returncode == 0, added.stderr
    assert "李主任\tmanager" in run(tmp_path, "list").stdout
    short = run(tmp_path, "passwd", "李主任", stdin="short\n")
    assert short.returncode == 1 and "at least 10" in short.stderr
    assert run(tmp_path, "passwd", "李主任", stdin="another long one\n").returncode == 0
    assert (
        run(tmp_path, "add", "李主任", "--role", "admin", stdin="whatever12345\n").returncode == 1
    )
    assert "(disabled)" in run(tmp_path, "disable", "李主任").stdout + run(tmp_path, "list").stdout
    engine = make_engine(f"sqlite:///{tmp_path / 'bot.db'}")
    try:
        async with sessionmaker(engine)() as s:
            assert await store.authenticate(s, "李主任", "another long one") is None  # disabled
            await store.set_disabled(s, "李主任", False)
            assert await store.authenticate(s, "李主任", "another long one") is not None
            actions = [e.action for e in await store.audit_entries(s)]
        assert {"account_add", "account_passwd", "account_disable"} <= set(actions)
    finally:
        await engine.dispose()


def test_unknown_role_is_refused(tmp_path):
    result = run(tmp_path, "add", "x", "--role", "boss", stdin="0123456789ab\n")
    assert result.returncode == 2 and "invalid choice" in result.stderr
