"""Work queued per key: one key's jobs run one after another, different keys at once."""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)

Job = Callable[[], Awaitable[None]]


class OrderedDispatch:
    """Runs jobs in submission order per key, with at most `limit` keys busy at once."""

    def __init__(self, limit: int = 256) -> None:
        self._queues: dict[str, deque[Job]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._slots = asyncio.Semaphore(limit)

    def submit(self, key: str, job: Job) -> None:
        """Queue `job` behind the earlier jobs of `key`."""
        queue = self._queues.get(key)
        if queue is not None:
            queue.append(job)
            return
        self._queues[key] = deque([job])
        task = asyncio.create_task(self._drain(key))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    @property
    def busy(self) -> int:
        """How many keys have queued or running jobs."""
        return len(self._queues)

    async def _drain(self, key: str) -> None:
        queue = self._queues[key]
        async with self._slots:
            while queue:
                job = queue[0]
                try:
                    await job()
                except Exception:
                    # The job's own error handling reports; one bad job must not stall the key.
                    log.exception("job for %s failed", key)
                queue.popleft()
        del self._queues[key]

    async def join(self, grace: float) -> bool:
        """Wait up to `grace` seconds for every queued job; False if some are left."""
        if not self._tasks:
            return True
        _, pending = await asyncio.wait(set(self._tasks), timeout=grace)
        return not pending

    async def cancel(self) -> None:
        """Stop every running job (they stay stored and unanswered, to be replayed)."""
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
