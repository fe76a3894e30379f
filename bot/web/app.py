"""The aiohttp application: the web chat page and its JSON endpoints."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aiohttp import web

from bot.types import Reply, Turn

if TYPE_CHECKING:
    from bot.runtime import Services

STATIC = Path(__file__).parent / "static"
MAX_BODY = 64 * 1024
MAX_TEXT = 10_000
COOKIE = "hotline_chat"

SERVICES: web.AppKey[Services] = web.AppKey("services")


def _reply_json(reply: Reply) -> dict[str, Any]:
    return {
        "text": reply.text,
        "buttons": [{"label": b.label, "payload": b.payload} for b in reply.buttons],
        "sources": list(reply.sources),
    }


async def index(request: web.Request) -> web.FileResponse:
    """The chat page."""
    return web.FileResponse(STATIC / "index.html")


async def _field(request: web.Request, name: str) -> str:
    if request.content_type != "application/json":
        raise web.HTTPUnsupportedMediaType(text="expected application/json")
    try:
        body = await request.json()
    except ValueError as exc:
        raise web.HTTPBadRequest(text="body is not valid JSON") from exc
    value = body.get(name) if isinstance(body, dict) else None
    if not isinstance(value, str):
        raise web.HTTPBadRequest(text=f'expected {{"{name}": "..."}}')
    if len(value) > MAX_TEXT:
        raise web.HTTPRequestEntityTooLarge(max_size=MAX_TEXT, actual_size=len(value))
    return value


def _respond(request: web.Request, turn: Turn, conversation: str) -> web.Response:
    response = web.json_response(
        {
            "topic": turn.nlu.topic.value,
            "intent": turn.nlu.intent,
            "replies": [_reply_json(r) for r in turn.replies],
        }
    )
    response.set_cookie(COOKIE, conversation, httponly=True, samesite="Lax", max_age=30 * 86400)
    return response


def _conversation(request: web.Request) -> str:
    known = request.cookies.get(COOKIE, "")
    return known if known.isalnum() and len(known) == 32 else secrets.token_hex(16)


async def message(request: web.Request) -> web.Response:
    """One citizen message in, the bot's replies out."""
    text = await _field(request, "text")
    conversation = _conversation(request)
    turn = await request.app[SERVICES].dialogue.handle_text(text, f"web:{conversation}")
    return _respond(request, turn, conversation)


async def button(request: web.Request) -> web.Response:
    """One button press in, the bot's replies out."""
    payload = await _field(request, "payload")
    conversation = _conversation(request)
    turn = await request.app[SERVICES].dialogue.handle_button(payload, f"web:{conversation}")
    return _respond(request, turn, conversation)


def create_app(services: Services) -> web.Application:
    """The web application over the running services."""
    app = web.Application(client_max_size=MAX_BODY)
    app[SERVICES] = services
    app.router.add_get("/", index)
    app.router.add_post("/api/message", message)
    app.router.add_post("/api/button", button)
    app.router.add_static("/static", STATIC)
    return app
