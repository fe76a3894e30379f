"""Start-up shared by every command that needs the model: settings, Rasa, the NLU client.

`services` is the composition root: the one place that builds the services and hands
each its collaborators.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TypeVar

import aiohttp
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from actions.answers import Answerer, Contacts
from actions.reply import Responder
from bot.accounts.store import Role, has_active
from bot.channels.registry import CHANNELS
from bot.chat import ChatService
from bot.corpus.service import load_retriever
from bot.dialogue.core import DialogueCore
from bot.dialogue.state import Conversations
from bot.handoff.config import build_handoff
from bot.nlu.calibrate import load_decision
from bot.nlu.client import NLUService, RasaClient
from bot.nlu.danger import classifier as danger_model
from bot.outbox import Outbox
from bot.rasa.server import RasaServer
from bot.rasa.training import model_path, train
from bot.services import Services
from bot.settings import Settings
from bot.storage.conversations import DbStateStore
from bot.storage.db import close, make_engine, make_reader, sessionmaker

log = logging.getLogger(__name__)
T = TypeVar("T")


@contextlib.asynccontextmanager
async def services(settings: Settings) -> AsyncIterator[Services]:
    """Rasa (ours, or the one `RASA_URL` names) and the services on top of it."""
    async with contextlib.AsyncExitStack() as stack:
        engine = make_engine(settings.database_url)
        stack.push_async_callback(close, engine)  # runs last, once no reader holds the WAL
        retriever = await load_retriever(settings, engine)
        answerer = Answerer(retriever, Contacts(settings.contacts))
        rasa: RasaServer | None = None
        if settings.rasa_url and settings.rasa_token:
            url, token = settings.rasa_url, settings.rasa_token.get_secret_value()
            log.info("using the Rasa server at %s", url)
            # A server trained from this checkout's data reads the decision fitted for it.
            model = model_path(settings)
        else:
            model = await asyncio.to_thread(train, settings)
            rasa = await stack.enter_async_context(RasaServer(settings, model))
            url, token = rasa.url, rasa.token
        # Loaded (or trained, half a minute) before the first citizen, off the event loop.
        await asyncio.to_thread(danger_model)
        decision = load_decision(model)
        if decision is None:
            log.warning(
                "no topic decision fitted for %s: the topic with most mass wins", model.name
            )
        http = await stack.enter_async_context(aiohttp.ClientSession())
        client = RasaClient(http, url, token, settings.rasa_timeout)
        nlu = NLUService(client, retry_after=settings.rasa_retry_after, decision=decision)
        sessions = sessionmaker(engine)
        reader = make_reader(settings.database_url, engine)
        if reader is not engine:
            stack.push_async_callback(reader.dispose)
        # Built first and shared: the outbox (channels register with it, operators'
        # messages leave through it) and the one owner of the conversation states.
        outbox = Outbox(sessions)
        conversations = Conversations(DbStateStore(sessions))
        web_desk = await _web_desk(settings, sessions)
        handoff = build_handoff(
            settings, sessions, outbox=outbox, conversations=conversations,
            channels=CHANNELS, web_desk=web_desk,
        )  # fmt: skip
        responder = Responder(answerer, retention_days=settings.privacy_retention_days)
        dialogue = DialogueCore(nlu, responder, conversations, handoff)
        chat = ChatService(dialogue, sessions, outbox, handoff)
        yield Services(
            settings, nlu, dialogue, chat, handoff, sessions, rasa, http, sessionmaker(reader)
        )


async def _web_desk(settings: Settings, sessions: async_sessionmaker[AsyncSession]) -> bool:
    if settings.handoff_web_desk is not None:
        return settings.handoff_web_desk
    async with sessions() as session:
        staffed = await has_active(session, Role.OPERATOR)
    if staffed:
        log.info("operators take handoffs in the web console too")
    return staffed


def run_main(main: Callable[[], Awaitable[T]]) -> T:
    """Run `main` on a fresh loop; SIGTERM and Ctrl-C cancel it so clean-up runs."""

    async def wrapper() -> T:
        task = asyncio.current_task()
        loop = asyncio.get_running_loop()
        assert task is not None  # noqa: S101
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, task.cancel)
        try:
            return await main()
        finally:
            for sig in (signal.SIGTERM, signal.SIGINT):
                loop.remove_signal_handler(sig)

    return asyncio.run(wrapper())
