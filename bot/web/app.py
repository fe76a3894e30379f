"""The aiohttp application: the web chat page and its JSON endpoint."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from aiohttp import web

from bot.types import Reply

if TYPE_CHECKING:
    from bot.runtime import Services

STATIC = Path(__file__).parent / "static"
MAX_BODY = 64 * 1024
MAX_TEXT = 10_000

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


async def message(request: web.Request) -> web.Response:
    """One citizen message in, the bot's replies out."""
    if request.content_type != "application/json":
        raise web.HTTPUnsupportedMediaType(text="expected application/json")
    try:
        body = await request.json()
    except ValueError as exc:
        raise web.HTTPBadRequest(text="body is not valid JSON") from exc
    text = body.get("text") if isinstance(body, dict) else None
    if not isinstance(text, str):
        raise web.HTTPBadRequest(text='expected {"text": "..."}')
    if len(text) > MAX_TEXT:
        raise web.HTTPRequestEntityTooLarge(max_size=MAX_TEXT, actual_size=len(text))
    turn = await request.app[SERVICES].dialogue.handle_text(text)
    return web.json_response(
        {
            "topic": turn.nlu.topic.value,
            "intent": turn.nlu.intent,
            "replies": [_reply_json(r) for r in turn.replies],
        }
    )


def create_app(services: Services) -> web.Application:
    """The web application over the running services."""
    app = web.Application(client_max_size=MAX_BODY)
    app[SERVICES] = services
    app.router.add_get("/", index)
    app.router.add_post("/api/message", message)
    app.router.add_static("/static", STATIC)
    return app
