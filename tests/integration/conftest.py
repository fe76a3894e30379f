"""A real Rasa server for the whole test session, trained (or reused) first."""

from __future__ import annotations

import aiohttp
import pytest

from actions.answers import Answerer, Contacts
from actions.faq import load_faq
from actions.reply import Responder
from bot.corpus.service import load_retriever
from bot.dialogue.core import DialogueCore
from bot.nlu.client import NLUService, RasaClient
from bot.rasa.server import RasaServer
from bot.rasa.training import train
from bot.settings import Settings


@pytest.fixture(scope="session")
def settings(tmp_path_factory) -> Settings:
    tmp = tmp_path_factory.mktemp("integration")
    return Settings(
        rasa_url=None,
        rasa_token=None,
        database_url=f"sqlite:///{tmp / 'bot.db'}",
        index_dir=tmp / "index",
        _env_file=None,
    )


@pytest.fixture(scope="session")
async def rasa(settings):
    model = train(settings)
    async with RasaServer(settings, model) as server:
        yield server


@pytest.fixture(scope="session")
async def http():
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture(scope="session")
def nlu(rasa, http, settings) -> NLUService:
    # A generous timeout: these tests check understanding, not latency on a busy CI box.
    return NLUService(RasaClient(http, rasa.url, rasa.token, timeout=30.0), retry_after=0)


@pytest.fixture(scope="session")
async def dialogue(nlu, settings) -> DialogueCore:
    answerer = Answerer(load_faq(), await load_retriever(settings), Contacts())
    return DialogueCore(nlu, Responder(answerer))
