"""A real Rasa server for the whole test session, trained (or reused) first."""

from __future__ import annotations

import shutil
from pathlib import Path

import aiohttp
import pytest

from actions.answers import Answerer, Contacts
from actions.reply import Responder
from bot.corpus.service import load_retriever
from bot.dialogue.core import DialogueCore
from bot.nlu.calibrate import load_decision
from bot.nlu.client import NLUService, RasaClient
from bot.rasa.server import RasaServer
from bot.rasa.training import model_path, train
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
    client = RasaClient(http, rasa.url, rasa.token, timeout=30.0)
    return NLUService(client, retry_after=0, decision=load_decision(model_path(settings)))


@pytest.fixture(scope="session")
async def dialogue(nlu, settings) -> DialogueCore:
    answerer = Answerer(await load_retriever(settings), Contacts())
    return DialogueCore(nlu, Responder(answerer))


CHROMIUM = shutil.which("chromium")
# Screenshots of the browser tests, for a person to look at.
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="session")
async def browser():
    """Debian's headless Chromium, driven by Playwright; skipped where it is not installed."""
    if CHROMIUM is None:
        pytest.skip("the browser tests need Debian's chromium on PATH (apt-get install chromium)")
    from playwright.async_api import async_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        )
        try:
            yield browser
        finally:
            await browser.close()
