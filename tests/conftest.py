"""Shared fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

from actions.answers import Answerer, Contacts
from actions.faq import load_faq
from bot.corpus.retrieval import Retriever
from bot.corpus.service import load_retriever
from bot.settings import Settings

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def project_root() -> Path:
    """The repository root."""
    return ROOT


@pytest.fixture(scope="session")
async def retriever(tmp_path_factory) -> Retriever:
    tmp = tmp_path_factory.mktemp("corpus")
    settings = Settings(database_url=f"sqlite:///{tmp / 'bot.db'}", index_dir=tmp / "index")
    return await load_retriever(settings)


@pytest.fixture(scope="session")
def answerer(retriever) -> Answerer:
    return Answerer(load_faq(), retriever, Contacts())
