"""What a running bot is made of, as bot.runtime builds it and the web application uses it."""

from __future__ import annotations

from dataclasses import dataclass

import aiohttp
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.chat import ChatService
from bot.dialogue.core import DialogueCore
from bot.handoff.service import HandoffService
from bot.nlu.client import NLUService
from bot.rasa.server import RasaServer
from bot.settings import Settings


@dataclass
class Services:
    """What a running bot is made of; built once (bot.runtime.services) and passed down."""

    settings: Settings
    nlu: NLUService
    dialogue: DialogueCore
    chat: ChatService
    handoff: HandoffService
    sessions: async_sessionmaker[AsyncSession]
    rasa: RasaServer | None
    http: aiohttp.ClientSession
    # Statistics read here, several queries at once (bot.storage.db.make_reader).
    reader: async_sessionmaker[AsyncSession]
