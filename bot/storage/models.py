"""The database schema; changes go through an Alembic migration in `migrations/`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    """Declarative base of every table."""


class Document(Base):
    """A statute or local policy document of the corpus, with its provenance."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(16))  # law | policy
    title: Mapped[str] = mapped_column(String(200))
    publisher: Mapped[str] = mapped_column(String(200))
    date: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16))  # current | superseded
    superseded_by: Mapped[str | None] = mapped_column(String(64))
    file: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))

    passages: Mapped[list[Passage]] = relationship(
        back_populates="document", cascade="all, delete-orphan", order_by="Passage.ordinal"
    )


class Passage(Base):
    """One citable piece of a document: an article or a paragraph under its headings."""

    __tablename__ = "passages"
    __table_args__ = (UniqueConstraint("document_id", "ordinal"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    ordinal: Mapped[int] = mapped_column(Integer)
    section: Mapped[str] = mapped_column(String(400))  # headings joined with " / "
    article: Mapped[str | None] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)  # as in the source, for quoting
    search_text: Mapped[str] = mapped_column(Text)  # simplified, for indexing

    document: Mapped[Document] = relationship(back_populates="passages")


class Conversation(Base):
    """One citizen's conversation on one channel, and what the bot remembers of it."""

    __tablename__ = "conversations"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)  # e.g. "web:…", "tg:123"
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    topic: Mapped[str | None] = mapped_column(String(32))
    form: Mapped[str | None] = mapped_column(String(32))
    form_state: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    district: Mapped[str | None] = mapped_column(String(32))
