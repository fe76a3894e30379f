"""The Telegram channel: updates in by long polling or webhook, replies out through PTB."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import logging
import secrets
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from aiohttp import web
from telegram import BotCommand, LinkPreviewOptions, Message, Update
from telegram.constants import ChatType, ParseMode
from telegram.error import NetworkError, RetryAfter, TelegramError
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, ContextTypes, TypeHandler

from bot import texts
from bot.channels.managers import REPORT_TIME, ManagerReports
from bot.channels.operators import OperatorRouter, TelegramDesk
from bot.channels.ordered import OrderedDispatch
from bot.channels.telegram_format import LIMIT, expanded, keyboard, render
from bot.channels.telegram_http import AiohttpRequest
from bot.channels.telegram_info import TELEGRAM
from bot.chat import ChatService
from bot.handoff.operator import OperatorActions
from bot.handoff.sweep import sweep
from bot.settings import Settings
from bot.storage.db import describe_failure
from bot.types import Inbound, Reply

log = logging.getLogger(__name__)

CHANNEL = TELEGRAM.name
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 (a header name)
COMMANDS = ("start", "help", "menu", "forget")
ALLOWED_UPDATES = ["message", "edited_message", "callback_query"]
MEDIA = (
    "photo", "voice", "video", "video_note", "audio", "document",
    "sticker", "animation", "location", "venue", "contact",
)  # fmt: skip
GROUPS = (ChatType.GROUP, ChatType.SUPERGROUP)
SERVICE_KEY = "telegram_channel"
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
MAX_TRIES = 20  # replays of one unanswered message before it waits for a restart


def _conversation(message: Message, user_id: int | None) -> str:
    # In a group each member has a conversation of their own with the bot.
    chat = message.chat
    return TELEGRAM.conversation(f"{chat.id}:{user_id}" if chat.type in GROUPS else chat.id)


def _addressed(message: Message, username: str) -> bool:
    text = message.text or message.caption or ""
    reply = message.reply_to_message
    replied_to_bot = reply is not None and reply.from_user is not None and reply.from_user.is_bot
    return replied_to_bot or f"@{username}".lower() in text.lower()


def to_inbound(update: Update, username: str) -> Inbound | None:
    """What a citizen's update says, or None for updates the bot does not answer."""
    external = f"update:{update.update_id}"
    data: dict[str, Any] = update.to_dict()
    query = update.callback_query
    if query is not None:
        if not isinstance(query.message, Message) or not query.data:
            return None
        conversation = _conversation(query.message, query.from_user.id)
        return Inbound(conversation, CHANNEL, external, "button", query.data, data)
    message = update.message or update.edited_message
    if message is None:
        return None
    user_id = message.from_user.id if message.from_user else None
    conversation = _conversation(message, user_id)
    if message.chat.type in GROUPS and not _addressed(message, username):
        return None
    text = (message.text or "").strip()
    if text.startswith("/"):
        word, _, _ = text[1:].partition(" ")
        name, _, target = word.partition("@")
        if target and target.lower() != username.lower():
            return None
        command = name.lower() if name.lower() in COMMANDS else "help"
        return Inbound(conversation, CHANNEL, external, "command", command, data)
    if text:
        body = text.replace(f"@{username}", "").strip() or text
        return Inbound(conversation, CHANNEL, external, "text", body, data)
    kind = next((name for name in MEDIA if getattr(message, name, None)), None)
    if kind is None:
        return None
    return Inbound(conversation, CHANNEL, external, "media", kind, data)


async def _on_update(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    if isinstance(update, Update):
        await context.bot_data[SERVICE_KEY].answer(update)


async def _on_sweep(context: ContextTypes.DEFAULT_TYPE) -> None:
    channel = context.bot_data[SERVICE_KEY]
    if channel.chat.handoff is not None:
        try:
            await sweep(channel.chat.handoff)
        except Exception:
            log.exception("the handoff sweep failed; it runs again at the next interval")


async def _on_morning(context: ContextTypes.DEFAULT_TYPE) -> None:
    reports = context.bot_data[SERVICE_KEY].reports
    if reports is not None:
        try:
            await reports.morning()
        except Exception:
            log.exception("the morning reports failed")


async def _on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the failure with its update, and tell the citizen rather than say nothing."""
    if not isinstance(update, Update):
        log.error("Telegram error: %s", context.error, exc_info=context.error)
        return
    chat = update.effective_chat
    log.error(
        "update %s (chat %s) failed: %s",
        update.update_id,
        chat.id if chat else "-",
        context.error,
        exc_info=context.error,
    )
    if chat is not None:
        try:
            await context.bot.send_message(chat.id, texts.ERROR_SORRY)
        except TelegramError as exc:
            log.warning("could not tell chat %s about the failure: %s", chat.id, exc)


def _seconds(value: int | dt.timedelta) -> float:
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)


class TelegramChannel:
    """Receives updates, stores each before confirming it, answers through the chat service."""

    def __init__(self, settings: Settings, chat: ChatService) -> None:
        if settings.telegram_bot_token is None:
            raise ValueError("TELEGRAM_BOT_TOKEN is not set")
        api = settings.telegram_api_url.rstrip("/")
        limiter = AIORateLimiter(overall_max_rate=settings.telegram_max_rate, max_retries=5)
        self.application: Application[Any, Any, Any, Any, Any, Any] = (
            ApplicationBuilder()
            .token(settings.telegram_bot_token.get_secret_value())
            .base_url(f"{api}/bot")
            .base_file_url(f"{api}/file/bot")
            .rate_limiter(limiter)
            .request(AiohttpRequest())
            .get_updates_request(AiohttpRequest(connections=1))
            .updater(None)
            .build()
        )
        self.application.bot_data[SERVICE_KEY] = self
        self.application.add_handler(TypeHandler(Update, _on_update))
        self.application.add_error_handler(_on_error)
        self.chat = chat
        self.webhook_url = settings.webhook_url
        secret = settings.webhook_secret
        self.secret = secret.get_secret_value() if secret else secrets.token_urlsafe(32)
        self._poll_timeout = settings.telegram_poll_timeout
        self._dispatch = OrderedDispatch()
        self._poller: asyncio.Task[None] | None = None
        self._retrier: asyncio.Task[None] | None = None
        self._retry_seconds = settings.telegram_retry_seconds
        self._in_flight: set[int] = set()
        self._tries: dict[int, int] = {}
        # Updates stored and queued, so the handler need not read them again.
        self._received: dict[int, Inbound] = {}
        self._operators_chat = settings.operators_chat_id
        self._managers = tuple(settings.managers)
        self._sweep_every = settings.handoff_sweep_seconds
        self.operators: OperatorRouter | None = None
        self.reports: ManagerReports | None = None
        self._report_time = REPORT_TIME.replace(tzinfo=ZoneInfo(settings.office_timezone))

    @property
    def webhook_path(self) -> str:
        """The path of the web server's webhook route."""
        path = urlsplit(self.webhook_url).path if self.webhook_url else ""
        return path or "/telegram/webhook"

    @property
    def username(self) -> str:
        """The bot's @username, known after start-up."""
        return str(self.application.bot.username)

    async def start(self) -> None:
        """Log in, replay what was stored but not answered, then start receiving."""
        await self.application.initialize()
        await self.application.start()
        bot = self.application.bot
        await bot.set_my_commands([BotCommand(c, d) for c, d in texts.TELEGRAM_COMMANDS.items()])
        self.chat.outbox.register(CHANNEL, self)
        handoff = self.chat.handoff
        if handoff is not None and self._operators_chat is not None:
            desk = TelegramDesk(bot, self._operators_chat, self._managers, handoff)
            # The one late-bound collaborator: the desk posts through the started bot.
            handoff.attach_desk(desk)
            self.operators = OperatorRouter(desk, OperatorActions(handoff))
            jobs = self.application.job_queue
            if jobs is not None:
                jobs.run_repeating(_on_sweep, interval=self._sweep_every, first=self._sweep_every)
            await handoff.announce_pending()
        if handoff is not None and self._managers:
            self.reports = ManagerReports(
                bot, self._managers, handoff.sessions, handoff.hours, handoff.clock
            )
            if self.application.job_queue is not None:
                self.application.job_queue.run_daily(_on_morning, time=self._report_time)
        await self._replay()
        self._retrier = asyncio.create_task(self._retry_every(self._retry_seconds))
        if self.webhook_url:
            await bot.set_webhook(
                self.webhook_url, secret_token=self.secret, allowed_updates=ALLOWED_UPDATES
            )
            log.info("Telegram webhook at %s", self.webhook_url)
        else:
            await bot.delete_webhook()
            self._poller = asyncio.create_task(self._poll())
            log.info("Telegram long polling as @%s", self.username)

    async def stop(self, grace: float = 10.0) -> None:
        """Stop receiving, let running answers finish for up to `grace` seconds, log out."""
        for task in (self._poller, self._retrier):
            if task is not None:
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)
        if not await self._dispatch.join(grace):
            log.warning("stopping with answers in progress; they are replayed at next start")
            await self._dispatch.cancel()
        await self.application.stop()
        await self.application.shutdown()

    async def answer(self, update: Update) -> None:
        """Answer one update through the chat service (called by PTB's handler)."""
        inbound = self._received.pop(update.update_id, None) or to_inbound(update, self.username)
        chat = update.effective_chat
        if inbound is None or chat is None:
            return
        if update.callback_query is not None:
            try:
                await update.callback_query.answer()
            except TelegramError as exc:  # an old button: the answer still follows
                log.debug("callback answer failed: %s", exc)
        message = update.effective_message
        thread = message.message_thread_id if message and message.is_topic_message else None
        footer = texts.GROUP_PRIVATE_HINT if chat.type in GROUPS else ""

        query = update.callback_query
        shown = query.message if query is not None else None
        expand = isinstance(shown, Message) and inbound.body.startswith("more:")

        async def send(reply: Reply) -> str | None:
            if expand and isinstance(shown, Message) and reply.entry is not None:
                # 详细说明 opens the answer in place rather than adding a message below; a
                # notice (a refused button) goes below and leaves the answer as it was.
                text = expanded(shown.text_html or "", reply)
                if len(text) <= LIMIT:
                    await self.application.bot.edit_message_text(
                        text,
                        chat_id=chat.id,
                        message_id=shown.message_id,
                        parse_mode=ParseMode.HTML,
                        reply_markup=keyboard(reply),
                        link_preview_options=NO_PREVIEW,
                    )
                    return str(shown.message_id)
            pieces = render(reply, footer)
            sent = None
            for number, piece in enumerate(pieces, 1):
                sent = await self.application.bot.send_message(
                    chat.id,
                    piece,
                    parse_mode=ParseMode.HTML,
                    reply_markup=keyboard(reply) if number == len(pieces) else None,
                    message_thread_id=thread,
                    link_preview_options=NO_PREVIEW,
                )
            return str(sent.message_id) if sent else None

        await self.chat.handle(inbound, send, accepted=True)

    async def receive(self, update: Update) -> None:
        """Store an update durably, then queue it behind its conversation's earlier ones."""
        if self.reports is not None and self.reports.owns(update):
            await self.reports.handle(update)  # figures for a manager, not a citizen's turn
            return
        if self.operators is not None and self.operators.owns(update):
            # Handled before the offset moves on, so an operator's action is not lost.
            await self.operators.handle(update)
            return
        inbound = to_inbound(update, self.username)
        if inbound is not None:
            await self.chat.accept(inbound)
            self._received[update.update_id] = inbound
        self._submit(inbound.conversation if inbound else f"update:{update.update_id}", update)

    async def deliver(self, conversation: str, reply: Reply, sender: str | None) -> str | None:
        """Send a message outside a turn (an operator's, a rating request)."""
        chat_id = int(conversation.split(":")[1])
        if sender:
            reply = dataclasses.replace(reply, text=f"【{sender}】\n{reply.text}")
        sent = None
        pieces = render(reply)
        for number, piece in enumerate(pieces, 1):
            sent = await self.application.bot.send_message(
                chat_id,
                piece,
                parse_mode=ParseMode.HTML,
                reply_markup=keyboard(reply) if number == len(pieces) else None,
                link_preview_options=NO_PREVIEW,
            )
        return str(sent.message_id) if sent else None

    async def deliver_copy(self, conversation: str, source: dict[str, int], sender: str) -> bool:
        """Copy an operator's photo or file to the citizen, after a line saying who sent it."""
        chat_id = int(conversation.split(":")[1])
        bot = self.application.bot
        await bot.send_message(chat_id, f"【{sender}】")
        await bot.copy_message(chat_id, source["chat_id"], source["message_id"])
        return True

    def _submit(self, key: str, update: Update) -> None:
        number = update.update_id
        self._in_flight.add(number)

        async def job() -> None:
            try:
                await self.application.process_update(update)
            finally:
                self._in_flight.discard(number)

        self._dispatch.submit(key, job)

    async def _replay(self) -> int:
        """Queue again the stored updates not answered (after a crash, or a failed send)."""
        queued = 0
        for inbound in await self.chat.unfinished(CHANNEL):
            update = Update.de_json(inbound.data or {}, self.application.bot)
            if update is None or update.update_id in self._in_flight:
                continue
            tries = self._tries[update.update_id] = self._tries.get(update.update_id, 0) + 1
            if tries > MAX_TRIES:
                if tries == MAX_TRIES + 1:
                    log.error("update %s still unanswered after %s tries; left for a restart",
                              update.update_id, MAX_TRIES)  # fmt: skip
                continue
            self._submit(inbound.conversation, update)
            queued += 1
        return queued

    async def _retry_every(self, seconds: float) -> None:
        # A reply Telegram refused (5xx, network) leaves its message unanswered: try again.
        while True:
            await asyncio.sleep(seconds)
            try:
                if queued := await self._replay():
                    log.info("%s unanswered Telegram messages queued again", queued)
            except Exception:
                log.exception("could not look for unanswered messages")

    async def _poll(self) -> None:
        # Updates are fetched here rather than by PTB's Updater so that each is stored
        # before the next getUpdates call confirms it to Telegram.
        bot, offset, pause = self.application.bot, None, 1.0
        while True:
            try:
                updates = await bot.get_updates(
                    offset=offset,
                    timeout=self._poll_timeout,
                    allowed_updates=ALLOWED_UPDATES,
                    read_timeout=self._poll_timeout + 10,
                )
                for update in updates:
                    await self.receive(update)
                    offset = update.update_id + 1
                pause = 1.0
            except RetryAfter as exc:
                await asyncio.sleep(_seconds(exc.retry_after))
            except NetworkError as exc:
                log.warning("getUpdates failed (%s); retrying in %.0f s", exc, pause)
                await asyncio.sleep(pause)
                pause = min(pause * 2, 30.0)
            except Exception as exc:
                # The database refused an update: it stays unconfirmed and comes again.
                log.error("could not store an update: %s; Telegram keeps it, retrying in "
                          "%.0f s", describe_failure(exc), pause, exc_info=exc)  # fmt: skip
                await asyncio.sleep(pause)
                # Citizens are waiting: a database back from a restart is found soon.
                pause = min(pause * 2, 5.0)

    async def webhook(self, request: web.Request) -> web.Response:
        """The webhook route: 403 without the right secret, 200 once the update is stored."""
        given = request.headers.get(SECRET_HEADER, "")
        if not secrets.compare_digest(given.encode(), self.secret.encode()):
            raise web.HTTPForbidden(text="wrong or missing secret token")
        try:
            data = await request.json()
            update_id = data.get("update_id") if isinstance(data, dict) else None
            well_formed = isinstance(update_id, int) and not isinstance(update_id, bool)
            update = Update.de_json(data, self.application.bot) if well_formed else None
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            # PTB's parser fails in many ways on malformed data; none is a Telegram update.
            raise web.HTTPBadRequest(text="not a Telegram update") from exc
        if update is None:
            raise web.HTTPBadRequest(text="not a Telegram update")
        await self.receive(update)
        return web.Response(text="ok")
