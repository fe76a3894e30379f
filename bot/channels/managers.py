"""Managers in Telegram: `/stats [today|7d|30d]` and the scheduled morning reports."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Bot, Update
from telegram.constants import ChatType
from telegram.error import TelegramError

from bot.clock import Clock
from bot.handoff import staff_texts as staff
from bot.handoff.hours import OfficeHours
from bot.stats.figures import Figures
from bot.stats.period import Period, PeriodError, parse_period
from bot.stats.report import chart_png, daily_period, period_label, summary, weekly_period

log = logging.getLogger(__name__)

REPORT_TIME = dt.time(8, 30)
PERIODS = ("today", "7d", "30d")


class ManagerReports:
    """Figures for configured managers only; everyone else's `/stats` is a citizen's text."""

    def __init__(
        self,
        bot: Bot,
        managers: tuple[int, ...],
        sessions: async_sessionmaker[AsyncSession],
        hours: OfficeHours,
        clock: Clock,
    ) -> None:
        self.bot = bot
        self.managers = managers
        self.sessions = sessions
        self.hours = hours
        self.clock = clock

    def owns(self, update: Update) -> bool:
        """Whether an update is a manager's `/stats` in a private chat with the bot."""
        message = update.message
        if message is None or message.from_user is None or message.chat.type != ChatType.PRIVATE:
            return False
        word = (message.text or "").split(" ", 1)[0].split("@", 1)[0]
        return word == "/stats" and message.from_user.id in self.managers

    async def handle(self, update: Update) -> None:
        """Answer `/stats`; never raises."""
        message = update.message
        assert message is not None  # noqa: S101 (owns() checked it)
        spec = (message.text or "").partition(" ")[2].strip() or "7d"
        try:
            if spec not in PERIODS:
                raise PeriodError(spec)
            period = parse_period(spec, self.clock.now(), self.hours.zone)
        except PeriodError:
            await self._send_text(message.chat_id, staff.STATS_USAGE)
            return
        await self.report(staff.STATS_TITLE, period, (message.chat_id,))

    async def report(self, title: str, period: Period, chats: tuple[int, ...]) -> None:
        """Send the figures and the chart of a period to each chat."""
        try:
            figures = await Figures(self.sessions, self.hours).compute(period)
            text = summary(title, period, figures)
            image = await asyncio.to_thread(chart_png, f"{title} {period_label(period)}", figures)
        except Exception:
            log.exception("the %s report for %s failed", title, period.name)
            for chat in chats:
                await self._send_text(chat, staff.STATS_FAILED)
            return
        for chat in chats:
            try:
                await self.bot.send_message(chat, text)
                await self.bot.send_photo(chat, image, caption=title)
            except TelegramError as exc:
                log.warning("could not send the report to %s: %s", chat, exc)

    async def morning(self) -> None:
        """The 08:30 run: the daily report on working days, the weekly one on Mondays."""
        today = self.clock.now().astimezone(self.hours.zone).date()
        daily = daily_period(today, self.hours)
        if daily is not None:
            await self.report(staff.DAILY_TITLE, daily, self.managers)
        weekly = weekly_period(today, self.hours.zone)
        if weekly is not None:
            await self.report(staff.WEEKLY_TITLE, weekly, self.managers)

    async def _send_text(self, chat: int, text: str) -> None:
        try:
            await self.bot.send_message(chat, text)
        except TelegramError as exc:
            log.warning("could not answer manager %s: %s", chat, exc)
