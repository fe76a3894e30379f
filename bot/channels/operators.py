"""The hotline operators' Telegram group: one forum topic per handoff."""

from __future__ import annotations

import logging
from typing import Any

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import TelegramError

from bot.channels.telegram_info import TELEGRAM
from bot.handoff import staff_texts as staff
from bot.handoff.operator import OperatorActions, Result
from bot.handoff.service import HandoffService
from bot.storage.models import Handoff
from bot.types import Button, Inbound

log = logging.getLogger(__name__)

MEDIA_NAMES = {
    "photo": "照片", "document": "文件", "voice": "语音", "video": "视频", "audio": "音频",
    "video_note": "视频消息", "sticker": "贴纸", "animation": "动图", "location": "位置",
    "venue": "地点", "contact": "联系人",
}  # fmt: skip
RELAYED_MEDIA = ("photo", "document", "voice", "video", "audio", "video_note", "animation")


def _markup(buttons: tuple[Button, ...]) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(b.label, callback_data=b.payload)
                                  for b in buttons]])  # fmt: skip


class TelegramDesk:
    """Posts to the operators' group. Everything goes as plain text (no parse mode),
    so whatever a citizen typed, `<b>` or Markdown included, shows literally."""

    def __init__(self, bot: Bot, chat_id: int, managers: tuple[int, ...], service: HandoffService):
        self.bot = bot
        self.chat_id = chat_id
        self.managers = managers
        self.service = service

    async def open_topic(self, handoff: Handoff, summary: str, buttons: tuple[Button, ...]) -> int:
        """Open a topic named after the ticket and post the summary with its buttons."""
        topic = await self.bot.create_forum_topic(self.chat_id, self.service.topic_name(handoff))
        thread = topic.message_thread_id
        await self.bot.send_message(
            self.chat_id, summary[:4096], message_thread_id=thread, reply_markup=_markup(buttons)
        )
        return thread

    async def post(
        self, thread_id: int | None, text: str, buttons: tuple[Button, ...] = ()
    ) -> None:
        """Plain text in a topic, or in the general topic for None."""
        await self.bot.send_message(
            self.chat_id, text[:4096], message_thread_id=thread_id, reply_markup=_markup(buttons)
        )

    async def relay(self, thread_id: int, inbound: Inbound) -> None:
        """A citizen's message in the topic; photos and files are copied across."""
        if inbound.kind == "text" or inbound.kind == "command":
            text = staff.FROM_CITIZEN + "\n" + inbound.body
            await self.bot.send_message(self.chat_id, text[:4096], message_thread_id=thread_id)
            return
        name = MEDIA_NAMES.get(inbound.body, inbound.body)
        await self.post(thread_id, staff.CITIZEN_MEDIA.format(kind=name))
        message = (inbound.data or {}).get("message") or (inbound.data or {}).get("edited_message")
        if inbound.channel == TELEGRAM.name and message and inbound.body in RELAYED_MEDIA:
            await self.bot.copy_message(
                self.chat_id, message["chat"]["id"], message["message_id"],
                message_thread_id=thread_id,
            )  # fmt: skip

    async def notify_managers(self, text: str) -> None:
        """A direct message to each manager; the general topic when none is configured."""
        if not self.managers:
            await self.post(None, text)
        for manager in self.managers:
            try:
                await self.bot.send_message(manager, text)
            except TelegramError as exc:
                log.warning("could not reach manager %s: %s", manager, exc)


class OperatorRouter:
    """Turns updates from the operators' group into operator actions."""

    def __init__(self, desk: TelegramDesk, actions: OperatorActions) -> None:
        self.desk = desk
        self.actions = actions

    def owns(self, update: Update) -> bool:
        """Whether an update comes from the operators' group."""
        chat = update.effective_chat
        return chat is not None and chat.id == self.desk.chat_id

    async def handle(self, update: Update) -> None:
        """Act on one update from the group; never raises, but tells the operator it failed."""
        try:
            await self._handle(update)
        except Exception:
            log.exception("operators' update %s failed", update.update_id)
            await self._tell_failed(update)

    async def _tell_failed(self, update: Update) -> None:
        # The update is confirmed all the same: the operator must know to try again.
        try:
            query = update.callback_query
            message = update.message
            if query is not None:
                await query.answer(staff.ACTION_FAILED, show_alert=True)
            elif message is not None and message.message_thread_id is not None:
                await self.desk.post(message.message_thread_id, staff.NOT_DELIVERED)
        except Exception:
            log.exception("could not tell the operator that update %s failed", update.update_id)

    async def _handle(self, update: Update) -> None:
        external = f"tg-op:{update.update_id}"
        query = update.callback_query
        if query is not None:
            result = await self._button(query.from_user.id, query.data or "", external)
            try:
                await query.answer(result.text[:200] or None, show_alert=not result.ok)
            except TelegramError as exc:
                log.debug("callback answer failed: %s", exc)
            return
        message = update.message
        if message is None or message.from_user is None or message.from_user.is_bot:
            return
        if not message.is_topic_message or message.message_thread_id is None:
            return
        user = message.from_user.id
        if self.actions.label(user) is None:
            log.warning("message from non-operator %s in the operators' group ignored", user)
            return
        result = await self._message(message, user, message.message_thread_id, external)
        if result.text:
            await self.desk.post(message.message_thread_id, result.text)

    async def _button(self, user: int, data: str, external: str) -> Result:
        kind, _, rest = data.partition(":")
        action, _, number = rest.partition(":")
        if kind != "op" or not number.isdigit():
            return Result(False, "")
        if self.actions.label(user) is None:
            log.warning("button %s pressed by non-operator %s ignored", data, user)
            return Result(False, staff.NOT_OPERATOR)
        handoff = int(number)
        if action == "claim":
            return await self.actions.claim(handoff, user, external)
        if action == "bot":
            return await self.actions.hand_back(handoff, user, external)
        if action == "close":
            return await self.actions.close(handoff, user, "resolved", external)
        return Result(False, "")

    async def _message(self, message: Message, user: int, thread: int, external: str) -> Result:
        text = message.text or ""
        row = await self.actions.handoff_in(thread)
        if row is None:
            return Result(False, staff.CLOSED_ALREADY if text.startswith("/") else "")
        if text.startswith("/"):
            head, _, arg = text[1:].partition(" ")
            command = head.split("@", 1)[0].lower()
            if command == "close":
                return await self.actions.close(row.id, user, arg, external)
            if command == "bot":
                return await self.actions.hand_back(row.id, user, external)
            if command == "note":
                return await self.actions.note(row.id, user, arg, external)
            if command == "reply":
                return await self.actions.canned(row.id, user, arg, external)
            if command == "reassign":
                return await self.actions.reassign(row.id, user, arg, external)
            return Result(False, "")
        if text:
            return await self.actions.say(row.id, user, text, external)
        kind = next((k for k in MEDIA_NAMES if getattr(message, k, None)), None)
        if kind is None:
            return Result(False, "")
        source: dict[str, Any] = {"chat_id": message.chat_id, "message_id": message.message_id}
        return await self.actions.media(row.id, user, source, kind, external)
