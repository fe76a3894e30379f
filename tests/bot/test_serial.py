"""The keyed lock: one holder per key, in arrival order, entered again by its holder."""

import asyncio

from bot.serial import KeyedLock


async def test_the_holder_enters_again_while_others_wait_their_turn():
    lock, order = KeyedLock(), []

    async def other():
        async with lock.hold("web:s1"):
            order.append("other")

    async with asyncio.timeout(10):  # guards against a deadlock; nothing here is timed
        async with lock.hold("web:s1"):
            waiting = asyncio.create_task(other())
            await asyncio.sleep(0)  # lets it start, and queue for the lock
            async with lock.hold("web:s1"):
                order.append("nested")
            order.append("outer")
        await waiting
    assert order == ["nested", "outer", "other"]
    assert len(lock) == 0


async def test_different_keys_do_not_wait_for_each_other():
    lock = KeyedLock()
    async with asyncio.timeout(10), lock.hold("web:s1"), lock.hold("web:s2"):
        assert len(lock) == 2
