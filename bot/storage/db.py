"""The async engine and sessions, and bringing the schema up to date."""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import AsyncIterator
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from bot.settings import PROJECT_ROOT

MIGRATIONS = PROJECT_ROOT / "migrations"
# The database holds citizens' messages and staff's password hashes: its owner alone reads it.
FILE_MODE = 0o600
SIDE_FILES = ("", "-wal", "-shm", "-journal")

log = logging.getLogger(__name__)


def async_url(url: str) -> str:
    """The async driver's form of a database URL (sqlite → aiosqlite, postgresql → asyncpg)."""
    if url.startswith("sqlite:"):
        return "sqlite+aiosqlite:" + url.removeprefix("sqlite:")
    if url.startswith(("postgresql:", "postgres:")):
        return "postgresql+asyncpg:" + url.split(":", 1)[1]
    return url


def sync_url(url: str) -> str:
    """The form of a database URL that Alembic's synchronous run uses."""
    return (
        url.replace("sqlite+aiosqlite:", "sqlite:")
        .replace("postgresql+asyncpg:", "postgresql+psycopg:")
        .replace("postgres:", "postgresql+psycopg:")
    )


READERS = 3  # two cores: a third hides the waits between queries


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    # WAL lets readers and the one writer work at once; foreign keys are off by default.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # Deleted and overwritten text is zeroed, not left in free pages of the file.
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


def _sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL; None for other databases and in-memory ones."""
    if not url.startswith("sqlite") or "///" not in url:
        return None
    path = url.split("///", 1)[1].split("?", 1)[0]
    return Path(path) if path and path != ":memory:" else None


def _owner_only(path: Path) -> None:
    """Create the database file readable by its owner only, and narrow the files already there.

    SQLite gives the -wal and -shm files the mode of the database file, so creating
    that one right covers them; older files (made 0644) are narrowed here.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(path, os.O_CREAT | os.O_RDWR, FILE_MODE))
    for suffix in SIDE_FILES:
        side = path.with_name(path.name + suffix)
        with contextlib.suppress(FileNotFoundError):
            if side.stat().st_mode & 0o777 != FILE_MODE:
                side.chmod(FILE_MODE)


def make_engine(url: str) -> AsyncEngine:
    """An async engine for `url`, with SQLite tuned for one process."""
    url = async_url(url)
    path = _sqlite_path(url)
    if path is not None:
        _owner_only(path)
    if url.startswith("sqlite"):
        # One connection: SQLite takes one writer at a time, and writers on several
        # connections wait in its busy handler's sleeps instead of in a fair queue.
        # A file has no connection to lose, so no ping before each checkout either.
        # Sessions end their own transactions, so the pool's rollback on return would
        # be one more trip to SQLite's thread for nothing.
        engine = create_async_engine(
            url, pool_size=1, max_overflow=0, pool_timeout=60, pool_reset_on_return=None
        )
    else:
        engine = create_async_engine(url, pool_pre_ping=True)
    if url.startswith("sqlite"):
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    return engine


def make_reader(url: str, engine: AsyncEngine) -> AsyncEngine:
    """The engine statistics read through, several queries at once.

    SQLite gets a few read-only connections of its own (WAL lets them read beside the
    one writer); other databases share the engine's pool.
    """
    url = async_url(url)
    if not url.startswith("sqlite"):
        return engine
    reader = create_async_engine(url, pool_size=READERS, max_overflow=0, pool_timeout=60)
    event.listen(reader.sync_engine, "connect", _sqlite_reader_pragmas)
    return reader


def _sqlite_reader_pragmas(dbapi_connection: object, _record: object) -> None:
    _sqlite_pragmas(dbapi_connection, _record)
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA query_only=ON")
    cursor.close()


def sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded objects usable after commit."""
    return async_sessionmaker(engine, expire_on_commit=False)


def _alembic_config(connection: object | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


async def migrate(engine: AsyncEngine) -> None:
    """Bring the schema to the newest migration."""

    def upgrade(sync_connection: object) -> None:
        command.upgrade(_alembic_config(sync_connection), "head")

    async with engine.begin() as connection:
        await connection.run_sync(upgrade)


async def checkpoint(session: AsyncSession) -> None:
    """Copy SQLite's WAL into the database and truncate it (nothing elsewhere).

    Run after text was masked or deleted: until then the old text is still in
    the WAL file's frames. The caller has committed its writes.
    """
    connection = await session.connection()
    if connection.dialect.name == "sqlite":
        await connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    await session.commit()


async def close(engine: AsyncEngine) -> None:
    """Close an engine's connections, SQLite's WAL checkpointed and truncated first."""
    try:
        if engine.dialect.name == "sqlite":
            async with engine.connect() as connection:
                await connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    except (DBAPIError, OSError) as exc:
        log.warning("the database's WAL could not be checkpointed: %s", describe_failure(exc))
    finally:
        await engine.dispose()


__all__ = [
    "Engine",
    "checkpoint",
    "close",
    "describe_failure",
    "make_engine",
    "migrate",
    "sessionmaker",
]


def describe_failure(exc: BaseException) -> str:
    """What a failed database call means, in words an operator of the bot can act on."""
    detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0][:200]
    lowered = detail.lower()
    if "disk is full" in lowered or "no space left" in lowered:
        return f"the database's disk is full ({detail})"
    if isinstance(exc, OSError) or "connect" in lowered or "closed" in lowered:
        return f"the database cannot be reached ({detail})"
    return detail


@contextlib.asynccontextmanager
async def database(url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """The database brought up to date, for a one-off command; closed afterwards."""
    engine = make_engine(url)
    try:
        await migrate(engine)
        yield sessionmaker(engine)
    finally:
        await close(engine)
