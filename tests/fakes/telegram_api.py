"""A fake Telegram Bot API server (aiohttp on 127.0.0.1) for tests and benchmarks.

Usage::

    async with FakeTelegram(token="123:ABC", username="hotline_test_bot") as fake:
        bot = telegram.Bot(fake.token, base_url=fake.base_url, base_file_url=fake.base_file_url)
        fake.message(1001, "你好")          # a citizen writes; the update is queued
        ...                                  # the bot polls getUpdates and answers
        [reply] = await fake.wait_for_messages(1001, 1)

Parameters are accepted the way python-telegram-bot sends them (form fields whose
non-string values are JSON-encoded, multipart with files), as a JSON body, or as a
query string. Like Telegram, method names are case-insensitive, ``parse_mode="HTML"``
text is parsed into entities (invalid markup is a 400), text over 4,096 characters,
callback data over 64 bytes and editing a message without changes are rejected.
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import itertools
import json
import logging
import socket
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http import HTTPStatus
from typing import Any, ClassVar

import aiohttp
from aiohttp import web

__all__ = ["Call", "Delivery", "FakeTelegram", "Upload"]

log = logging.getLogger(__name__)

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
CALLBACK_DATA_LIMIT = 64
DEFAULT_GROUP_USER_ID = 5_550_001
DEFAULT_ICON_COLOR = 0x6FB9F0

JSONDict = dict[str, Any]


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Parameters whose values PTB sends as raw strings (not JSON-encoded); everything else is
# JSON-decoded when it arrives as a form field, so "42" stays text where text is meant.
_STRING_PARAMS = _words(
    """
    action address animation audio business_connection_id callback_query_id caption
    custom_title description document emoji explanation file_id first_name foursquare_id
    foursquare_type google_place_id google_place_type icon_custom_emoji_id inline_message_id
    ip_address language_code last_name message_effect_id name parse_mode phone_number photo
    question secret_token short_description sticker text thumbnail title url vcard video
    video_note voice
    """
)

# Methods whose successful calls count as messages delivered to `chat_id`.
_MESSAGE_METHODS = _words(
    """
    sendMessage sendPhoto sendDocument sendVoice sendAudio sendVideo sendAnimation sendSticker
    sendLocation sendVenue sendContact sendMediaGroup copyMessage forwardMessage
    """
)

_CHAT_ACTIONS = _words(
    """
    typing upload_photo record_video upload_video record_voice upload_voice upload_document
    choose_sticker find_location record_video_note upload_video_note
    """
)

_ERROR_DESCRIPTIONS = {
    400: "Bad Request: injected failure",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}

_CONFIGURED = object()  # sentinel: use the secret token set by setWebhook


@dataclass(frozen=True, slots=True)
class Upload:
    """A file uploaded by the bot in a multipart request."""

    filename: str | None
    content_type: str | None
    data: bytes


@dataclass(slots=True)
class Call:
    """One bot→server request, as recorded by the fake."""

    method: str
    params: JSONDict
    at: float
    status: int = 200
    result: Any = None
    message: JSONDict | None = None
    files: dict[str, Upload] = field(default_factory=dict)
    description: str | None = None

    @property
    def ok(self) -> bool:
        """Whether the call was answered successfully."""
        return self.status == HTTPStatus.OK

    @property
    def chat_id(self) -> Any:
        """The `chat_id` parameter (an int when numeric)."""
        return _norm_chat_id(self.params.get("chat_id"))

    @property
    def text(self) -> str | None:
        """The text or caption as sent (markup included), if any."""
        params = self.params
        if "text" in params:
            return str(params["text"])
        if "caption" in params:
            return str(params["caption"])
        if self.message is not None:
            return self.message.get("text", self.message.get("caption"))
        return None


@dataclass(frozen=True, slots=True)
class Delivery:
    """One attempt to POST an update to the bot's webhook."""

    update_id: int
    status: int  # 0 when the connection failed
    at: float
    error: str | None = None


@dataclass(slots=True)
class _Fault:
    status: int
    retry_after: int | None
    description: str | None
    remaining: int | None = None  # fail_next: answers left
    until: float | None = None  # fail_all: monotonic deadline (None: until cleared)


class _ApiError(Exception):
    """A Bot API error answer."""

    def __init__(self, status: int, description: str, parameters: JSONDict | None = None):
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters


def _bad_request(description: str) -> _ApiError:
    return _ApiError(HTTPStatus.BAD_REQUEST, f"Bad Request: {description}")


@dataclass(slots=True)
class _Request:
    method: str
    params: JSONDict
    files: dict[str, Upload]
    message: JSONDict | None = None
    description: str | None = None


@dataclass(slots=True)
class _StoredFile:
    file_id: str
    file_unique_id: str
    path: str
    data: bytes


def _norm_chat_id(value: Any) -> Any:
    if isinstance(value, str):
        stripped = value.strip()
        if stripped.lstrip("-").isdigit():
            return int(stripped)
    return value


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _now() -> int:
    return int(time.time())


def _decode_value(key: str, value: str) -> Any:
    if key in _STRING_PARAMS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def _update_key(update: JSONDict) -> Any:
    """The chat (or user) an update belongs to, used to keep webhook deliveries ordered."""
    for key, value in update.items():
        if key == "update_id" or not isinstance(value, dict):
            continue
        chat = value.get("chat") or (value.get("message") or {}).get("chat")
        if isinstance(chat, dict):
            return chat.get("id")
        sender = value.get("from")
        if isinstance(sender, dict):
            return sender.get("id")
    return None


# --------------------------------------------------------------------------------------------
# HTML parse mode


class _HtmlEntityParser(HTMLParser):
    """Turns Telegram-flavoured HTML into plain text and entities, like the Bot API."""

    _SIMPLE: ClassVar[dict[str, str]] = {
        "b": "bold",
        "strong": "bold",
        "i": "italic",
        "em": "italic",
        "u": "underline",
        "ins": "underline",
        "s": "strikethrough",
        "strike": "strikethrough",
        "del": "strikethrough",
        "tg-spoiler": "spoiler",
        "code": "code",
        "pre": "pre",
    }

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.source = source
        self.parts: list[str] = []
        self.length = 0
        self.stack: list[tuple[str, JSONDict | None, int]] = []
        self.entities: list[JSONDict] = []
        self.error: str | None = None
        starts = [0]
        for index, char in enumerate(source):
            if char == "\n":
                starts.append(index + 1)
        self._line_starts = starts

    def _byte_offset(self) -> int:
        line, column = self.getpos()
        index = self._line_starts[line - 1] + column
        return len(self.source[:index].encode())

    def _fail(self, message: str) -> None:
        if self.error is None:
            self.error = message

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.error:
            return
        attributes = {name: value or "" for name, value in attrs}
        entity: JSONDict | None
        if tag in self._SIMPLE:
            entity = {"type": self._SIMPLE[tag]}
            if tag == "code" and self.stack and self.stack[-1][0] == "pre":
                language = attributes.get("class", "")
                pre = self.stack[-1][1]
                if language.startswith("language-") and pre is not None:
                    pre["language"] = language.removeprefix("language-")
                entity = None
        elif tag == "span":
            if attributes.get("class") != "tg-spoiler":
                self._fail(
                    f'Tag "span" must have class "tg-spoiler" at byte offset {self._byte_offset()}'
                )
                return
            entity = {"type": "spoiler"}
        elif tag == "a":
            href = attributes.get("href")
            entity = {"type": "text_link", "url": href} if href else None
        elif tag == "tg-emoji":
            emoji_id = attributes.get("emoji-id")
            if not emoji_id:
                self._fail(
                    'Tag "tg-emoji" must have attribute "emoji-id" '
                    f"at byte offset {self._byte_offset()}"
                )
                return
            entity = {"type": "custom_emoji", "custom_emoji_id": emoji_id}
        elif tag == "blockquote":
            kind = "expandable_blockquote" if "expandable" in attributes else "blockquote"
            entity = {"type": kind}
        else:
            self._fail(f'Unsupported start tag "{tag}" at byte offset {self._byte_offset()}')
            return
        self.stack.append((tag, entity, self.length))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if not self.error:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if self.error:
            return
        if not self.stack:
            self._fail(f"Unexpected end tag at byte offset {self._byte_offset()}")
            return
        open_tag, entity, start = self.stack[-1]
        if open_tag != tag:
            self._fail(
                f"Unmatched end tag at byte offset {self._byte_offset()}, "
                f'expected "</{open_tag}>", found "</{tag}>"'
            )
            return
        self.stack.pop()
        if entity is not None and self.length > start:
            self.entities.append({**entity, "offset": start, "length": self.length - start})

    def handle_data(self, data: str) -> None:
        if self.error:
            return
        self.parts.append(data)
        self.length += _utf16_len(data)


def parse_html(source: str) -> tuple[str, list[JSONDict]]:
    """Plain text and entities of an HTML-formatted text, or a 400 like the Bot API's."""
    parser = _HtmlEntityParser(source)
    parser.feed(source)
    parser.close()
    if parser.error is None and parser.stack:
        parser.error = f'Can\'t find end tag corresponding to start tag "{parser.stack[-1][0]}"'
    if parser.error is not None:
        raise _bad_request(f"can't parse entities: {parser.error}")
    entities = sorted(parser.entities, key=lambda e: (e["offset"], -e["length"]))
    return "".join(parser.parts), entities


# --------------------------------------------------------------------------------------------
# The server


class FakeTelegram:
    """A fake Telegram Bot API: records the bot's calls and feeds it citizens' updates."""

    def __init__(
        self,
        token: str = "123456:TEST-TOKEN",  # noqa: S107
        username: str = "hotline_test_bot",
        *,
        first_name: str = "法律热线",
        host: str = "127.0.0.1",
        first_update_id: int = 1,
        webhook_attempts: int = 3,
        webhook_retry_delay: float = 0.05,
    ) -> None:
        bot_id = int(token.split(":", 1)[0])
        self.token = token
        self.host = host
        self.bot_user: JSONDict = {
            "id": bot_id,
            "is_bot": True,
            "first_name": first_name,
            "username": username,
        }
        self.base_url = ""
        self.base_file_url = ""
        self.port = 0
        self.webhook_attempts = webhook_attempts
        self.webhook_retry_delay = webhook_retry_delay

        # Recording.
        self.sent: list[Call] = []
        self.webhook_deliveries: list[Delivery] = []
        self._by_method: dict[str, list[Call]] = {}
        self._by_chat: dict[Any, list[Call]] = {}
        self._all_by_chat: dict[Any, list[Call]] = {}
        self._chat_waiters: dict[Any, list[tuple[int, asyncio.Future[None]]]] = {}
        self._changed = asyncio.Event()

        # Chats, messages, files.
        self.chats: dict[Any, JSONDict] = {}
        self.messages: dict[tuple[Any, int], JSONDict] = {}
        self._last_message_id: dict[Any, int] = {}
        self._last_bot_message: dict[Any, int] = {}
        self._files: dict[str, _StoredFile] = {}
        self._file_paths: dict[str, _StoredFile] = {}
        self._file_counter = itertools.count(1)
        self._callback_counter = itertools.count(1)
        self._callback_ids: set[str] = set()
        self._media_group_counter = itertools.count(1)
        self.blocked: set[Any] = set()
        self.members: dict[tuple[Any, int], str] = {}
        self.topics: dict[tuple[Any, int], JSONDict] = {}
        self.commands: dict[str, list[JSONDict]] = {}

        # Updates.
        self._next_update_id = first_update_id
        self._pending: deque[JSONDict] = deque()
        self._redeliveries: deque[JSONDict] = deque()
        self._updates_ready = asyncio.Event()
        self._poll_generation = 0
        self._closing = False

        # Webhook.
        self.webhook_url: str | None = None
        self.webhook_secret: str | None = None
        self.webhook_max_connections = 40
        self._webhook_allowed_updates: list[str] = []
        self._webhook_last_error: tuple[int, str] | None = None
        self._webhook_semaphore = asyncio.Semaphore(40)
        self._delivery_tails: dict[Any, asyncio.Task[None]] = {}
        self._delivery_tasks: set[asyncio.Task[None]] = set()

        # Faults and latency.
        self._faults: dict[str, deque[_Fault]] = {}
        self._fault_windows: dict[str, _Fault] = {}
        self._latency: dict[str, float] = {}

        self._handlers: dict[str, Callable[[_Request], Any]] = {
            "getMe": self._get_me,
            "sendMessage": self._send_message,
            "editMessageText": self._edit_message_text,
            "editMessageCaption": self._edit_message_caption,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "deleteMessage": self._delete_message,
            "answerCallbackQuery": self._answer_callback_query,
            "sendChatAction": self._send_chat_action,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "setMyCommands": self._set_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "getMyCommands": self._get_my_commands,
            "close": self._true,
            "logOut": self._true,
            "sendPhoto": self._send_photo,
            "sendDocument": self._send_document,
            "sendVoice": self._send_voice,
            "sendAudio": self._send_audio,
            "sendVideo": self._send_video,
            "sendAnimation": self._send_animation,
            "sendSticker": self._send_sticker,
            "sendLocation": self._send_location,
            "sendVenue": self._send_venue,
            "sendContact": self._send_contact,
            "sendMediaGroup": self._send_media_group,
            "copyMessage": self._copy_message,
            "forwardMessage": self._forward_message,
            "getFile": self._get_file,
            "createForumTopic": self._create_forum_topic,
            "editForumTopic": self._edit_forum_topic,
            "closeForumTopic": self._close_forum_topic,
            "reopenForumTopic": self._reopen_forum_topic,
            "deleteForumTopic": self._delete_forum_topic,
            "getChat": self._get_chat,
            "getChatMember": self._get_chat_member,
            "pinChatMessage": self._true,
            "unpinChatMessage": self._true,
            "setMessageReaction": self._true,
            "setChatMenuButton": self._true,
            "setMyDescription": self._true,
            "setMyShortDescription": self._true,
            "setMyName": self._true,
            "leaveChat": self._true,
        }
        self._canonical = {name.lower(): name for name in [*self._handlers, "getUpdates"]}

        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None

    # ------------------------------------------------------------------ lifecycle

    async def __aenter__(self) -> FakeTelegram:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    async def start(self) -> None:
        """Start serving on a free port of `host`."""
        if self._runner is not None:
            return
        self._closing = False
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=1.0)
        await runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, 0))
        self.port = sock.getsockname()[1]
        site = web.SockSite(runner, sock, backlog=2048)
        await site.start()
        self._runner = runner
        self._session = aiohttp.ClientSession(
            timeout=aiohttp.ClientTimeout(total=30),
            connector=aiohttp.TCPConnector(limit=0),
        )
        self.base_url = f"http://{self.host}:{self.port}/bot"
        self.base_file_url = f"http://{self.host}:{self.port}/file/bot"

    async def stop(self) -> None:
        """Stop serving; pending long polls return empty and webhook deliveries are cancelled."""
        if self._runner is None:
            return
        self._closing = True
        self._updates_ready.set()
        tasks = list(self._delivery_tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if self._session is not None:
            await self._session.close()
            self._session = None
        await self._runner.cleanup()
        self._runner = None

    @property
    def bot_kwargs(self) -> JSONDict:
        """Keyword arguments for `telegram.Bot(**fake.bot_kwargs)`."""
        return {"token": self.token, "base_url": self.base_url, "base_file_url": self.base_file_url}

    # ------------------------------------------------------------------ recording

    def calls(self, method: str | None = None, *, ok: bool | None = None) -> list[Call]:
        """Recorded calls of `method` (all methods if None), optionally only (un)successful."""
        if method is None:
            found = self.sent
        else:
            found = self._by_method.get(self._canonical.get(method.lower(), method), [])
        if ok is None:
            return list(found)
        return [call for call in found if call.ok is ok]

    def messages_to(self, chat_id: Any) -> list[Call]:
        """Successful message-sending calls (sendMessage, sendPhoto, ...) to `chat_id`, in order."""
        return list(self._by_chat.get(_norm_chat_id(chat_id), []))

    def texts_to(self, chat_id: Any) -> list[str | None]:
        """The text or caption (as sent, markup included) of each message to `chat_id`."""
        return [call.text for call in self._by_chat.get(_norm_chat_id(chat_id), [])]

    def clear_calls(self) -> None:
        """Forget the recorded calls and webhook deliveries (chats and messages are kept)."""
        self.sent.clear()
        self.webhook_deliveries.clear()
        self._by_method.clear()
        self._by_chat.clear()
        self._all_by_chat.clear()

    def _notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    def _record(self, call: Call) -> None:
        self.sent.append(call)
        self._by_method.setdefault(call.method, []).append(call)
        chat_id = call.chat_id
        if chat_id is not None:
            self._all_by_chat.setdefault(chat_id, []).append(call)
        if call.ok and call.method in _MESSAGE_METHODS:
            delivered = self._by_chat.setdefault(chat_id, [])
            delivered.append(call)
            for n, future in self._chat_waiters.get(chat_id, ()):
                if len(delivered) >= n and not future.done():
                    future.set_result(None)
        self._notify()

    async def wait_for(
        self,
        predicate: Callable[[FakeTelegram], Any],
        timeout: float = 10,  # noqa: ASYNC109
        message: str = "",
    ) -> Any:
        """Wait until `predicate(fake)` is truthy and return it; AssertionError on timeout."""
        deadline = time.monotonic() + timeout
        while True:
            changed = self._changed
            value = predicate(self)
            if value:
                return value
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(self._timeout_report(message or repr(predicate), timeout))
            # Recheck now and then too, in case the predicate looks at state outside the fake.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(min(remaining, 0.1)):
                    await changed.wait()

    async def wait_for_messages(
        self,
        chat_id: Any,
        n: int,
        timeout: float = 10,  # noqa: ASYNC109
    ) -> list[Call]:
        """Wait until at least `n` messages were sent to `chat_id`; return all sent so far."""
        key = _norm_chat_id(chat_id)
        if len(self._by_chat.get(key, ())) < n:
            # One future per waiter, resolved by _record: no scans across chats or waiters.
            future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            waiter = (n, future)
            waiters = self._chat_waiters.setdefault(key, [])
            waiters.append(waiter)
            try:
                async with asyncio.timeout(timeout):
                    await future
            except TimeoutError:
                what = f"{n} message(s) to chat {chat_id}"
                report = self._timeout_report(what, timeout, self._all_by_chat.get(key, []))
                raise AssertionError(report) from None
            finally:
                waiters.remove(waiter)
                if not waiters:
                    del self._chat_waiters[key]
        return self.messages_to(key)

    def _timeout_report(self, what: str, timeout: float, calls: list[Call] | None = None) -> str:
        scope = "Recorded calls" if calls is None else "Calls to that chat"
        calls = self.sent if calls is None else calls
        lines = [f"Timed out after {timeout:g}s waiting for {what}. {scope}:"]
        shown = calls[-50:]
        if len(calls) > len(shown):
            lines.append(f"  ... {len(calls) - len(shown)} earlier call(s) omitted")
        for call in shown:
            params = json.dumps(call.params, ensure_ascii=False, default=repr)
            if len(params) > 300:
                params = params[:300] + "…"
            lines.append(f"  [{call.status}] {call.method} {params}")
        if not calls:
            lines.append("  (none)")
        lines.append(
            f"Calls recorded in all: {len(self.sent)}; "
            f"updates queued: {len(self._pending) + len(self._redeliveries)}"
        )
        return "\n".join(lines)

    # ------------------------------------------------------------------ faults

    def fail_next(
        self,
        method: str,
        status: int = 429,
        retry_after: int | None = 2,
        count: int = 1,
        description: str | None = None,
    ) -> None:
        """Answer the next `count` calls of `method` ("*": any method) with an error."""
        fault = _Fault(status, retry_after, description, remaining=count)
        self._faults.setdefault(method, deque()).append(fault)

    def fail_all(
        self,
        method: str,
        status: int = 429,
        until: float | None = None,
        retry_after: int | None = 2,
        description: str | None = None,
    ) -> None:
        """Answer every call of `method` ("*": any) with an error until monotonic `until`."""
        self._fault_windows[method] = _Fault(status, retry_after, description, until=until)

    def clear_faults(self, method: str | None = None) -> None:
        """Remove injected faults (of `method`, or all)."""
        if method is None:
            self._faults.clear()
            self._fault_windows.clear()
        else:
            self._faults.pop(method, None)
            self._fault_windows.pop(method, None)

    def set_latency(self, seconds: float, method: str = "*") -> None:
        """Delay answers to `method` ("*": any method but getUpdates) by `seconds`."""
        self._latency[method] = seconds

    def block(self, chat_id: Any) -> None:
        """Make the citizen block the bot: sends to `chat_id` answer 403."""
        self.blocked.add(_norm_chat_id(chat_id))

    def unblock(self, chat_id: Any) -> None:
        """Undo `block`."""
        self.blocked.discard(_norm_chat_id(chat_id))

    def _take_fault(self, method: str) -> _Fault | None:
        for key in (method, "*"):
            queue = self._faults.get(key)
            if queue:
                fault = queue[0]
                assert fault.remaining is not None
                fault.remaining -= 1
                if fault.remaining <= 0:
                    queue.popleft()
                return fault
        for key in (method, "*"):
            window = self._fault_windows.get(key)
            if window is None:
                continue
            if window.until is not None and time.monotonic() >= window.until:
                del self._fault_windows[key]
                continue
            return window
        return None

    @staticmethod
    def _fault_error(fault: _Fault) -> _ApiError:
        status = fault.status
        if status == HTTPStatus.TOO_MANY_REQUESTS:
            retry = fault.retry_after or 1
            description = fault.description or f"Too Many Requests: retry after {retry}"
            return _ApiError(status, description, {"retry_after": retry})
        known: str | None = fault.description or _ERROR_DESCRIPTIONS.get(status)
        if known is not None:
            description = known
        else:
            try:
                description = HTTPStatus(status).phrase
            except ValueError:
                description = f"Error {status}"
        return _ApiError(status, description)

    # ------------------------------------------------------------------ HTTP plumbing

    @staticmethod
    def _reply(status: int, body: JSONDict) -> web.Response:
        text = json.dumps(body, ensure_ascii=False)
        return web.Response(status=status, text=text, content_type="application/json")

    @classmethod
    def _error_reply(cls, error: _ApiError) -> web.Response:
        body: JSONDict = {
            "ok": False,
            "error_code": int(error.status),
            "description": error.description,
        }
        if error.parameters:
            body["parameters"] = error.parameters
        return cls._reply(error.status, body)

    @staticmethod
    async def _read_params(request: web.Request) -> tuple[JSONDict, dict[str, Upload]]:
        params: JSONDict = {}
        files: dict[str, Upload] = {}
        for key, value in request.query.items():
            params[key] = _decode_value(key, value)
        if request.method != "POST" or not request.body_exists:
            return params, files
        if request.content_type == "application/json":
            body = await request.json()
            if isinstance(body, dict):
                params.update(body)
            return params, files
        form = await request.post()
        for key, part in form.items():
            if isinstance(part, web.FileField):
                files[key] = Upload(part.filename, part.content_type, part.file.read())
            elif isinstance(part, str):
                params[key] = _decode_value(key, part)
            else:
                params[key] = _decode_value(key, bytes(part).decode())
        return params, files

    async def _handle(self, request: web.Request) -> web.Response:
        arrived = time.monotonic()
        if request.match_info["token"] != self.token:
            return self._error_reply(_ApiError(HTTPStatus.UNAUTHORIZED, "Unauthorized"))
        requested = request.match_info["method"]
        method = self._canonical.get(requested.lower())
        try:
            params, files = await self._read_params(request)
        except (ValueError, UnicodeDecodeError) as exc:
            return self._error_reply(_bad_request(f"can't parse request: {exc}"))

        if method == "getUpdates":
            fault = self._take_fault(method)
            if fault is not None:
                return self._error_reply(self._fault_error(fault))
            try:
                updates = await self._get_updates(params)
            except _ApiError as exc:
                return self._error_reply(exc)
            return self._reply(HTTPStatus.OK, {"ok": True, "result": updates})

        name = method or requested
        delay = self._latency.get(name, self._latency.get("*", 0.0))
        if delay:
            await asyncio.sleep(delay)
        call = Call(name, params, arrived, files=files)
        error: _ApiError | None
        if method is None:
            log.warning("FakeTelegram: unknown Bot API method %r", requested)
            error = _ApiError(HTTPStatus.NOT_FOUND, "Not Found")
        else:
            fault = self._take_fault(method)
            error = self._fault_error(fault) if fault is not None else None
        if error is None:
            assert method is not None
            context = _Request(method, params, files)
            try:
                result = self._handlers[method](context)
                if asyncio.iscoroutine(result):
                    result = await result
            except _ApiError as exc:
                error = exc
            else:
                call.result = result
                call.message = context.message
                self._record(call)
                body: JSONDict = {"ok": True, "result": result}
                if context.description:
                    body["description"] = context.description
                return self._reply(HTTPStatus.OK, body)
        call.status = int(error.status)
        call.description = error.description
        self._record(call)
        return self._error_reply(error)

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return self._error_reply(_ApiError(HTTPStatus.UNAUTHORIZED, "Unauthorized"))
        stored = self._file_paths.get(request.match_info["path"])
        if stored is None:
            return self._error_reply(_ApiError(HTTPStatus.NOT_FOUND, "Not Found"))
        return web.Response(body=stored.data, content_type="application/octet-stream")

    # ------------------------------------------------------------------ updates (citizen side)

    def push(self, update: JSONDict) -> JSONDict:
        """Queue a raw update (an `update_id` is assigned if missing) and return it."""
        if "update_id" not in update:
            update["update_id"] = self._next_update_id
        update_id = int(update["update_id"])
        self._next_update_id = max(self._next_update_id, update_id + 1)
        if self.webhook_url:
            self._schedule_delivery(update)
        else:
            self._enqueue(update)
        self._notify()
        return update

    def redeliver(self, update: JSONDict) -> JSONDict:
        """Deliver `update` again, same update_id, even if the bot already confirmed it."""
        if self.webhook_url:
            self._schedule_delivery(update)
        else:
            self._redeliveries.append(update)
            self._updates_ready.set()
        self._notify()
        return update

    def _enqueue(self, update: JSONDict) -> None:
        pending = self._pending
        update_id = update["update_id"]
        if not pending or pending[-1]["update_id"] <= update_id:
            pending.append(update)
        else:
            ids = [u["update_id"] for u in pending]
            pending.insert(bisect.bisect_right(ids, update_id), update)
        self._updates_ready.set()

    @property
    def pending_update_count(self) -> int:
        """Updates not yet confirmed by getUpdates, or not yet delivered to the webhook."""
        if self.webhook_url:
            return len(self._delivery_tasks)
        return len(self._pending) + len(self._redeliveries)

    def _user(
        self, user_id: int, first_name: str, username: str | None, language_code: str | None
    ) -> JSONDict:
        user: JSONDict = {"id": user_id, "is_bot": False, "first_name": first_name}
        if username:
            user["username"] = username
        if language_code:
            user["language_code"] = language_code
        return user

    def _citizen_chat(
        self,
        chat_id: int,
        chat_type: str,
        first_name: str,
        username: str | None,
        title: str | None,
        is_forum: bool,
    ) -> JSONDict:
        known = self.chats.get(chat_id)
        if chat_type == "private":
            if chat_id <= 0:
                raise ValueError(f"a private chat id must be positive, not {chat_id}")
            chat: JSONDict = {"id": chat_id, "type": "private", "first_name": first_name}
            if username:
                chat["username"] = username
        elif chat_type in ("group", "supergroup", "channel"):
            if chat_id >= 0:
                raise ValueError(f"a {chat_type} chat id must be negative, not {chat_id}")
            default_title = known.get("title") if known else None
            chat = {"id": chat_id, "type": chat_type, "title": title or default_title or "测试群"}
            if is_forum or (known and known.get("is_forum")):
                chat["is_forum"] = True
        else:
            raise ValueError(f"unknown chat type {chat_type!r}")
        self.chats[chat_id] = chat
        return chat

    def _next_message_id(self, chat_id: Any) -> int:
        message_id = self._last_message_id.get(chat_id, 0) + 1
        self._last_message_id[chat_id] = message_id
        return message_id

    def _citizen_message(
        self,
        chat_id: int,
        content: JSONDict,
        *,
        user_id: int | None = None,
        chat_type: str = "private",
        first_name: str = "测试",
        username: str | None = None,
        language_code: str | None = "zh-hans",
        chat_title: str | None = None,
        message_thread_id: int | None = None,
        reply_to_message_id: int | None = None,
        date: int | None = None,
    ) -> JSONDict:
        if user_id is None:
            user_id = chat_id if chat_type == "private" else DEFAULT_GROUP_USER_ID
        chat = self._citizen_chat(
            chat_id, chat_type, first_name, username, chat_title, message_thread_id is not None
        )
        message: JSONDict = {
            "message_id": self._next_message_id(chat_id),
            "from": self._user(user_id, first_name, username, language_code),
            "chat": chat,
            "date": date if date is not None else _now(),
        }
        if message_thread_id is not None:
            message["message_thread_id"] = message_thread_id
            message["is_topic_message"] = True
        if reply_to_message_id is not None:
            message["reply_to_message"] = self._reply_target(chat_id, reply_to_message_id)
        message.update(content)
        self.messages[(chat_id, message["message_id"])] = message
        return message

    def _reply_target(self, chat_id: Any, message_id: int) -> JSONDict:
        stored = self.messages.get((chat_id, message_id))
        if stored is None:
            chat = self.chats.get(chat_id) or self._chat_for(chat_id)
            return {"message_id": message_id, "date": _now(), "chat": chat}
        return {k: v for k, v in stored.items() if k != "reply_to_message"}

    def message(
        self,
        chat_id: int,
        text: str,
        *,
        user_id: int | None = None,
        chat_type: str = "private",
        first_name: str = "测试",
        message_thread_id: int | None = None,
        reply_to_message_id: int | None = None,
        entities: list[JSONDict] | None = None,
        **options: Any,
    ) -> JSONDict:
        """Queue a text message from a citizen; returns the update (options: username, ...)."""
        content: JSONDict = {"text": text}
        if entities:
            content["entities"] = entities
        message = self._citizen_message(
            chat_id,
            content,
            user_id=user_id,
            chat_type=chat_type,
            first_name=first_name,
            message_thread_id=message_thread_id,
            reply_to_message_id=reply_to_message_id,
            **options,
        )
        return self.push({"message": message})

    def command(self, chat_id: int, command: str, **options: Any) -> JSONDict:
        """Queue a command such as "/start" or "/start payload" (with its bot_command entity)."""
        if not command.startswith("/"):
            command = "/" + command
        head = command.split(maxsplit=1)[0]
        entity = {"type": "bot_command", "offset": 0, "length": _utf16_len(head)}
        return self.message(chat_id, command, entities=[entity], **options)

    def _citizen_file(self, kind: str, data: bytes) -> _StoredFile:
        return self._new_file(kind, data, None)

    def photo(
        self, chat_id: int, caption: str | None = None, *, data: bytes | None = None, **options: Any
    ) -> JSONDict:
        """Queue a photo from a citizen (two sizes; `data` is what getFile downloads)."""
        stored = self._citizen_file("photo", data or b"\xff\xd8\xff\xe0 fake jpeg")
        content: JSONDict = {"photo": self._photo_sizes(stored)}
        if caption is not None:
            content["caption"] = caption
        return self.push({"message": self._citizen_message(chat_id, content, **options)})

    def document(
        self,
        chat_id: int,
        file_name: str = "材料.pdf",
        *,
        mime_type: str = "application/pdf",
        caption: str | None = None,
        data: bytes | None = None,
        **options: Any,
    ) -> JSONDict:
        """Queue a document from a citizen."""
        stored = self._citizen_file("document", data or b"%PDF-1.4 fake pdf")
        document = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_name": file_name,
            "mime_type": mime_type,
            "file_size": len(stored.data),
        }
        content: JSONDict = {"document": document}
        if caption is not None:
            content["caption"] = caption
        return self.push({"message": self._citizen_message(chat_id, content, **options)})

    def voice(
        self, chat_id: int, duration: int = 3, *, data: bytes | None = None, **options: Any
    ) -> JSONDict:
        """Queue a voice message from a citizen."""
        stored = self._citizen_file("voice", data or b"OggS fake voice")
        voice = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "duration": duration,
            "mime_type": "audio/ogg",
            "file_size": len(stored.data),
        }
        return self.push({"message": self._citizen_message(chat_id, {"voice": voice}, **options)})

    def sticker(self, chat_id: int, emoji: str = "👍", **options: Any) -> JSONDict:
        """Queue a sticker from a citizen."""
        stored = self._citizen_file("sticker", b"RIFF fake webp")
        sticker = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
            "set_name": "FakeStickers",
            "file_size": len(stored.data),
        }
        content = {"sticker": sticker}
        return self.push({"message": self._citizen_message(chat_id, content, **options)})

    def location(
        self,
        chat_id: int,
        latitude: float = 39.9042,
        longitude: float = 116.4074,
        **options: Any,
    ) -> JSONDict:
        """Queue a location from a citizen (Beijing by default)."""
        content = {"location": {"latitude": latitude, "longitude": longitude}}
        return self.push({"message": self._citizen_message(chat_id, content, **options)})

    def contact(
        self,
        chat_id: int,
        phone_number: str = "+8613800138000",
        *,
        contact_first_name: str = "测试",
        contact_user_id: int | None = None,
        **options: Any,
    ) -> JSONDict:
        """Queue a shared contact (the citizen's own, unless another user id is given)."""
        user_id = options.get("user_id")
        if user_id is None and options.get("chat_type", "private") == "private":
            user_id = chat_id
        contact: JSONDict = {"phone_number": phone_number, "first_name": contact_first_name}
        owner = contact_user_id if contact_user_id is not None else user_id
        if owner is not None:
            contact["user_id"] = owner
        return self.push(
            {"message": self._citizen_message(chat_id, {"contact": contact}, **options)}
        )

    def edited_message(self, chat_id: int, message_id: int, text: str) -> JSONDict:
        """Queue an edit by the citizen of one of their earlier messages."""
        old = self.messages.get((chat_id, message_id))
        if old is None:
            raise ValueError(f"no message {message_id} in chat {chat_id}")
        edited = {**old, "text": text, "edit_date": max(_now(), old["date"])}
        self.messages[(chat_id, message_id)] = edited
        return self.push({"edited_message": edited})

    def callback(
        self,
        chat_id: int,
        data: str,
        message_id: int | None = None,
        user_id: int | None = None,
        *,
        first_name: str = "测试",
        strict: bool = True,
    ) -> JSONDict:
        """Queue a press of button `data` on a bot message (default: the latest in the chat)."""
        # With `strict`, `data` must be the callback_data of a button on that message.
        if message_id is None:
            message_id = self._last_bot_message.get(chat_id)
            if message_id is None:
                raise ValueError(f"the bot has sent no message to chat {chat_id}")
        message = self.messages.get((chat_id, message_id))
        if message is None:
            raise ValueError(f"no message {message_id} in chat {chat_id}")
        if strict:
            keyboard = (message.get("reply_markup") or {}).get("inline_keyboard", [])
            offered = [b.get("callback_data") for row in keyboard for b in row]
            if data not in offered:
                raise ValueError(
                    f"message {message_id} in chat {chat_id} has no button with data {data!r}; "
                    f"buttons: {offered!r} (pass strict=False to send it anyway)"
                )
        if user_id is None:
            chat = self.chats.get(chat_id)
            private = chat is None or chat.get("type") == "private"
            user_id = chat_id if private else DEFAULT_GROUP_USER_ID
        query_id = str(4_000_000_000_000_000_000 + next(self._callback_counter))
        self._callback_ids.add(query_id)
        query = {
            "id": query_id,
            "from": self._user(user_id, first_name, None, "zh-hans"),
            "message": message,
            "chat_instance": str(-9_000_000_000_000_000_000 + abs(chat_id)),
            "data": data,
        }
        return self.push({"callback_query": query})

    # ------------------------------------------------------------------ getUpdates

    async def _get_updates(self, params: JSONDict) -> list[JSONDict]:
        if self.webhook_url:
            raise _ApiError(
                HTTPStatus.CONFLICT,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = int(params.get("offset") or 0)
        limit = max(1, min(100, int(params.get("limit") or 100)))
        timeout = float(params.get("timeout") or 0)
        self._confirm(offset)
        self._poll_generation += 1
        generation = self._poll_generation
        self._updates_ready.set()  # an older long poll, if any, ends with 409
        self._updates_ready = ready = asyncio.Event()
        deadline = time.monotonic() + timeout
        while True:
            if generation != self._poll_generation:
                raise _ApiError(HTTPStatus.CONFLICT, _ERROR_DESCRIPTIONS[409])
            batch = self._take_batch(limit)
            remaining = deadline - time.monotonic()
            if batch or remaining <= 0 or self._closing:
                return batch
            ready.clear()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(remaining):
                    await ready.wait()

    def _confirm(self, offset: int) -> None:
        pending = self._pending
        if offset > 0:
            while pending and pending[0]["update_id"] < offset:
                pending.popleft()
        elif offset < 0:
            while len(pending) > -offset:
                pending.popleft()

    def _take_batch(self, limit: int) -> list[JSONDict]:
        batch: list[JSONDict] = []
        while self._redeliveries and len(batch) < limit:
            batch.append(self._redeliveries.popleft())
        batch.extend(itertools.islice(self._pending, limit - len(batch)))
        return batch

    # ------------------------------------------------------------------ webhook

    def _schedule_delivery(self, update: JSONDict) -> None:
        key = _update_key(update)
        previous = self._delivery_tails.get(key)
        task = asyncio.create_task(self._deliver(update, previous, key))
        self._delivery_tails[key] = task
        self._delivery_tasks.add(task)
        task.add_done_callback(self._delivery_tasks.discard)

    async def _deliver(
        self, update: JSONDict, previous: asyncio.Task[None] | None, key: Any
    ) -> None:
        me = asyncio.current_task()
        try:
            if previous is not None and not previous.done():
                await asyncio.wait([previous])
            for attempt in range(self.webhook_attempts):
                url = self.webhook_url
                if not url:
                    self._enqueue(update)
                    return
                if attempt:
                    await asyncio.sleep(self.webhook_retry_delay * attempt)
                async with self._webhook_semaphore:
                    status, error = await self._post_update(url, update, self.webhook_secret)
                self.webhook_deliveries.append(
                    Delivery(update["update_id"], status, time.monotonic(), error)
                )
                if 200 <= status < 300:
                    self._notify()
                    return
                self._webhook_last_error = (
                    _now(),
                    error or f"Wrong response from the webhook: {status}",
                )
                self._notify()
        finally:
            if self._delivery_tails.get(key) is me:
                del self._delivery_tails[key]

    async def _post_update(
        self, url: str, update: JSONDict, secret: str | None
    ) -> tuple[int, str | None]:
        assert self._session is not None, "FakeTelegram is not started"
        headers = {"Content-Type": "application/json"}
        if secret is not None:
            headers["X-Telegram-Bot-Api-Secret-Token"] = secret
        body = json.dumps(update, ensure_ascii=False).encode()
        try:
            async with self._session.post(url, data=body, headers=headers) as response:
                await response.read()
                return response.status, None
        except (aiohttp.ClientError, TimeoutError) as exc:
            return 0, f"Connection failed: {exc.__class__.__name__}: {exc}"

    async def post_to_webhook(
        self, update: JSONDict, *, secret: Any = _CONFIGURED, url: str | None = None
    ) -> int:
        """POST `update` once with `secret` (default: configured; None: no header); the status."""
        target = url or self.webhook_url
        if not target:
            raise ValueError("no webhook is set; pass url=")
        if "update_id" not in update:
            update["update_id"] = self._next_update_id
            self._next_update_id += 1
        token = self.webhook_secret if secret is _CONFIGURED else secret
        status, _ = await self._post_update(target, update, token)
        return status

    def _set_webhook(self, req: _Request) -> bool:
        params = req.params
        url = str(params.get("url") or "")
        secret = params.get("secret_token")
        if secret is not None:
            secret = str(secret)
            valid = all(c.isascii() and (c.isalnum() or c in "_-") for c in secret)
            if not 1 <= len(secret) <= 256 or not valid:
                raise _bad_request("secret token contains unallowed characters")
        if url and not url.startswith(("http://", "https://")):
            raise _bad_request("bad webhook: Failed to resolve host: Name or service not known")
        max_connections = int(params.get("max_connections") or 40)
        if not 1 <= max_connections <= 100:
            raise _bad_request("bad webhook: max_connections must be between 1 and 100")
        if params.get("drop_pending_updates"):
            self._pending.clear()
            self._redeliveries.clear()
        if not url:
            return self._delete_webhook(req)
        self.webhook_url = url
        self.webhook_secret = secret
        self.webhook_max_connections = max_connections
        self._webhook_semaphore = asyncio.Semaphore(max_connections)
        allowed = params.get("allowed_updates")
        self._webhook_allowed_updates = list(allowed) if isinstance(allowed, list) else []
        self._webhook_last_error = None
        queued = [*self._redeliveries, *self._pending]
        self._pending.clear()
        self._redeliveries.clear()
        for update in queued:
            self._schedule_delivery(update)
        req.description = "Webhook was set"
        return True

    def _delete_webhook(self, req: _Request) -> bool:
        if req.params.get("drop_pending_updates"):
            self._pending.clear()
            self._redeliveries.clear()
        req.description = (
            "Webhook was deleted" if self.webhook_url else "Webhook is already deleted"
        )
        self.webhook_url = None
        self.webhook_secret = None
        return True

    def _get_webhook_info(self, req: _Request) -> JSONDict:
        info: JSONDict = {
            "url": self.webhook_url or "",
            "has_custom_certificate": False,
            "pending_update_count": self.pending_update_count,
        }
        if self.webhook_url:
            info["max_connections"] = self.webhook_max_connections
            info["ip_address"] = "127.0.0.1"
            if self._webhook_allowed_updates:
                info["allowed_updates"] = self._webhook_allowed_updates
            if self._webhook_last_error:
                info["last_error_date"], info["last_error_message"] = self._webhook_last_error
        return info

    # ------------------------------------------------------------------ method helpers

    def _true(self, req: _Request) -> bool:
        return True

    def _get_me(self, req: _Request) -> JSONDict:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    @staticmethod
    def _require(params: JSONDict, name: str) -> Any:
        value = params.get(name)
        if value is None or value == "":
            raise _bad_request(f"{name} is empty")
        return value

    def _chat_for(self, chat_id: Any) -> JSONDict:
        if isinstance(chat_id, str):
            for chat in self.chats.values():
                if chat.get("username") and "@" + chat["username"] == chat_id:
                    return chat
            raise _bad_request("chat not found")
        known = self.chats.get(chat_id)
        if known is not None:
            return known
        if chat_id > 0:
            return {"id": chat_id, "type": "private", "first_name": "用户"}
        kind = "supergroup" if str(chat_id).startswith("-100") else "group"
        return {"id": chat_id, "type": kind, "title": "测试群"}

    def _target_chat(self, params: JSONDict) -> tuple[Any, JSONDict]:
        chat_id = _norm_chat_id(self._require(params, "chat_id"))
        chat = self._chat_for(chat_id)
        chat_id = chat["id"]
        if chat_id in self.blocked:
            if chat.get("type") == "private":
                raise _ApiError(HTTPStatus.FORBIDDEN, "Forbidden: bot was blocked by the user")
            raise _ApiError(HTTPStatus.FORBIDDEN, "Forbidden: bot was kicked from the group chat")
        return chat_id, chat

    @staticmethod
    def _formatted(
        params: JSONDict, text_key: str, entities_key: str, limit: int, too_long: str
    ) -> JSONDict:
        raw = params.get(text_key)
        if raw is None:
            return {}
        text = str(raw)
        entities = params.get(entities_key)
        if entities is None and str(params.get("parse_mode") or "").upper() == "HTML":
            text, entities = parse_html(text)
        if len(text) > limit:
            raise _bad_request(too_long)
        out: JSONDict = {text_key: text}
        if entities:
            out[entities_key] = entities
        return out

    def _text_content(self, params: JSONDict) -> JSONDict:
        content = self._formatted(params, "text", "entities", TEXT_LIMIT, "message is too long")
        if not content.get("text", "").strip():
            raise _bad_request("message text is empty")
        return content

    def _caption_content(self, params: JSONDict) -> JSONDict:
        return self._formatted(
            params, "caption", "caption_entities", CAPTION_LIMIT, "message caption is too long"
        )

    @staticmethod
    def _inline_markup(params: JSONDict) -> JSONDict | None:
        markup = params.get("reply_markup")
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise _bad_request("can't parse reply keyboard markup JSON object")
        keyboard = markup.get("inline_keyboard")
        if keyboard is None:
            return None  # reply keyboards are not echoed in the returned message
        if not isinstance(keyboard, list) or not all(isinstance(r, list) for r in keyboard):
            raise _bad_request(
                'field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays'
            )
        for row in keyboard:
            for button in row:
                if not isinstance(button, dict) or not button.get("text"):
                    raise _bad_request('can\'t find field "text"')
                data = button.get("callback_data")
                if data is not None and not 1 <= len(str(data).encode()) <= CALLBACK_DATA_LIMIT:
                    raise _bad_request("BUTTON_DATA_INVALID")
                actions = set(button) - {"text", "style", "icon_custom_emoji_id"}
                if not actions:
                    raise _bad_request("text buttons are unallowed in the inline keyboard")
        return markup

    def _bot_message(self, req: _Request, content: JSONDict) -> JSONDict:
        params = req.params
        chat_id, chat = self._target_chat(params)
        markup = self._inline_markup(params)
        thread = params.get("message_thread_id")
        if thread is not None:
            topic = self.topics.get((chat_id, int(thread)))
            if topic is not None and topic.get("is_closed"):
                raise _bad_request("TOPIC_CLOSED")
        reply_to = self._reply_parameters(params, chat_id)
        message: JSONDict = {
            "message_id": self._next_message_id(chat_id),
            "from": self.bot_user,
            "chat": chat,
            "date": _now(),
        }
        if thread is not None:
            message["message_thread_id"] = int(thread)
            message["is_topic_message"] = True
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        message.update(content)
        if markup is not None:
            message["reply_markup"] = markup
        if params.get("protect_content"):
            message["has_protected_content"] = True
        self._store_bot_message(message)
        req.message = message
        return message

    def _store_bot_message(self, message: JSONDict) -> None:
        chat_id = message["chat"]["id"]
        self.messages[(chat_id, message["message_id"])] = message
        self._last_bot_message[chat_id] = message["message_id"]

    def _reply_parameters(self, params: JSONDict, chat_id: Any) -> JSONDict | None:
        reply = params.get("reply_parameters")
        allow_missing = bool(params.get("allow_sending_without_reply"))
        if isinstance(reply, dict):
            message_id = reply.get("message_id")
            allow_missing = bool(reply.get("allow_sending_without_reply", allow_missing))
            source_chat = _norm_chat_id(reply.get("chat_id", chat_id))
        else:
            message_id = params.get("reply_to_message_id")
            source_chat = chat_id
        if message_id is None:
            return None
        stored = self.messages.get((source_chat, int(message_id)))
        if stored is None:
            if allow_missing:
                return None
            raise _bad_request("message to be replied not found")
        return {k: v for k, v in stored.items() if k != "reply_to_message"}

    def _edited_target(self, params: JSONDict) -> JSONDict | None:
        if params.get("inline_message_id"):
            return None
        chat_id = _norm_chat_id(self._require(params, "chat_id"))
        message_id = int(self._require(params, "message_id"))
        stored = self.messages.get((chat_id, message_id))
        if stored is None:
            raise _bad_request("message to edit not found")
        if stored.get("from", {}).get("id") != self.bot_user["id"]:
            raise _bad_request("message can't be edited")
        return stored

    def _apply_edit(
        self, req: _Request, old: JSONDict, changes: JSONDict, keys: Iterable[str]
    ) -> JSONDict:
        markup = self._inline_markup(req.params)
        new = {k: v for k, v in old.items() if k not in keys and k != "reply_markup"}
        new.update(changes)
        if markup is not None:
            new["reply_markup"] = markup
        same = all(new.get(k) == old.get(k) for k in (*keys, "reply_markup"))
        if same:
            raise _bad_request(
                "message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message"
            )
        new["edit_date"] = _now()
        self.messages[(new["chat"]["id"], new["message_id"])] = new
        req.message = new
        return new

    # ------------------------------------------------------------------ messages

    def _send_message(self, req: _Request) -> JSONDict:
        self._require(req.params, "chat_id")
        return self._bot_message(req, self._text_content(req.params))

    def _edit_message_text(self, req: _Request) -> JSONDict | bool:
        content = self._text_content(req.params)
        old = self._edited_target(req.params)
        if old is None:
            return True
        if "text" not in old:
            raise _bad_request("there is no text in the message to edit")
        return self._apply_edit(req, old, content, ("text", "entities"))

    def _edit_message_caption(self, req: _Request) -> JSONDict | bool:
        content = self._caption_content(req.params)
        old = self._edited_target(req.params)
        if old is None:
            return True
        return self._apply_edit(req, old, content, ("caption", "caption_entities"))

    def _edit_message_reply_markup(self, req: _Request) -> JSONDict | bool:
        old = self._edited_target(req.params)
        if old is None:
            return True
        return self._apply_edit(req, old, {}, ())

    def _delete_message(self, req: _Request) -> bool:
        chat_id = _norm_chat_id(self._require(req.params, "chat_id"))
        message_id = int(self._require(req.params, "message_id"))
        if self.messages.pop((chat_id, message_id), None) is None:
            raise _bad_request("message to delete not found")
        return True

    def _answer_callback_query(self, req: _Request) -> bool:
        query_id = str(self._require(req.params, "callback_query_id"))
        if query_id not in self._callback_ids:
            raise _bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        text = req.params.get("text")
        if text is not None and len(str(text)) > 200:
            raise _bad_request("MESSAGE_TOO_LONG")
        return True

    def _send_chat_action(self, req: _Request) -> bool:
        self._target_chat(req.params)
        action = req.params.get("action")
        if action not in _CHAT_ACTIONS:
            raise _bad_request("wrong parameter action in request")
        return True

    # ------------------------------------------------------------------ files and media

    def _new_file(self, kind: str, data: bytes, filename: str | None) -> _StoredFile:
        number = next(self._file_counter)
        suffix = "." + filename.rsplit(".", 1)[-1] if filename and "." in filename else ""
        folder = {"photo": "photos", "voice": "voice", "sticker": "stickers"}.get(kind, "documents")
        stored = _StoredFile(
            file_id=f"FAKE{kind.upper()}-{number:08d}-{self.bot_user['id']}",
            file_unique_id=f"U{number:08d}",
            path=f"{folder}/file_{number}{suffix}",
            data=data,
        )
        self._files[stored.file_id] = stored
        self._file_paths[stored.path] = stored
        return stored

    def _input_file(self, req: _Request, key: str, kind: str) -> tuple[_StoredFile, str | None]:
        value = req.params.get(key)
        upload = req.files.get(key)
        if upload is None and isinstance(value, str) and value.startswith("attach://"):
            upload = req.files.get(value.removeprefix("attach://"))
            if upload is None:
                raise _bad_request(f"wrong file identifier/HTTP URL specified: {value}")
        if upload is not None:
            return self._new_file(kind, upload.data, upload.filename), upload.filename
        if not value:
            raise _bad_request(f"there is no {key} in the request")
        existing = self._files.get(str(value))
        if existing is not None:
            return existing, None
        name = str(value).rsplit("/", 1)[-1] if str(value).startswith("http") else None
        return self._new_file(kind, b"", name), name

    @staticmethod
    def _photo_sizes(stored: _StoredFile) -> list[JSONDict]:
        size = len(stored.data)
        return [
            {
                "file_id": stored.file_id + "-s",
                "file_unique_id": stored.file_unique_id + "s",
                "width": 90,
                "height": 67,
                "file_size": min(size, 1200),
            },
            {
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                "width": 1280,
                "height": 960,
                "file_size": size,
            },
        ]

    def _media_content(self, req: _Request, key: str) -> JSONDict:
        stored, filename = self._input_file(req, key, key)
        base = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.data),
        }
        media: Any
        if key == "photo":
            media = self._photo_sizes(stored)
        elif key == "document":
            media = {**base, "file_name": filename or "document", "mime_type": _mime(filename)}
        elif key == "voice":
            media = {
                **base,
                "duration": int(req.params.get("duration") or 1),
                "mime_type": "audio/ogg",
            }
        elif key == "audio":
            media = {
                **base,
                "duration": int(req.params.get("duration") or 1),
                "mime_type": "audio/mpeg",
            }
        elif key in ("video", "animation"):
            media = {
                **base,
                "width": 640,
                "height": 360,
                "duration": int(req.params.get("duration") or 1),
            }
        else:  # sticker
            media = {
                **base,
                "type": "regular",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
                "emoji": req.params.get("emoji") or "👍",
            }
        return {key: media, **self._caption_content(req.params)}

    def _send_media(self, req: _Request, key: str) -> JSONDict:
        self._target_chat(req.params)
        return self._bot_message(req, self._media_content(req, key))

    def _send_photo(self, req: _Request) -> JSONDict:
        return self._send_media(req, "photo")

    def _send_document(self, req: _Request) -> JSONDict:
        return self._send_media(req, "document")

    def _send_voice(self, req: _Request) -> JSONDict:
        return self._send_media(req, "voice")

    def _send_audio(self, req: _Request) -> JSONDict:
        return self._send_media(req, "audio")

    def _send_video(self, req: _Request) -> JSONDict:
        return self._send_media(req, "video")

    def _send_animation(self, req: _Request) -> JSONDict:
        return self._send_media(req, "animation")

    def _send_sticker(self, req: _Request) -> JSONDict:
        return self._send_media(req, "sticker")

    def _send_location(self, req: _Request) -> JSONDict:
        params = req.params
        location = {
            "latitude": float(self._require(params, "latitude")),
            "longitude": float(self._require(params, "longitude")),
        }
        return self._bot_message(req, {"location": location})

    def _send_venue(self, req: _Request) -> JSONDict:
        params = req.params
        location = {
            "latitude": float(self._require(params, "latitude")),
            "longitude": float(self._require(params, "longitude")),
        }
        venue = {
            "location": location,
            "title": str(self._require(params, "title")),
            "address": str(self._require(params, "address")),
        }
        return self._bot_message(req, {"venue": venue, "location": location})

    def _send_contact(self, req: _Request) -> JSONDict:
        params = req.params
        contact = {
            "phone_number": str(self._require(params, "phone_number")),
            "first_name": str(self._require(params, "first_name")),
        }
        if params.get("last_name"):
            contact["last_name"] = str(params["last_name"])
        return self._bot_message(req, {"contact": contact})

    def _send_media_group(self, req: _Request) -> list[JSONDict]:
        self._target_chat(req.params)
        media = req.params.get("media")
        if not isinstance(media, list) or not 2 <= len(media) <= 10:
            raise _bad_request("wrong number of messages in the media group, must be 2-10")
        group_id = str(10_000_000_000_000_000 + next(self._media_group_counter))
        sent = []
        for item in media:
            kind = item.get("type")
            if kind not in ("photo", "video", "document", "audio"):
                raise _bad_request(f"unsupported media type {kind!r}")
            sub = _Request(req.method, {**req.params, kind: item.get("media")}, req.files)
            for key in ("caption", "parse_mode", "caption_entities"):
                sub.params.pop(key, None)
                if key in item:
                    sub.params[key] = item[key]
            content = self._media_content(sub, kind)
            content["media_group_id"] = group_id
            sent.append(self._bot_message(sub, content))
        req.message = sent[0]
        return sent

    def _source_message(self, params: JSONDict, what: str) -> JSONDict:
        from_chat = _norm_chat_id(self._require(params, "from_chat_id"))
        message_id = int(self._require(params, "message_id"))
        stored = self.messages.get((from_chat, message_id))
        if stored is None:
            raise _bad_request(f"message to {what} not found")
        return stored

    _CONTENT_KEYS = (
        "text",
        "entities",
        "caption",
        "caption_entities",
        "photo",
        "document",
        "voice",
        "audio",
        "video",
        "animation",
        "sticker",
        "location",
        "venue",
        "contact",
    )

    def _copy_message(self, req: _Request) -> JSONDict:
        source = self._source_message(req.params, "copy")
        content = {k: source[k] for k in self._CONTENT_KEYS if k in source}
        if "caption" in req.params:
            content.pop("caption_entities", None)
            content.update(self._caption_content(req.params))
        message = self._bot_message(req, content)
        return {"message_id": message["message_id"]}

    def _forward_message(self, req: _Request) -> JSONDict:
        source = self._source_message(req.params, "forward")
        content: JSONDict = {k: source[k] for k in self._CONTENT_KEYS if k in source}
        sender = source.get("from") or self.bot_user
        content["forward_origin"] = {"type": "user", "sender_user": sender, "date": source["date"]}
        return self._bot_message(req, content)

    def _get_file(self, req: _Request) -> JSONDict:
        file_id = str(self._require(req.params, "file_id"))
        stored = self._files.get(file_id) or self._files.get(file_id.removesuffix("-s"))
        if stored is None:
            raise _bad_request("invalid file_id")
        return {
            "file_id": file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.data),
            "file_path": stored.path,
        }

    # ------------------------------------------------------------------ forum topics

    def _create_forum_topic(self, req: _Request) -> JSONDict:
        chat_id, chat = self._target_chat(req.params)
        if chat.get("type") != "supergroup":
            raise _bad_request("the chat is not a forum")
        name = str(self._require(req.params, "name"))
        if len(name) > 128:
            raise _bad_request("TOPIC_TITLE_INVALID")
        icon_color = int(req.params.get("icon_color") or DEFAULT_ICON_COLOR)
        topic: JSONDict = {"name": name, "icon_color": icon_color}
        if req.params.get("icon_custom_emoji_id"):
            topic["icon_custom_emoji_id"] = str(req.params["icon_custom_emoji_id"])
        # Like Telegram, the thread id is the id of the "topic created" service message.
        thread_id = self._next_message_id(chat_id)
        self.chats[chat_id] = {**chat, "is_forum": True}
        service = {
            "message_id": thread_id,
            "from": self.bot_user,
            "chat": self.chats[chat_id],
            "date": _now(),
            "message_thread_id": thread_id,
            "is_topic_message": True,
            "forum_topic_created": dict(topic),
        }
        self.messages[(chat_id, thread_id)] = service
        self.topics[(chat_id, thread_id)] = {**topic, "is_closed": False}
        return {"message_thread_id": thread_id, **topic}

    def _topic(self, req: _Request) -> JSONDict:
        chat_id, _ = self._target_chat(req.params)
        thread_id = int(self._require(req.params, "message_thread_id"))
        topic = self.topics.get((chat_id, thread_id))
        if topic is None:
            raise _bad_request("message thread not found")
        return topic

    def _edit_forum_topic(self, req: _Request) -> bool:
        topic = self._topic(req)
        name = req.params.get("name")
        emoji = req.params.get("icon_custom_emoji_id")
        if name is None and emoji is None:
            raise _bad_request("TOPIC_NOT_MODIFIED")
        if name is not None:
            if not 1 <= len(str(name)) <= 128:
                raise _bad_request("TOPIC_TITLE_INVALID")
            topic["name"] = str(name)
        if emoji is not None:
            topic["icon_custom_emoji_id"] = str(emoji)
        return True

    def _close_forum_topic(self, req: _Request) -> bool:
        topic = self._topic(req)
        if topic["is_closed"]:
            raise _bad_request("TOPIC_NOT_MODIFIED")
        topic["is_closed"] = True
        return True

    def _reopen_forum_topic(self, req: _Request) -> bool:
        topic = self._topic(req)
        if not topic["is_closed"]:
            raise _bad_request("TOPIC_NOT_MODIFIED")
        topic["is_closed"] = False
        return True

    def _delete_forum_topic(self, req: _Request) -> bool:
        chat_id, _ = self._target_chat(req.params)
        self._topic(req)
        del self.topics[(chat_id, int(req.params["message_thread_id"]))]
        return True

    # ------------------------------------------------------------------ chats and commands

    def _get_chat(self, req: _Request) -> JSONDict:
        chat_id = _norm_chat_id(self._require(req.params, "chat_id"))
        chat = self.chats.get(chat_id) if not isinstance(chat_id, str) else self._chat_for(chat_id)
        if chat is None:
            raise _bad_request("chat not found")
        return {
            **chat,
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": True,
                "limited_gifts": True,
                "unique_gifts": True,
                "premium_subscription": True,
                "gifts_from_channels": True,
            },
        }

    def set_member_status(self, chat_id: int, user_id: int, status: str) -> None:
        """Set what getChatMember answers: creator, administrator, member, left or kicked."""
        if status not in ("creator", "administrator", "member", "left", "kicked"):
            raise ValueError(f"unsupported status {status!r}")
        self.members[(chat_id, user_id)] = status

    def _get_chat_member(self, req: _Request) -> JSONDict:
        chat_id = _norm_chat_id(self._require(req.params, "chat_id"))
        user_id = int(self._require(req.params, "user_id"))
        if user_id == self.bot_user["id"]:
            user = self.bot_user
        else:
            user = {"id": user_id, "is_bot": False, "first_name": "测试"}
            chat = self.chats.get(chat_id)
            if chat and chat.get("type") == "private" and chat_id == user_id:
                user["first_name"] = chat.get("first_name", "测试")
        status = self.members.get((chat_id, user_id), "member")
        member: JSONDict = {"status": status, "user": user}
        if status == "creator":
            member["is_anonymous"] = False
        elif status == "administrator":
            member.update(
                dict.fromkeys(
                    (
                        "can_manage_chat",
                        "can_delete_messages",
                        "can_manage_video_chats",
                        "can_restrict_members",
                        "can_change_info",
                        "can_invite_users",
                        "can_post_stories",
                        "can_edit_stories",
                        "can_delete_stories",
                        "can_pin_messages",
                        "can_manage_topics",
                    ),
                    True,
                )
            )
            member.update(can_be_edited=False, is_anonymous=False, can_promote_members=False)
        elif status == "kicked":
            member["until_date"] = 0
        return member

    @staticmethod
    def _commands_key(params: JSONDict) -> str:
        scope = params.get("scope") or {"type": "default"}
        language = params.get("language_code") or ""
        return json.dumps(scope, sort_keys=True) + "|" + str(language)

    def _set_my_commands(self, req: _Request) -> bool:
        commands = req.params.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise _bad_request("commands must be an array of at most 100 BotCommand")
        for command in commands:
            name = str(command.get("command", ""))
            valid = name and all(c.islower() or c.isdigit() or c == "_" for c in name)
            if not valid or len(name) > 32 or not command.get("description"):
                raise _bad_request("BOT_COMMAND_INVALID")
        self.commands[self._commands_key(req.params)] = commands
        return True

    def _delete_my_commands(self, req: _Request) -> bool:
        self.commands.pop(self._commands_key(req.params), None)
        return True

    def _get_my_commands(self, req: _Request) -> list[JSONDict]:
        return self.commands.get(self._commands_key(req.params), [])


def _mime(filename: str | None) -> str:
    extension = (filename or "").rsplit(".", 1)[-1].lower()
    return {
        "pdf": "application/pdf",
        "txt": "text/plain",
        "doc": "application/msword",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "jpg": "image/jpeg",
        "jpeg": "image/jpeg",
        "png": "image/png",
    }.get(extension, "application/octet-stream")
