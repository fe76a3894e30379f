"""The staff console: statistics and CSV exports, accounts and the audit log."""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from aiohttp import web

from bot.accounts import store
from bot.accounts.store import AccountError, Role
from bot.channels.registry import CHANNELS
from bot.stats.figures import Figures, Filters
from bot.stats.period import Period, PeriodError, parse_period
from bot.stats.report import minutes, pct
from bot.web import desk, proxy
from bot.web import staff as auth
from bot.web.staff import client_ip, render, require, service_name, sessions, signed_in

if TYPE_CHECKING:
    from bot.services import Services

PERIODS = (("today", "今天"), ("7d", "最近 7 天"), ("30d", "最近 30 天"))
WEEKDAYS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
TABLE_ORDER = ("daily", "by_service", "by_intent", "by_channel", "by_district", "handoff",
               "satisfaction", "unanswered", "by_hour", "by_weekday")  # fmt: skip
MANAGERS = (Role.MANAGER, Role.ADMIN)


def tables(f: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every table of the dashboard, as the page and the CSV exports show it."""
    h = f["handoff"]
    spread = [
        ("接单等待（全部时间）", h["time_to_claim"]),
        ("接单等待（工作时间）", h["time_to_claim_business"]),
        ("首次回复（全部时间）", h["time_to_first_reply"]),
        ("首次回复（工作时间）", h["time_to_first_reply_business"]),
        ("人工处理时长", h["handling_time"]),
    ]
    handoff_rows: list[list[Any]] = [
        ["转人工请求", h["requests"]], ["转人工的会话", h["conversations_handed"]],
        ["机器人独立解答的会话", h["resolved_by_bot"]], ["转人工率", pct(h["handoff_rate"])],
        ["紧急", h["urgent"]], ["回电登记", h["callbacks"]], ["已接单", h["claimed"]],
    ]  # fmt: skip
    for label, s in spread:
        handoff_rows.append([f"{label} p50 / p90", f"{minutes(s['p50'])} / {minutes(s['p90'])}"])
    return {
        "daily": {"title": "每日", "head": ["日期", "会话", "转人工的会话"],
                  "rows": [[d["date"], d["conversations"], d["handoffs"]] for d in f["daily"]]},
        "by_service": {"title": "按服务（会话）", "head": ["服务", "会话"],
                       "rows": [[service_name(k), n] for k, n in f["by_service"].items()]},
        "by_intent": {"title": "按问题类型（消息）", "head": ["意图", "消息"],
                      "rows": [[i["intent"], i["messages"]] for i in f["by_intent"]]},
        "by_channel": {"title": "按渠道（会话）", "head": ["渠道", "会话"],
                       "rows": [[k, n] for k, n in f["by_channel"].items()]},
        "by_district": {"title": "按区县（会话）", "head": ["区（县）", "会话"],
                        "rows": [[k, n] for k, n in f["by_district"].items()]},
        "handoff": {"title": "转人工（人工时间单独统计）", "head": ["指标", "数值"],
                    "rows": handoff_rows},
        "satisfaction": {"title": "满意度", "head": ["评分", "人数"],
                         "rows": [[k, n] for k, n in f["satisfaction"]["distribution"].items()]},
        "unanswered": {"title": "没能回答的问题（个人号码已遮盖，可作为训练数据候选）",
                       "head": ["问题", "次数"],
                       "rows": [[u["text"], u["count"]] for u in f["unanswered"]]},
        "by_hour": {"title": "按小时（消息，北京时间）", "head": ["小时", "消息"],
                    "rows": [[f"{i:02d}:00", n] for i, n in enumerate(f["by_hour"])]},
        "by_weekday": {"title": "按星期（消息）", "head": ["星期", "消息"],
                       "rows": [[WEEKDAYS[i], n] for i, n in enumerate(f["by_weekday"])]},
    }  # fmt: skip


async def _figures(request: web.Request) -> tuple[Period, Filters, dict[str, Any]]:
    services = request.app[auth.STAFF_SERVICES]
    spec = request.query.get("custom", "").strip() or request.query.get("period", "7d")
    period = parse_period(spec, services.handoff.clock.now(), services.handoff.hours.zone)
    channel = request.query.get("channel") or None
    if channel is not None and channel not in CHANNELS.names():
        raise PeriodError(f"渠道只能是 {' 或 '.join(CHANNELS.names())}")
    district = (request.query.get("district") or "").strip()[:32] or None
    filters = Filters(channel, district)
    figures = await Figures(services.reader, services.handoff.hours).compute(period, filters)
    return period, filters, figures


@require(*MANAGERS)
async def dashboard(request: web.Request) -> web.Response:
    """Figures, charts and tables of the chosen period, channel and district."""
    values: dict[str, Any] = {
        "periods": PERIODS, "period": request.query.get("period", "7d"),
        "custom": request.query.get("custom", ""), "channel": request.query.get("channel", ""),
        "channels": CHANNELS.labels(),
        "district": request.query.get("district", ""), "pct": pct, "minutes": minutes,
        "table_order": TABLE_ORDER, "query": urlencode(dict(request.query)),
    }  # fmt: skip
    try:
        _period, _filters, figures = await _figures(request)
    except PeriodError as exc:
        return render(request, "dashboard.html", status=400, error=str(exc), **values)
    return render(
        request, "dashboard.html", error=None, f=figures, tables=tables(figures), **values
    )


def _cell(value: Any) -> str:
    text = str(value)
    # A cell a spreadsheet would run as a formula is kept as text.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@require(*MANAGERS)
async def export(request: web.Request) -> web.Response:
    """One table as CSV (UTF-8 with BOM, so spreadsheet programs read the Chinese)."""
    name = request.match_info["name"]
    if name not in TABLE_ORDER:
        raise web.HTTPNotFound(text="no such table")
    try:
        period, filters, figures = await _figures(request)
    except PeriodError as exc:
        raise web.HTTPBadRequest(text=str(exc)) from exc
    table = tables(figures)[name]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(table["head"])
    writer.writerows([[_cell(c) for c in row] for row in table["rows"]])
    staff = signed_in(request)
    detail = {"period": period.name, "channel": filters.channel, "district": filters.district}
    async with sessions(request)() as session:
        await store.audit(session, staff.name, "export", name, detail, client_ip(request))
    filename = f"{name}-{period.start.date()}-{period.end.date()}.csv"
    return web.Response(
        body=("\ufeff" + out.getvalue()).encode(), content_type="text/csv", charset="utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"',
                 "Cache-Control": "no-store"},
    )  # fmt: skip


@require(Role.ADMIN)
async def audit_log(request: web.Request) -> web.Response:
    """The latest audit entries."""
    async with sessions(request)() as session:
        entries = await store.audit_entries(session)
    zone = request.app[auth.STAFF_SERVICES].handoff.hours.zone
    shown = [
        {"at_local": e.at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S"), "actor": e.actor,
         "action": e.action, "target": e.target, "detail": e.detail, "ip": e.ip}
        for e in entries
    ]  # fmt: skip
    return render(request, "audit.html", entries=shown)


@require(Role.ADMIN)
async def users(request: web.Request) -> web.Response:
    """Accounts, and on POST a new one."""
    message = None
    async with sessions(request)() as session:
        if request.method == "POST":
            form = await auth.read_form(request)
            name, role = str(form.get("name", "")), str(form.get("role", ""))
            try:
                await store.add_user(session, name, Role(role), str(form.get("password", "")))
            except (AccountError, ValueError) as exc:
                message = f"没有创建：{exc}"
            else:
                staff = signed_in(request)
                await store.audit(session, staff.name, "account_add", name, {"role": role},
                                  client_ip(request))  # fmt: skip
                message = f"已创建账号 {name}"
        listed = await store.list_users(session)
    return render(request, "users.html", users=listed, message=message)


@require(Role.ADMIN)
async def toggle_user(request: web.Request) -> web.StreamResponse:
    """Disable an enabled account, enable a disabled one."""
    name = str((await auth.read_form(request)).get("name", ""))
    staff = signed_in(request)
    async with sessions(request)() as session:
        known = {u.name: u for u in await store.list_users(session)}
        if name not in known or name == staff.name:
            raise web.HTTPBadRequest(text="no such account, or your own")
        disable = not known[name].disabled
        await store.set_disabled(session, name, disable)
        action = "account_disable" if disable else "account_enable"
        await store.audit(session, staff.name, action, name, None, client_ip(request))
    if disable:
        await request.app[auth.SOCKETS].close(account=known[name].id)
    raise web.HTTPFound("/staff/users")


def add_routes(app: web.Application, services: Services) -> None:
    """The console's pages on the web application."""
    app[auth.STAFF_SERVICES] = services
    app[auth.GUESSES] = auth.Throttle()
    app[auth.SOCKETS] = auth.StaffSockets()
    if proxy.PROXY not in app:  # create_app installs it; a console-only app does here
        proxy.install(app, getattr(services, "settings", None))
    app.middlewares.append(auth.staff_middleware)
    app.router.add_get("/staff", auth.home)
    app.router.add_get("/staff/", auth.home)
    app.router.add_get("/staff/login", auth.login_page)
    app.router.add_post("/staff/login", auth.login)
    app.router.add_post("/staff/logout", auth.logout)
    app.router.add_get("/staff/dashboard", dashboard)
    app.router.add_get("/staff/export/{name}.csv", export)
    app.router.add_get("/staff/audit", audit_log)
    app.router.add_get("/staff/users", users)
    app.router.add_post("/staff/users", users)
    app.router.add_post("/staff/users/toggle", toggle_user)
    desk.add_routes(app)
