"""The statistics API for managers: `/api/v1/stats` behind a bearer token."""

from __future__ import annotations

import json
import secrets
from typing import TYPE_CHECKING

from aiohttp import web

from bot.channels.registry import CHANNELS
from bot.stats.figures import Figures, Filters
from bot.stats.openapi import document
from bot.stats.period import PeriodError, parse_period

if TYPE_CHECKING:
    from bot.services import Services

MAX_DISTRICT = 32

SERVICES_KEY: web.AppKey[Services] = web.AppKey("stats_services")


def _authorise(request: web.Request) -> None:
    token = request.app[SERVICES_KEY].settings.stats_token
    if token is None:
        raise web.HTTPForbidden(text="the statistics API is off: set STATS_TOKEN")
    given = request.headers.get("Authorization", "")
    scheme, _, value = given.partition(" ")
    expected = token.get_secret_value().encode()
    if scheme.lower() != "bearer" or not secrets.compare_digest(value.strip().encode(), expected):
        raise web.HTTPUnauthorized(
            text="a manager token is needed", headers={"WWW-Authenticate": "Bearer"}
        )


async def stats(request: web.Request) -> web.Response:
    """The figures of a period, channel and district."""
    _authorise(request)
    services = request.app[SERVICES_KEY]
    channel = request.query.get("channel") or None
    district = request.query.get("district") or None
    if channel is not None and channel not in CHANNELS.names():
        raise web.HTTPBadRequest(text=f"channel must be one of {', '.join(CHANNELS.names())}")
    if district is not None and len(district) > MAX_DISTRICT:
        raise web.HTTPBadRequest(text=f"district: at most {MAX_DISTRICT} characters")
    try:
        period = parse_period(
            request.query.get("period", "7d"),
            services.handoff.clock.now(),
            services.handoff.hours.zone,
        )
    except PeriodError as exc:
        raise web.HTTPBadRequest(text=str(exc)) from exc
    figures = await Figures(services.reader, services.handoff.hours).compute(
        period, Filters(channel, district)
    )
    return web.json_response(figures, dumps=_dumps)


async def openapi(request: web.Request) -> web.Response:
    """The OpenAPI document (public: it describes, it does not reveal)."""
    return web.json_response(document(CHANNELS.names()))


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def add_routes(app: web.Application, services: Services) -> None:
    """Put the API on the web application."""
    app[SERVICES_KEY] = services
    app.router.add_get("/api/v1/stats", stats)
    app.router.add_get("/api/v1/openapi.json", openapi)
