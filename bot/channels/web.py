"""The web chat as a channel: its name, its conversation ids and what its messages carry.

The routes that receive and send live in bot/web/app.py; they take all of this from here.
"""

from __future__ import annotations

from bot.types import ChannelInfo

WEB = ChannelInfo(
    name="web",
    label="网页",
    prefix="web",
    max_text=10_000,
    buttons_inline=True,
    links=True,
    citizen_help="web:<session>",
)
