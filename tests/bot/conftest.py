"""Fixtures shared by the bot's tests."""

import pytest

from tests.fakes.telegram_api import FakeTelegram


@pytest.fixture
async def fake():
    """A fake Telegram Bot API server for the test."""
    async with FakeTelegram() as fake:
        yield fake
