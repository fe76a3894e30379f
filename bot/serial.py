"""One lock per key, held only while someone needs it."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator


class KeyedLock:
    """Runs critical sections of one key one at a time, in arrival order.

    A key's lock is dropped when no task holds or waits for it, so a long-running
    bot does not keep one lock per citizen it has ever seen. The task holding a
    key may enter it again: a nested section runs at once, inside the outer one.
    """

    def __init__(self) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}
        self._holders: dict[str, asyncio.Task[object]] = {}

    def __len__(self) -> int:
        return len(self._locks)

    @contextlib.asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[None]:
        """Hold the lock of `key` for the duration of the block."""
        task = asyncio.current_task()
        if task is not None and self._holders.get(key) is task:
            yield  # already held by this task, e.g. a turn run inside the chat's hold
            return
        lock, users = self._locks.get(key, (asyncio.Lock(), 0))
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                if task is not None:
                    self._holders[key] = task
                try:
                    yield
                finally:
                    self._holders.pop(key, None)
        finally:
            lock, users = self._locks[key]
            if users == 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)
