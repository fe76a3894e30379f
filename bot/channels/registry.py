"""Every channel the bot has; statistics, privacy, the console, the desk and handoff read it.

A new channel declares its `ChannelInfo` in its own module and is listed here once.
No Bot API or web library is imported, so the chat service and privacy read it directly;
the handoff service, which knows no channel, is handed it by the composition root.
"""

from __future__ import annotations

from bot.channels.telegram_info import TELEGRAM
from bot.channels.web import WEB
from bot.types import Channels

CHANNELS = Channels(TELEGRAM, WEB)
