"""The channel registry: names, labels and conversation ids of Telegram and the web chat."""

import pytest

from bot.channels.registry import CHANNELS
from bot.channels.telegram_info import TELEGRAM
from bot.channels.web import WEB
from bot.types import ChannelInfo, Channels


def test_each_channel_is_declared_once() -> None:
    assert CHANNELS.names() == ("telegram", "web")
    assert CHANNELS.labels() == {"telegram": "Telegram", "web": "网页"}
    assert len({c.prefix for c in CHANNELS}) == len(CHANNELS.names())


@pytest.mark.parametrize(
    ("conversation", "channel", "citizen"),
    [
        ("tg:555", "telegram", "tg:555"),
        ("tg:-100777:555", "telegram", "tg:555"),  # a group member is their own citizen
        ("web:abc", "web", "web:abc"),
        ("web:a:b", "web", "web:a:b"),  # the web chat has no groups
        ("xx:1", "xx", "xx:1"),  # an unknown channel stands for itself
    ],
)
def test_a_conversation_names_its_channel_and_citizen(
    conversation: str, channel: str, citizen: str
) -> None:
    assert CHANNELS.channel_of(conversation) == channel
    assert CHANNELS.citizen_of(conversation) == citizen


def test_prefixes_are_whole() -> None:
    # `tgx:1` is not Telegram's, though it begins with "tg".
    assert CHANNELS.by_prefix("tgx:1") is None
    assert CHANNELS.by_prefix("tg:1") is TELEGRAM
    assert CHANNELS.by_name("web") is WEB


@pytest.mark.parametrize(
    ("reference", "known"),
    [("tg:555", True), ("tg:-100", True), ("tg:abc", False), ("tg:", False),
     ("web:s1", True), ("web:", False), ("2026-000123", False)],
)  # fmt: skip
def test_citizen_references(reference: str, known: bool) -> None:
    assert any(c.is_citizen(reference) for c in CHANNELS) is known


def test_labels_of_unknown_channels_are_their_names() -> None:
    assert CHANNELS.label("web") == "网页"
    assert CHANNELS.label("sms") == "sms"
    assert Channels().label("telegram") == "telegram"


def test_limits_are_the_channels_own() -> None:
    from bot.channels.telegram_format import LIMIT
    from bot.web.app import MAX_TEXT

    assert LIMIT == TELEGRAM.max_text == 4096
    assert WEB.max_text == MAX_TEXT == 10_000
    assert isinstance(WEB, ChannelInfo)
