"""The handoff service built from the deployment's settings."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock, SystemClock
from bot.handoff.hours import OfficeHours
from bot.handoff.ports import ConversationStates, Outbox
from bot.handoff.service import HandoffConfig, HandoffService
from bot.settings import Settings
from bot.types import Channels


class CannedRepliesError(ValueError):
    """The canned replies file is not a mapping of names to texts."""


def load_canned(path: Path) -> dict[str, str]:
    """Canned replies by name; none when the file is missing."""
    if not path.exists():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in data.items()
    ):
        raise CannedRepliesError(f"{path}: expected `name: text` lines")
    return data


def build_handoff(
    settings: Settings,
    sessions: async_sessionmaker[AsyncSession],
    clock: Clock | None = None,
    *,
    outbox: Outbox | None = None,
    conversations: ConversationStates | None = None,
    channels: Channels,
    web_desk: bool = False,
) -> HandoffService:
    """The handoff service with the configured operators, hours and waiting rules."""
    config = HandoffConfig(
        operators={str(k): v for k, v in settings.operators.items()},
        remind_after=dt.timedelta(minutes=settings.handoff_remind_minutes),
        escalate_after=dt.timedelta(minutes=settings.handoff_escalate_minutes),
        reply_within=dt.timedelta(minutes=settings.handoff_reply_minutes),
        idle_close=dt.timedelta(hours=settings.handoff_idle_hours),
        canned=load_canned(settings.canned_replies),
        callback_desk=settings.callback_desk,
    )
    hours = OfficeHours(settings.office_hours, settings.office_timezone)
    return HandoffService(
        config, sessions, clock or SystemClock(), hours,
        outbox=outbox, conversations=conversations, channels=channels, web_desk=web_desk,
    )  # fmt: skip
