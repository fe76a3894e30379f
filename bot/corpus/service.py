"""`python -m bot corpus ingest` and loading the corpus at start-up."""

from __future__ import annotations

from bot.corpus.index import ingest
from bot.corpus.retrieval import Retriever
from bot.settings import Settings
from bot.storage.db import make_engine, migrate, sessionmaker


async def ensure_corpus(settings: Settings, *, force: bool = False) -> bool:
    """Migrate the database and ingest the corpus if it changed; True when it was rebuilt."""
    engine = make_engine(settings.database_url)
    try:
        await migrate(engine)
        async with sessionmaker(engine)() as session:
            return await ingest(session, settings.index_dir, force=force)
    finally:
        await engine.dispose()


async def load_retriever(settings: Settings) -> Retriever:
    """The retriever over the ingested corpus, ingesting first when needed."""
    await ensure_corpus(settings)
    return Retriever.load(settings.index_dir)
