"""A stand-in for scripts/rasa_serve.py: the same arguments and token, answering in milliseconds.

Run as `python tests/fakes/rasa_child.py MODEL PORT` with RASA_SERVE_TOKEN set. Serves
GET /status and POST /model/parse behind the token, like Rasa's API. While a file named
MODEL + ".broken" exists it exits at once with status 3, as a Rasa that cannot start.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from aiohttp import web

TOKEN_ENV = "RASA_SERVE_TOKEN"  # noqa: S105 (a variable name)


def app(model: Path, token: str) -> web.Application:
    """The two routes the bot uses."""

    def authorised(request: web.Request) -> None:
        if request.query.get("token") != token:
            raise web.HTTPUnauthorized

    async def status(request: web.Request) -> web.Response:
        authorised(request)
        return web.json_response({"model_file": model.name})

    async def parse(request: web.Request) -> web.Response:
        authorised(request)
        text = (await request.json())["text"]
        intent = {"name": "legal_aid", "confidence": 0.9}
        return web.json_response(
            {"text": text, "intent": intent, "intent_ranking": [intent], "entities": []}
        )

    application = web.Application()
    application.add_routes([web.get("/status", status), web.post("/model/parse", parse)])
    return application


def main() -> int:
    """Serve until killed."""
    model, port = Path(sys.argv[1]), int(sys.argv[2])
    if Path(f"{model}.broken").exists():
        return 3
    web.run_app(app(model, os.environ[TOKEN_ENV]), host="127.0.0.1", port=port, print=None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
