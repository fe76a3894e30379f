"""Telegram as a channel: its name, its conversation ids and what its messages carry.

Kept apart from bot/channels/telegram.py so that the registry imports no Bot API library.
"""

from __future__ import annotations

from bot.types import ChannelInfo

TELEGRAM = ChannelInfo(
    name="telegram",
    label="Telegram",
    prefix="tg",
    max_text=4096,
    buttons_inline=True,
    links=True,
    # A user id; a group's members each have a conversation `tg:<chat>:<user>`.
    citizen_id=r"-*\d+",
    per_member=True,
    citizen_help="tg:<Telegram user id>",
)
