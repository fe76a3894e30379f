"""Staff sign-in for the web console: session cookie, roles, CSRF, limited guessing."""

from __future__ import annotations

import math
import secrets
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
from aiohttp import WSCloseCode, web
from aiohttp.web_request import FileField
from multidict import MultiDictProxy
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import texts
from bot.accounts import store
from bot.accounts.store import Role, Staff
from bot.types import Topic
from bot.web import proxy

if TYPE_CHECKING:
    from bot.services import Services

COOKIE = "hotline_staff"
LOGIN_COOKIE = "hotline_login"
# Sign-in attempts that failed (or are still being checked) within WINDOW seconds:
# past the budget of its name or of its address a sign-in is refused unchecked.
NAME_BUDGET = 5
IP_BUDGET = 20
WINDOW = 900.0
# Names and addresses remembered at once; past this the longest quiet are forgotten.
MAX_KEYS = 10_000
TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=True,  # a citizen's <script> in a transcript shows as text
    undefined=jinja2.StrictUndefined,
)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
STAFF_SERVICES: web.AppKey[Services] = web.AppKey("staff_services")
GUESSES: web.AppKey[Throttle] = web.AppKey("login_failures")
SOCKETS: web.AppKey[StaffSockets] = web.AppKey("staff_sockets")
STAFF: web.RequestKey[Staff | None] = web.RequestKey("staff")
HOME = {
    Role.OPERATOR: "/staff/queue",
    Role.MANAGER: "/staff/dashboard",
    Role.ADMIN: "/staff/dashboard",
}


class Throttle:
    """Recent sign-in attempts by name and by address, each within its budget.

    An attempt counts from the moment it is let through, so a hundred sent at once
    cannot all pass before the first has failed; a success takes its own back.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        # Key -> times of its counted attempts, oldest first; least recently used first.
        self._seen: OrderedDict[str, list[float]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._seen)

    def begin(self, name: str, ip: str) -> float:
        """Seconds to wait before trying again, or 0.0 and the attempt is counted."""
        now = self._clock()
        keys = ((f"name:{name}", NAME_BUDGET), (f"ip:{ip}", IP_BUDGET))
        wait = max(self._wait(key, budget, now) for key, budget in keys)
        if wait > 0:
            return wait
        for key, _budget in keys:
            self._stamps(key, now).append(now)
        return 0.0

    def succeeded(self, name: str, ip: str) -> None:
        """A right password: its name starts afresh, its address gets the attempt back."""
        self._seen.pop(f"name:{name}", None)
        stamps = self._seen.get(f"ip:{ip}")
        if stamps:
            stamps.pop()
            if not stamps:
                del self._seen[f"ip:{ip}"]

    def _wait(self, key: str, budget: int, now: float) -> float:
        stamps = self._seen.get(key)
        if not stamps:
            return 0.0
        while stamps and stamps[0] <= now - WINDOW:
            stamps.pop(0)
        return 0.0 if len(stamps) < budget else stamps[0] + WINDOW - now

    def _stamps(self, key: str, now: float) -> list[float]:
        stamps = self._seen.get(key)
        if stamps is not None:
            self._seen.move_to_end(key)
            return stamps
        if len(self._seen) >= MAX_KEYS:
            self._forget(now)
        stamps = self._seen[key] = []
        return stamps

    def _forget(self, now: float) -> None:
        """Drop the keys quiet for a whole window; if none, the least recently used one."""
        # Keys are in the order of their latest attempt, so the quiet ones come first.
        while self._seen:
            key, stamps = next(iter(self._seen.items()))
            if stamps and stamps[-1] > now - WINDOW:
                break
            del self._seen[key]
        if len(self._seen) >= MAX_KEYS:
            self._seen.popitem(last=False)


class StaffSockets:
    """The open staff WebSockets, by account and sign-in session, to close on sign-out."""

    def __init__(self) -> None:
        self._open: dict[web.WebSocketResponse, tuple[int, str]] = {}

    def add(self, ws: web.WebSocketResponse, staff: Staff, token: str) -> None:
        """Remember a socket opened by this member of staff with this session cookie."""
        self._open[ws] = (staff.id, token)

    def discard(self, ws: web.WebSocketResponse) -> None:
        """Forget a socket that closed."""
        self._open.pop(ws, None)

    async def close(self, *, account: int | None = None, token: str | None = None) -> None:
        """Close the sockets of an account, of one session, or (neither given) all of them."""
        for ws, (owner, opened_with) in list(self._open.items()):
            if account is not None and owner != account:
                continue
            if token is not None and opened_with != token:
                continue
            self._open.pop(ws, None)
            await ws.close(code=WSCloseCode.POLICY_VIOLATION, message=b"signed out")


def signed_in(request: web.Request) -> Staff:
    """The member of staff of a request that `require` let through."""
    staff: Staff | None = request.get(STAFF)
    assert staff is not None  # noqa: S101 (`require` let the request through)
    return staff


def service_name(key: str | None) -> str:
    """A service's Chinese name from its topic key; an unknown key as it is."""
    try:
        return texts.SERVICE_NAMES[Topic(key or "other")]
    except ValueError:
        return key or ""


def render(request: web.Request, template: str, status: int = 200, **values: Any) -> web.Response:
    """A page of the console, with the signed-in member of staff and the CSRF token."""
    staff: Staff | None = request.get(STAFF)
    body = TEMPLATES.get_template(template).render(staff=staff, **values)
    response = web.Response(text=body, status=status, content_type="text/html")
    response.headers["Cache-Control"] = "no-store"
    return response


async def read_form(request: web.Request) -> MultiDictProxy[str | bytes | bytearray | FileField]:
    """The posted form; 400 for a body that is not one (a broken multipart, bad bytes)."""
    try:
        return await request.post()
    except (ValueError, UnicodeDecodeError) as exc:
        raise web.HTTPBadRequest(text="not a readable form") from exc


def sessions(request: web.Request) -> async_sessionmaker[AsyncSession]:
    """The database sessions of the running bot."""
    return request.app[STAFF_SERVICES].sessions


def client_ip(request: web.Request) -> str:
    """The address the request came from (through a trusted proxy, the one it names)."""
    return proxy.client_address(request)


def _login_form(request: web.Request, status: int, **values: Any) -> web.Response:
    """The sign-in page again, with a fresh one-off token."""
    token = secrets.token_urlsafe(24)
    values = {"error": None, "wait_minutes": None, **values}
    response = render(request, "login.html", status=status, csrf=token, **values)
    response.set_cookie(LOGIN_COOKIE, token, httponly=True, samesite="Strict", path="/staff",
                        secure=proxy.is_https(request))  # fmt: skip
    return response


@web.middleware
async def staff_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Finds who is signed in; refuses a staff POST without the session's CSRF token."""
    if not request.path.startswith("/staff"):
        return await handler(request)
    token = request.cookies.get(COOKIE, "")
    staff = None
    if token:
        async with sessions(request)() as session:
            staff = await store.staff_for(session, token)
    request[STAFF] = staff
    if request.method == "POST" and staff is not None:
        given = (await read_form(request)).get("csrf") or request.headers.get("X-CSRF-Token", "")
        if not secrets.compare_digest(str(given).encode(), staff.csrf.encode()):
            raise web.HTTPForbidden(text="missing or wrong CSRF token")
    return await handler(request)


def require(*roles: Role) -> Callable[[Handler], Handler]:
    """Let a handler run only for these roles: anonymous to the login page, others 403."""

    def wrap(handler: Handler) -> Handler:
        async def guarded(request: web.Request) -> web.StreamResponse:
            staff: Staff | None = request.get(STAFF)
            if staff is None:
                if request.method == "GET":
                    raise web.HTTPFound("/staff/login")
                raise web.HTTPUnauthorized(text="sign in first")
            if staff.role not in roles:
                return render(request, "forbidden.html", status=403)
            return await handler(request)

        guarded.__doc__ = handler.__doc__
        return guarded

    return wrap


async def login_page(request: web.Request) -> web.Response:
    """The sign-in form, with a one-off token against cross-site posting."""
    return _login_form(request, 200)


async def login(request: web.Request) -> web.StreamResponse:
    """Check name and password (refused unchecked past the limits) and open a session."""
    form = await read_form(request)
    expected = request.cookies.get(LOGIN_COOKIE, "")
    if not expected or not secrets.compare_digest(
        str(form.get("csrf", "")).encode(), expected.encode()
    ):
        raise web.HTTPForbidden(text="missing or wrong CSRF token")
    name, password = str(form.get("name", ""))[:64], str(form.get("password", ""))[:200]
    ip, key = client_ip(request), store.login_key(name)
    throttle = request.app[GUESSES]
    wait = math.ceil(throttle.begin(key, ip))
    if wait > 0:
        # Refused at once: a waiting request would hold a connection and tell nothing.
        response = _login_form(request, 429, wait_minutes=math.ceil(wait / 60))
        response.headers["Retry-After"] = str(wait)
        return response
    async with sessions(request)() as session:
        user = await store.authenticate(session, name, password)
        if user is None:
            await store.audit(session, name or "-", "login_failed", ip=ip)
            return _login_form(request, 401, error=True)
        throttle.succeeded(key, ip)
        token = await store.open_session(session, user)
        await store.audit(session, user.name, "login", ip=ip)
    response = web.HTTPFound(HOME[Role(user.role)])
    response.set_cookie(COOKIE, token, httponly=True, samesite="Strict",
                        secure=proxy.is_https(request), path="/staff",
                        max_age=int(store.SESSION_AGE.total_seconds()))  # fmt: skip
    response.del_cookie(LOGIN_COOKIE, path="/staff")
    raise response


@require(Role.OPERATOR, Role.MANAGER, Role.ADMIN)
async def logout(request: web.Request) -> web.StreamResponse:
    """Close the session (a POST with the CSRF token) and the pages it kept live."""
    staff = signed_in(request)
    token = request.cookies.get(COOKIE, "")
    async with sessions(request)() as session:
        await store.close_session(session, token)
        await store.audit(session, staff.name, "logout", ip=client_ip(request))
    await request.app[SOCKETS].close(token=token)
    response = web.HTTPFound("/staff/login")
    response.del_cookie(COOKIE, path="/staff")
    raise response


async def home(request: web.Request) -> web.StreamResponse:
    """Each role's start page."""
    staff: Staff | None = request.get(STAFF)
    raise web.HTTPFound(HOME[staff.role] if staff else "/staff/login")
