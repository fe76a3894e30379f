"""Shared fixtures."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlsplit

import asyncpg
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from actions.answers import Answerer, Contacts
from bot.corpus.retrieval import Retriever
from bot.corpus.service import load_retriever
from bot.settings import Settings
from bot.storage.db import make_engine, migrate

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
    return Answerer(retriever, Contacts())


POSTGRES_SKIP_REASON = "PostgreSQL tests run under `make test` (scripts/with-postgres.sh)"


@pytest.fixture(params=["sqlite", "postgresql"])
async def database_url(request, tmp_path) -> AsyncIterator[str]:
    """The URL of an empty database, once on SQLite and once on PostgreSQL.

    The PostgreSQL one is a fresh database on the server that `TEST_POSTGRES_URL` names
    (started by scripts/with-postgres.sh), dropped afterwards.
    """
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'bot.db'}"
        return
    server = os.environ.get("TEST_POSTGRES_URL")
    if not server:
        pytest.skip(POSTGRES_SKIP_REASON)
    name = f"test_{uuid.uuid4().hex[:16]}"
    admin = await asyncpg.connect(server)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    try:
        yield urlsplit(server)._replace(path=f"/{name}").geturl()
    finally:
        admin = await asyncpg.connect(server)
        try:
            if admin.get_server_version().major >= 13:
                await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            else:
                await admin.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1",
                    name,
                )
                await admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        finally:
            await admin.close()


@pytest.fixture
async def engine(database_url) -> AsyncIterator[AsyncEngine]:
    """An engine on `database_url` with the schema migrated to the newest revision."""
    engine = make_engine(database_url)
    try:
        await migrate(engine)
        yield engine
    finally:
        await engine.dispose()
