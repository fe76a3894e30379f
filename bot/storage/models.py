"""The database schema; changes go through an Alembic migration in `migrations/`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator


class UtcDateTime(TypeDecorator[dt.datetime]):
    """A moment stored in UTC and read back timezone-aware, on SQLite as on PostgreSQL.

    SQLite keeps no offset: without this, a Beijing time would come back as UTC.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        """To UTC before storing; a naive time is refused rather than guessed."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: give moments with a time zone")
        return value.astimezone(dt.UTC)

    def process_result_value(
        self, value: dt.datetime | None, dialect: Dialect
    ) -> dt.datetime | None:
        """Timezone-aware UTC, whatever the database returned."""
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value


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
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    topic: Mapped[str | None] = mapped_column(String(32))
    form: Mapped[str | None] = mapped_column(String(32))
    form_state: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    district: Mapped[str | None] = mapped_column(String(32))
    channel: Mapped[str | None] = mapped_column(String(16))
    # Who holds the conversation when a human operator has it; None while the bot does.
    human: Mapped[str | None] = mapped_column(String(64))
    # The open handoff (queued or claimed): while set, the bot says nothing itself.
    handoff_id: Mapped[int | None] = mapped_column(Integer)
    # Small dialogue flows between turns: handoff intake, rating, missed-turn counts.
    flow: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class Message(Base):
    """One message in or out; inbound ones are written before they are processed.

    `external_id` is the channel's own id (a Telegram update, a web client's message
    id) and is unique per channel, so a message delivered twice is answered once.
    """

    __tablename__ = "messages"
    __table_args__ = (
        UniqueConstraint("channel", "external_id"),
        Index("ix_messages_conversation", "conversation_id", "id"),
        Index("ix_messages_status", "status"),
        # Everything a period's statistics read (migration 0006).
        Index(
            "ix_messages_period",
            "direction",
            "created_at",
            "kind",
            "topic",
            "intent",
            "channel",
            "conversation_id",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(16))
    direction: Mapped[str] = mapped_column(String(3))  # in | out
    external_id: Mapped[str | None] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))  # text | button | command | media | reply
    body: Mapped[str] = mapped_column(Text)
    # Inbound: what the channel needs to process it again after a restart.
    # Outbound: the reply's buttons and sources.
    data: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # Inbound only: pending -> ready (replies chosen, in `replies`) -> answered.
    status: Mapped[str | None] = mapped_column(String(16))
    replies: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    reply_to: Mapped[int | None] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"))
    sent_ref: Mapped[str | None] = mapped_column(String(64))  # the channel's id of a sent reply
    intent: Mapped[str | None] = mapped_column(String(64))
    topic: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    handled_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)


class Handoff(Base):
    """One request for a human: queued, claimed by an operator, closed and rated.

    Every moment is kept, so human time is never mixed with bot time in the figures.
    """

    __tablename__ = "handoffs"
    __table_args__ = (
        Index("ix_handoffs_status", "status"),
        Index("ix_handoffs_conversation", "conversation_id"),
        Index("ix_handoffs_thread", "thread_id"),
        Index("ix_handoffs_requested", "requested_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket: Mapped[str] = mapped_column(String(16), unique=True)  # e.g. 2026-000123
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))  # queued | claimed | closed | callback
    reason: Mapped[str] = mapped_column(String(16))  # request | fallback | feedback | ...
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    topic: Mapped[str | None] = mapped_column(String(32))
    intent: Mapped[str | None] = mapped_column(String(64))
    entities: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    district: Mapped[str | None] = mapped_column(String(32))
    description: Mapped[str | None] = mapped_column(Text)
    contact: Mapped[str | None] = mapped_column(String(64))  # a callback's phone number
    thread_id: Mapped[int | None] = mapped_column(Integer)  # the operators' forum topic
    requested_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    claimed_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    operator_label: Mapped[str | None] = mapped_column(String(64))
    first_reply_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    last_citizen_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    last_operator_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    reminded_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    escalated_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    flagged_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    closed_by: Mapped[str | None] = mapped_column(String(64))
    close_code: Mapped[str | None] = mapped_column(String(32))
    rating: Mapped[int | None] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(Text)
    # When the text of its conversation was masked, once no operator needed it any more.
    masked_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    rated_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)


class HandoffEvent(Base):
    """Something that happened to a handoff: claim, relayed message, note, close…

    `external_id` (the Telegram update or the inbound message) is unique, so an
    update delivered twice is acted on once.
    """

    __tablename__ = "handoff_events"
    __table_args__ = (Index("ix_handoff_events_handoff", "handoff_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    handoff_id: Mapped[int] = mapped_column(ForeignKey("handoffs.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(24))
    actor: Mapped[str | None] = mapped_column(String(64))
    external_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    body: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class User(Base):
    """A member of staff who signs in to the web console."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))  # operator | manager | admin
    password_hash: Mapped[str] = mapped_column(String(200))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class StaffSession(Base):
    """A signed-in browser: the cookie holds a random token, the table only its hash."""

    __tablename__ = "staff_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class AuditEntry(Base):
    """Who did what to whom, and when: logins, transcript views, exports, claims, accounts."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_at", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    actor: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(32))
    target: Mapped[str | None] = mapped_column(String(120))
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    ip: Mapped[str | None] = mapped_column(String(64))
