"""The operators' web desk: the live queue, a conversation, and the same actions as Telegram."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import re
import secrets
import time
import weakref
from typing import Any

from aiohttp import WSCloseCode, web

from bot.accounts import store
from bot.accounts.store import Role, Staff
from bot.channels.registry import CHANNELS
from bot.handoff import staff_texts as staff_text
from bot.handoff.operator import WEB_PREFIX, OperatorActions, Result
from bot.handoff.service import HandoffService
from bot.mask import mask
from bot.storage import handoffs as repo
from bot.storage import messages as messages_repo
from bot.storage.models import Handoff
from bot.web import staff as auth
from bot.web.staff import client_ip, render, require, service_name, sessions, signed_in

log = logging.getLogger(__name__)

DESK = (Role.OPERATOR, Role.ADMIN)
TRANSCRIPT_LENGTH = 80
# A transcript kept open and refreshed live is one look, not one per refresh.
LOOK_LASTS = 600.0
_ID = re.compile(r"[0-9]{1,9}")  # ASCII digits only, and within an INTEGER column
NONCE = re.compile(r"[A-Za-z0-9_-]{8,40}")
STATUS_NAMES = {repo.QUEUED: "排队中", repo.CLAIMED: "处理中", repo.CLOSED: "已结束",
                repo.CALLBACK: "待回电"}  # fmt: skip

DESK_SOCKETS: web.AppKey[weakref.WeakSet[web.WebSocketResponse]] = web.AppKey("desk_sockets")
LOOKS: web.AppKey[dict[tuple[int, int], float]] = web.AppKey("transcript_looks")


def _service(request: web.Request) -> HandoffService:
    return request.app[auth.STAFF_SERVICES].handoff


def operator_id(member: Staff) -> str:
    """How a web console account acts on handoffs (its desk number is derived from it)."""
    return f"{WEB_PREFIX}{member.id}"


def _local(zone: dt.tzinfo, moment: Any, fmt: str = "%m-%d %H:%M") -> str:
    return moment.astimezone(zone).strftime(fmt) if moment is not None else ""


def _queue_rows(rows: list[Handoff], zone: dt.tzinfo) -> list[dict[str, Any]]:
    rows = sorted(rows, key=lambda r: (not r.urgent, r.id))
    return [
        {"id": r.id, "ticket": r.ticket, "status": r.status, "status_name": STATUS_NAMES[r.status],
         "urgent": r.urgent, "district": r.district, "service": service_name(r.topic),
         "channel": CHANNELS.label(r.channel), "operator_label": r.operator_label,
         "requested_local": _local(zone, r.requested_at)}
        for r in rows
    ]  # fmt: skip


async def _open_rows(request: web.Request) -> list[dict[str, Any]]:
    async with sessions(request)() as session:
        rows = await repo.in_status(session, *repo.OPEN)
        await session.commit()
    return _queue_rows(rows, _service(request).hours.zone)


@require(*DESK)
async def queue(request: web.Request) -> web.Response:
    """Requests waiting for an operator or being handled, urgent first; kept live."""
    return render(request, "queue.html", handoffs=await _open_rows(request), nonce=_nonce())


@require(*DESK)
async def queue_rows(request: web.Request) -> web.Response:
    """The queue's rows alone, for the page to refresh itself."""
    return render(request, "_queue_rows.html", handoffs=await _open_rows(request), nonce=_nonce())


def _nonce() -> str:
    return secrets.token_urlsafe(12)


async def _transcript(request: web.Request, row: Handoff) -> list[dict[str, str]]:
    """The conversation and the internal notes, oldest first.

    Personal numbers are shown only while the handoff is open: an operator may need to
    call back; after it, nobody does.
    """
    show = (lambda text: text) if row.status in repo.OPEN else mask
    async with sessions(request)() as session:
        messages = await messages_repo.recent(session, row.conversation_id, TRANSCRIPT_LENGTH)
        events = await repo.events(session, row.id)
        await session.commit()
    lines: list[tuple[Any, dict[str, str]]] = []
    for m in messages:
        if m.direction == "in":
            text = m.body if m.kind == "text" else f"[{m.kind}：{m.body}]"
            who, css = staff_text.SPEAKERS["citizen"], "citizen"
        elif m.kind == "operator":
            sender = (m.data or {}).get("sender") or staff_text.SPEAKERS["operator"]
            text, who, css = m.body, str(sender), "operator"
        else:
            text, who, css = m.body, staff_text.SPEAKERS["bot"], "bot"
        lines.append((m.created_at, {"who": who, "css": css, "text": show(text)}))
    for e in events:
        if e.kind == "note":
            lines.append(
                (e.created_at, {"who": "内部备注", "css": "note", "text": show(e.body or "")})
            )
    lines.sort(key=lambda pair: pair[0])
    zone = _service(request).hours.zone
    return [dict(line, at=_local(zone, at)) for at, line in lines]


def _view(row: Handoff, member: Staff, zone: dt.tzinfo) -> dict[str, Any]:
    mine = row.status == repo.CLAIMED and row.claimed_by == operator_id(member)
    state = "queued" if row.status == repo.QUEUED else "mine" if mine else "other"
    if row.status not in repo.OPEN:
        state = "closed"
    return {
        "id": row.id, "ticket": row.ticket, "status_name": STATUS_NAMES.get(row.status, row.status),
        "state": state, "urgent": row.urgent, "service": service_name(row.topic),
        "intent": row.intent or "", "district": row.district or "未说明",
        "reason": staff_text.REASONS.get(row.reason, row.reason),
        "channel": CHANNELS.label(row.channel),
        "description": row.description if row.status in repo.OPEN else mask(row.description or ""),
        "operator_label": row.operator_label or "",
        "requested_local": _local(zone, row.requested_at),
    }  # fmt: skip


async def _handoff(request: web.Request) -> Handoff:
    number = request.match_info["id"]
    row = await _service(request)._get(int(number)) if _ID.fullmatch(number) else None
    if row is None:
        raise web.HTTPNotFound(text="no such handoff")
    return row


async def _looked(request: web.Request, row: Handoff, *, always: bool) -> None:
    member = signed_in(request)
    looks = request.app[LOOKS]
    key, now = (member.id, row.id), time.monotonic()
    if not always and now - looks.get(key, -LOOK_LASTS) < LOOK_LASTS:
        return
    looks[key] = now
    async with sessions(request)() as session:
        await store.audit(session, member.name, "transcript_view", row.ticket, None,
                          client_ip(request))  # fmt: skip


@require(*DESK)
async def handoff_page(request: web.Request) -> web.Response:
    """One handoff: its summary, the transcript, and what the operator can do."""
    row = await _handoff(request)
    await _looked(request, row, always=True)
    return render(
        request, "handoff.html", h=_view(row, signed_in(request), _service(request).hours.zone),
        lines=await _transcript(request, row), canned=sorted(_service(request).config.canned),
        codes=staff_text.CLOSE_CODES, nonce=_nonce(),
    )  # fmt: skip


@require(*DESK)
async def handoff_live(request: web.Request) -> web.Response:
    """The changing part of a handoff's page (status and transcript), for live refresh."""
    row = await _handoff(request)
    await _looked(request, row, always=False)
    lines = await _transcript(request, row)
    view = _view(row, signed_in(request), _service(request).hours.zone)
    return render(request, "_handoff_live.html", h=view, lines=lines)


ACTIONS = ("claim", "say", "canned", "note", "back", "close", "release")


@require(Role.OPERATOR)
async def act(request: web.Request) -> web.StreamResponse:
    """Claim, write, send a canned reply, note, hand back, close or release a handoff."""
    action = request.match_info["action"]
    if action not in ACTIONS:
        raise web.HTTPNotFound(text="no such action")
    row = await _handoff(request)
    form = await auth.read_form(request)
    nonce = str(form.get("nonce", ""))
    external = f"web-op:{nonce}" if NONCE.fullmatch(nonce) else ""
    text = str(form.get("text", ""))
    result = await _run(OperatorActions(_service(request)), action, row.id,
                        operator_id(signed_in(request)), text, external)  # fmt: skip
    if "application/json" in request.headers.get("Accept", ""):
        return web.json_response({"ok": result.ok, "text": result.text})
    raise web.HTTPSeeOther(f"/staff/handoffs/{row.id}")


async def _run(
    actions: OperatorActions, action: str, handoff: int, who: str, text: str, external: str
) -> Result:
    if action == "claim":
        result = await actions.claim(handoff, who, external)
        return Result(True, staff_text.WEB_CLAIMED) if result.ok else result
    if action in ("say", "canned"):
        send = actions.say if action == "say" else actions.canned
        result = await send(handoff, who, text, external)
        return result if result.text or not result.ok else Result(True, staff_text.WEB_SENT)
    if action == "note":
        return await actions.note(handoff, who, text, external)
    if action == "back":
        return await actions.hand_back(handoff, who, external)
    if action == "close":
        return await actions.close(handoff, who, text, external)
    return await actions.reassign(handoff, who, "", external)


@require(*DESK)
async def desk_socket(request: web.Request) -> web.WebSocketResponse:
    """Tells an open queue or handoff page which handoff changed, as it happens."""
    origin = request.headers.get("Origin")
    if origin is not None and origin.split("://", 1)[-1] != request.host:
        raise web.HTTPForbidden(text="cross-site WebSocket refused")
    member, token = signed_in(request), request.cookies.get(auth.COOKIE, "")
    ws = web.WebSocketResponse(heartbeat=30, max_msg_size=1024)
    await ws.prepare(request)
    request.app[DESK_SOCKETS].add(ws)
    request.app[auth.SOCKETS].add(ws, member, token)
    changed: asyncio.Queue[int] = asyncio.Queue(maxsize=1000)

    def notify(handoff_id: int) -> None:
        with contextlib.suppress(asyncio.QueueFull):  # a stuck page reloads on reconnect
            changed.put_nowait(handoff_id)

    async def forward() -> None:
        while True:
            handoff_id = await changed.get()
            # Signed out, expired or disabled by another process (the CLI): nothing more.
            if not await _still_signed_in(request, member, token):
                await ws.close(code=WSCloseCode.POLICY_VIOLATION, message=b"signed out")
                return
            await ws.send_json({"type": "changed", "handoff": handoff_id})

    unsubscribe = _service(request).watch(notify)
    sender = asyncio.create_task(forward())
    try:
        async for _frame in ws:
            pass  # the page only listens
    finally:
        request.app[auth.SOCKETS].discard(ws)
        unsubscribe()
        sender.cancel()
        with contextlib.suppress(asyncio.CancelledError, ConnectionError):
            await sender
    return ws


async def _still_signed_in(request: web.Request, member: Staff, token: str) -> bool:
    """Whether the session a desk socket was opened with still lets its owner use the desk."""
    async with sessions(request)() as session:
        now = await store.staff_for(session, token)
    return now is not None and now.id == member.id and now.role in DESK


async def _close_sockets(app: web.Application) -> None:
    for ws in [*app[DESK_SOCKETS]]:
        await ws.close(code=WSCloseCode.GOING_AWAY, message=b"server shutdown")


def add_routes(app: web.Application) -> None:
    """The desk's pages and its WebSocket on the web application."""
    app[DESK_SOCKETS] = weakref.WeakSet()
    app[LOOKS] = {}
    app.on_shutdown.append(_close_sockets)
    app.router.add_get("/staff/queue", queue)
    app.router.add_get("/staff/queue/rows", queue_rows)
    app.router.add_get("/staff/handoffs/{id}", handoff_page)
    app.router.add_get("/staff/handoffs/{id}/live", handoff_live)
    app.router.add_post("/staff/handoffs/{id}/{action}", act)
    app.router.add_get("/staff/ws", desk_socket)
