"""A web app served from a thread with its own event loop, for plain synchronous tests."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractAsyncContextManager
from typing import Any

from aiohttp import web

# Yields the app and what else the test needs to know of it (secrets, paths).
AppFactory = Callable[[], AbstractAsyncContextManager[tuple[web.Application, dict[str, Any]]]]


@contextlib.contextmanager
def served(factory: AppFactory) -> Iterator[dict[str, Any]]:
    """Serve the app `factory` builds on a free loopback port; yields `url` and its extras."""
    loop = asyncio.new_event_loop()
    ready: dict[str, Any] = {}
    stop = asyncio.Event()

    async def serve() -> None:
        async with factory() as (app, extras):
            runner = web.AppRunner(app)
            await runner.setup()
            await web.TCPSite(runner, "127.0.0.1", 0).start()
            host, port = runner.addresses[0][:2]
            ready.update(url=f"http://{host}:{port}", **extras)
            await stop.wait()
            await runner.cleanup()

    thread = threading.Thread(target=loop.run_until_complete, args=(serve(),), daemon=True)
    thread.start()
    for _ in range(200):
        if ready:
            break
        threading.Event().wait(0.05)
    assert ready, "the app did not start"
    try:
        yield ready
    finally:
        loop.call_soon_threadsafe(stop.set)
        thread.join(timeout=30)
