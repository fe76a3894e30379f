"""Accounts: argon2 off the event loop, a few at a time; one sign-in key per account."""

import asyncio
import threading

from argon2 import PasswordHasher
from argon2.exceptions import VerifyMismatchError

from bot.accounts import store
from bot.accounts.store import Role
from bot.storage.db import sessionmaker

PASSWORD = "correct horse battery"  # noqa: S105 (a test password)


class WatchedHasher(PasswordHasher):
    """Verifies by plain comparison, noting the thread and how many run at once."""

    def __init__(self) -> None:
        super().__init__()
        self.lock = threading.Lock()
        self.running = self.most = 0
        self.on_loop_thread = False
        self.crowd = threading.Event()

    def verify(self, hash: str | bytes, password: str | bytes) -> bool:
        with self.lock:
            self.running += 1
            self.most = max(self.most, self.running)
            if self.running > store.ARGON2_SLOTS:
                self.crowd.set()
        self.on_loop_thread |= threading.current_thread() is threading.main_thread()
        # Hold the slot a moment so that a missing limit shows as a crowd.
        self.crowd.wait(0.5)
        with self.lock:
            self.running -= 1
        if password != PASSWORD:
            raise VerifyMismatchError
        return True


async def test_argon2_runs_in_worker_threads_a_few_at_a_time(engine, monkeypatch):
    sessions = sessionmaker(engine)
    async with sessions() as s:
        await store.add_user(s, "op1", Role.OPERATOR, PASSWORD)
    hasher = WatchedHasher()
    monkeypatch.setattr(store, "_hasher", hasher)

    async def guess(n: int) -> bool:
        async with sessions() as s:
            return await store.authenticate(s, "op1", f"guess {n}") is not None

    results = await asyncio.gather(*(guess(n) for n in range(3 * store.ARGON2_SLOTS)))
    assert not any(results)
    assert not hasher.on_loop_thread  # the event loop stays free for the citizens
    assert hasher.most == store.ARGON2_SLOTS


async def test_every_spelling_that_reaches_an_account_has_its_login_key(engine):
    sessions = sessionmaker(engine)
    async with sessions() as s:
        await store.add_user(s, "op1", Role.OPERATOR, PASSWORD)
        for spelling in ("op1", "\u3000op1 ", "op1\u3000", "\u00a0op1\t", "\u2003op1\n"):
            assert await store.authenticate(s, spelling, PASSWORD) is not None, repr(spelling)
            assert store.login_key(spelling) == "op1", repr(spelling)
    # Spellings the store would not find share the key too; that only narrows guessing.
    assert store.login_key("ＯＰ１") == store.login_key(" Op1") == "op1"
