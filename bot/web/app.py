"""The aiohttp application: the web chat (page, embed script, WebSocket, HTTP fallback)."""

from __future__ import annotations

import logging
import math
import re
import weakref
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from aiohttp import WSCloseCode, WSMsgType, web

from bot import texts
from bot.channels.web import WEB
from bot.chat import ChatService
from bot.types import Inbound, Kind, Outcome, Reply, reply_to_json
from bot.web import console, proxy
from bot.web.headers import SecurityHeaders
from bot.web.limits import ChatLimits
from bot.web.sessions import SessionIds, conversation_key, load_secret
from bot.web.stats_api import add_routes

if TYPE_CHECKING:
    from bot.channels.telegram import TelegramChannel
    from bot.services import Services

log = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"
MAX_BODY = 64 * 1024
MAX_TEXT = WEB.max_text
COOKIE = "hotline_chat"
COOKIE_AGE = 30 * 86400
# Where the page sends its session when the cookie does not come back (a frame on a
# bureau's site may not keep cookies). Never the URL: URLs end up in access logs.
SESSION_HEADER = "X-Chat-Session"
CHANNEL = WEB.name
CLIENT_ID = re.compile(r"[A-Za-z0-9_-]{1,31}")  # with the session, fits the 64-char id
COMMANDS = ("start", "help", "menu", "forget")
_SURROGATE = re.compile("[\ud800-\udfff]")
FIELDS: dict[str, tuple[Kind, str]] = {
    "message": ("text", "text"),
    "button": ("button", "payload"),
    "start": ("command", ""),
}

SERVICES: web.AppKey[Services] = web.AppKey("services")
SESSION_IDS: web.AppKey[SessionIds] = web.AppKey("session_ids")
LIMITS: web.AppKey[ChatLimits] = web.AppKey("limits")
SOCKETS: web.AppKey[weakref.WeakSet[web.WebSocketResponse]] = web.AppKey("sockets")
# The open chat windows of each conversation, for messages pushed by an operator.
WINDOWS: web.AppKey[dict[str, set[web.WebSocketResponse]]] = web.AppKey("windows")


class BadMessage(ValueError):
    """A web chat message that is not well formed; the text says why."""


def _chat(request: web.Request) -> ChatService:
    return request.app[SERVICES].chat


def _session(request: web.Request) -> str:
    """The anonymous session: the one the page kept, else the cookie's, else a new one.

    Only ids this server signed are taken, and never from the URL: a link cannot put a
    visitor into a conversation someone else can read. The page's id comes first: where
    its cookie was lost, the page was given a new one with the page itself.
    """
    ids = request.app[SESSION_IDS]
    for given in (request.headers.get(SESSION_HEADER), request.cookies.get(COOKIE)):
        known = ids.check(given)
        if known is not None:
            return known
    return ids.new()


def _same_origin(request: web.Request) -> bool:
    """No Origin (not a browser), or the page came from this very host."""
    origin = request.headers.get("Origin")
    if origin is None:
        return True
    return urlsplit(origin).netloc.lower() == request.host.lower()


def keep_session(response: web.StreamResponse, session: str, secure: bool) -> None:
    """The session in an HttpOnly cookie, out of reach of scripts and of URLs."""
    if secure:
        # Over HTTPS the cookie also reaches the chat framed on a bureau's own site; a
        # partitioned one even where browsers block third-party cookies (and storage).
        # Python's cookie module cannot write that attribute, so the header is written here.
        response.headers.add(
            "Set-Cookie",
            f"{COOKIE}={session}; Max-Age={COOKIE_AGE}; Path=/; HttpOnly; Secure;"
            " SameSite=None; Partitioned",
        )
    else:
        response.set_cookie(COOKIE, session, httponly=True, samesite="Lax", max_age=COOKIE_AGE)


def _too_fast(request: web.Request, session: str) -> float:
    """Seconds the sender must wait, or 0 when the message may go (and is counted)."""
    wait = request.app[LIMITS].check(request, session)
    if wait:
        log.info("web chat message refused: too many from one address or session")
    return wait


def to_inbound(session: str, body: Any) -> Inbound:
    """A web chat message (`{"type", "id", "text" | "payload"}`) as the chat service takes it."""
    if not isinstance(body, dict):
        raise BadMessage("expected a JSON object")
    entry = FIELDS.get(str(body.get("type", "message")))
    if entry is None:
        raise BadMessage('"type" must be "message", "button" or "start"')
    kind, field = entry
    client_id = body.get("id")
    if client_id is not None and not (
        isinstance(client_id, str) and CLIENT_ID.fullmatch(client_id)
    ):
        raise BadMessage('"id" must be 1-31 letters, digits, "-" or "_"')
    value = body.get(field) if field else "start"
    if not isinstance(value, str):
        raise BadMessage(f'expected {{"{field}": "..."}}')
    if len(value) > MAX_TEXT:
        raise BadMessage(f"at most {MAX_TEXT} characters")
    # JSON may carry a lone surrogate ("\ud800"), which no database can store.
    value = _SURROGATE.sub("\ufffd", value)
    if kind == "text" and value.strip().startswith("/"):
        command = value.strip()[1:].split(" ", 1)[0].lower()
        kind = "command"
        value = command if command in COMMANDS else "help"
    key = conversation_key(session)
    external = f"{key}:{client_id}" if client_id else None
    return Inbound(WEB.conversation(key), CHANNEL, external, kind, value)


def _outcome_json(outcome: Outcome, in_reply_to: Any = None) -> dict[str, Any]:
    return {
        "type": "replies",
        "in_reply_to": in_reply_to,
        "duplicate": outcome.duplicate,
        "topic": outcome.topic,
        "intent": outcome.intent,
        "replies": [reply_to_json(r) for r in outcome.replies],
    }


def _conversation(session: str) -> str:
    return WEB.conversation(conversation_key(session))


async def _history(chat: ChatService, session: str) -> list[dict[str, Any]]:
    return await chat.transcript(_conversation(session))


class WebDeliverer:
    """Pushes operator messages to every open window of a conversation.

    A citizen with no window open finds them in the history when they come back.
    """

    def __init__(self, windows: dict[str, set[web.WebSocketResponse]]) -> None:
        self.windows = windows

    async def deliver(self, conversation: str, reply: Reply, sender: str | None) -> str | None:
        """Send to the open windows; the message is stored by the caller either way."""
        frame = {
            "type": "replies",
            "in_reply_to": None,
            "from": "operator" if sender else "bot",
            "sender": sender,
            "replies": [reply_to_json(reply, sender)],
        }
        for ws in [*self.windows.get(conversation, ())]:
            try:
                await ws.send_json(frame)
            except (ConnectionError, RuntimeError) as exc:
                log.debug("window of %s closed while pushing: %s", conversation, exc)
        return None

    async def deliver_copy(self, conversation: str, source: dict[str, int], sender: str) -> bool:
        """The web chat cannot show Telegram files: the operator is told to write instead."""
        return False


async def index(request: web.Request) -> web.StreamResponse:
    """The chat page; it also starts the anonymous session."""
    response = web.FileResponse(STATIC / "index.html")
    keep_session(response, _session(request), proxy.is_https(request))
    return response


async def embed(request: web.Request) -> web.FileResponse:
    """The script a bureau puts on its own site to open the chat in a corner frame."""
    return web.FileResponse(STATIC / "embed.js", headers={"Cache-Control": "max-age=3600"})


async def _json_body(request: web.Request) -> Any:
    if request.content_type != "application/json":
        raise web.HTTPUnsupportedMediaType(text="expected application/json")
    try:
        return await request.json()
    except (ValueError, UnicodeDecodeError) as exc:
        raise web.HTTPBadRequest(text="body is not valid JSON") from exc


async def _post(request: web.Request, kind: str) -> web.Response:
    body = await _json_body(request)
    if isinstance(body, dict):
        body = {**body, "type": kind}
    session = _session(request)
    try:
        inbound = to_inbound(session, body)
    except BadMessage as exc:
        if str(exc).startswith("at most"):
            raise web.HTTPRequestEntityTooLarge(max_size=MAX_TEXT, actual_size=-1) from exc
        raise web.HTTPBadRequest(text=str(exc)) from exc
    wait = _too_fast(request, session)
    if wait:
        refused = {"type": "error", "in_reply_to": body.get("id"), "text": texts.WEB_SLOW_DOWN}
        retry = {"Retry-After": str(math.ceil(wait))}
        return web.json_response(refused, status=web.HTTPTooManyRequests.status_code,
                                 headers=retry)  # fmt: skip
    outcome = await _chat(request).handle(inbound)
    response = web.json_response(_outcome_json(outcome, body.get("id")))
    keep_session(response, session, proxy.is_https(request))
    return response


async def message(request: web.Request) -> web.Response:
    """HTTP fallback: one citizen message in, the bot's replies out."""
    return await _post(request, "message")


async def button(request: web.Request) -> web.Response:
    """HTTP fallback: one button press in, the bot's replies out."""
    return await _post(request, "button")


async def history(request: web.Request) -> web.Response:
    """HTTP fallback: the conversation so far, for a page opened again."""
    session = _session(request)
    response = web.json_response(
        {"session": session, "history": await _history(_chat(request), session)}
    )
    keep_session(response, session, proxy.is_https(request))
    return response


class _Window:
    """One open chat window: its socket and the session it shows, for pushed messages."""

    def __init__(self, request: web.Request, session: str) -> None:
        self.ws = web.WebSocketResponse(heartbeat=30, max_msg_size=MAX_BODY)
        self.windows = request.app[WINDOWS]
        self.session = session

    def open(self) -> None:
        self.windows.setdefault(_conversation(self.session), set()).add(self.ws)

    def close(self) -> None:
        conversation = _conversation(self.session)
        windows = self.windows.get(conversation, set())
        windows.discard(self.ws)
        if not windows:
            self.windows.pop(conversation, None)

    def move(self, session: str) -> None:
        self.close()
        self.session = session
        self.open()


async def _hello(window: _Window, chat: ChatService) -> None:
    history = await _history(chat, window.session)
    await window.ws.send_json({"type": "hello", "session": window.session, "history": history})


async def websocket(request: web.Request) -> web.WebSocketResponse:
    """The live chat: `hello` with the history first, then one `replies` per message.

    A page whose cookie did not come may answer the first `hello` with
    `{"type": "resume", "session": …}`, the id it kept; a valid one gets its own `hello`.
    """
    if not _same_origin(request):
        # Another site's page may not open a citizen's chat in the citizen's browser.
        raise web.HTTPForbidden(text="cross-origin WebSocket refused")
    window = _Window(request, _session(request))
    ws = window.ws
    keep_session(ws, window.session, proxy.is_https(request))
    await ws.prepare(request)
    request.app[SOCKETS].add(ws)
    window.open()
    try:
        return await _converse(request, window)
    finally:
        window.close()


async def _converse(request: web.Request, window: _Window) -> web.WebSocketResponse:
    ws, chat = window.ws, _chat(request)
    await _hello(window, chat)
    first = True
    async for frame in ws:
        if frame.type != WSMsgType.TEXT:
            continue
        try:
            body = frame.json()
        except ValueError:
            await ws.send_json(
                {"type": "error", "in_reply_to": None, "text": texts.WEB_BAD_MESSAGE}
            )
            continue
        if first and isinstance(body, dict) and body.get("type") == "resume":
            first = False
            resumed = request.app[SESSION_IDS].check(body.get("session"))
            if resumed is not None and resumed != window.session:
                window.move(resumed)
            await _hello(window, chat)  # the same session again when the id was refused
            continue
        first = False
        session = window.session
        try:
            inbound = to_inbound(session, body)
        except BadMessage as exc:
            log.info("web chat message refused: %s", exc)
            in_reply_to = body.get("id") if isinstance(body, dict) else None
            await ws.send_json(
                {"type": "error", "in_reply_to": in_reply_to, "text": texts.WEB_BAD_MESSAGE}
            )
            continue
        in_reply_to = body.get("id")
        if _too_fast(request, session):
            await ws.send_json(
                {"type": "error", "in_reply_to": in_reply_to, "text": texts.WEB_SLOW_DOWN}
            )
            continue

        async def deliver(outcome: Outcome, in_reply_to: Any = in_reply_to) -> None:
            await ws.send_json(_outcome_json(outcome, in_reply_to))

        # One message at a time per connection keeps the replies in the citizen's order.
        outcome = await chat.handle(inbound, ready=deliver)
        if outcome.duplicate:
            await deliver(outcome)
    return ws


async def _close_sockets(app: web.Application) -> None:
    # Open chats would otherwise hold the server's shutdown for its whole timeout.
    sockets = app[SOCKETS]
    for ws in [*sockets]:
        await ws.close(code=WSCloseCode.GOING_AWAY, message=b"server shutdown")


def create_app(services: Services, telegram: TelegramChannel | None = None) -> web.Application:
    """The web application over the running services (and Telegram's webhook route)."""
    app = web.Application(client_max_size=MAX_BODY)
    app[SERVICES] = services
    settings = getattr(services, "settings", None)
    app[SESSION_IDS] = SessionIds(
        load_secret(
            getattr(settings, "chat_session_secret", None),
            getattr(settings, "chat_session_key_file", None),
        )
    )
    proxy.install(app, settings)
    app[LIMITS] = ChatLimits.from_settings(settings)
    app[SOCKETS] = weakref.WeakSet()
    app[WINDOWS] = {}
    services.chat.outbox.register(CHANNEL, WebDeliverer(app[WINDOWS]))
    app.on_shutdown.append(_close_sockets)
    ancestors = getattr(settings, "chat_frame_ancestors", "*")
    app.on_response_prepare.append(SecurityHeaders(STATIC / "index.html", ancestors))
    app.router.add_get("/", index)
    app.router.add_get("/embed.js", embed)
    app.router.add_get("/ws", websocket)
    app.router.add_get("/api/history", history)
    app.router.add_post("/api/message", message)
    app.router.add_post("/api/button", button)
    app.router.add_static("/static", STATIC)
    add_routes(app, services)
    console.add_routes(app, services)
    if telegram is not None and telegram.webhook_url:
        app.router.add_post(telegram.webhook_path, telegram.webhook)
    return app
