"""`python -m bot corpus ingest` and loading the corpus at start-up."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.corpus.index import ingest
from bot.corpus.retrieval import Retriever
from bot.settings import Settings
from bot.storage.db import make_engine, migrate, sessionmaker


async def ensure_corpus(
    settings: Settings, *, force: bool = False, engine: AsyncEngine | None = None
) -> bool:
    """Migrate the database and ingest the corpus if it changed; True when it was rebuilt."""
    own = engine is None
    engine = engine or make_engine(settings.database_url)
    try:
        await migrate(engine)
        async with sessionmaker(engine)() as session:
            return await ingest(session, settings.index_dir, force=force)
    finally:
        if own:
            await engine.dispose()


async def load_retriever(settings: Settings, engine: AsyncEngine | None = None) -> Retriever:
    """The retriever over the ingested corpus, ingesting first when needed."""
    await ensure_corpus(settings, engine=engine)
    return Retriever.load(settings.index_dir)
