"""Staff sign-in for the web console: session cookie, roles, CSRF, slowed guessing."""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
from aiohttp import web
from aiohttp.web_request import FileField
from multidict import MultiDictProxy
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import texts
from bot.accounts import store
from bot.accounts.store import Role, Staff
from bot.types import Topic

if TYPE_CHECKING:
    from bot.runtime import Services

COOKIE = "hotline_staff"
LOGIN_COOKIE = "hotline_login"
FREE_FAILURES = 3
MAX_DELAY = 30.0
TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=True,  # a citizen's <script> in a transcript shows as text
    undefined=jinja2.StrictUndefined,
)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
STAFF_SERVICES: web.AppKey[Services] = web.AppKey("staff_services")
GUESSES: web.AppKey[Failures] = web.AppKey("login_failures")
STAFF: web.RequestKey[Staff | None] = web.RequestKey("staff")
HOME = {
    Role.OPERATOR: "/staff/queue",
    Role.MANAGER: "/staff/dashboard",
    Role.ADMIN: "/staff/dashboard",
}


class Failures:
    """Recent failed sign-ins by name and by address; each one past the third waits longer."""

    def __init__(self) -> None:
        self._seen: dict[str, tuple[int, float]] = {}

    def delay(self, *keys: str) -> float:
        """Seconds to wait before checking a password for these keys."""
        worst = max((self._count(k) for k in keys), default=0)
        return 0.0 if worst < FREE_FAILURES else min(2.0 ** (worst - FREE_FAILURES), MAX_DELAY)

    def failed(self, *keys: str) -> None:
        """Count one failure against every key."""
        for key in keys:
            self._seen[key] = (self._count(key) + 1, time.monotonic())

    def cleared(self, *keys: str) -> None:
        """Forget the failures of a successful sign-in."""
        for key in keys:
            self._seen.pop(key, None)

    def _count(self, key: str) -> int:
        count, last = self._seen.get(key, (0, 0.0))
        return count if time.monotonic() - last < 3600 else 0


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
    """The address the request came from (the proxy's own, behind one)."""
    return request.remote or "-"


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
    token = secrets.token_urlsafe(24)
    response = render(request, "login.html", csrf=token, error=None)
    response.set_cookie(LOGIN_COOKIE, token, httponly=True, samesite="Strict", path="/staff")
    return response


async def login(request: web.Request) -> web.StreamResponse:
    """Check name and password (slowly after failures) and open a session."""
    form = await read_form(request)
    expected = request.cookies.get(LOGIN_COOKIE, "")
    if not expected or not secrets.compare_digest(
        str(form.get("csrf", "")).encode(), expected.encode()
    ):
        raise web.HTTPForbidden(text="missing or wrong CSRF token")
    name, password = str(form.get("name", ""))[:64], str(form.get("password", ""))[:200]
    ip = client_ip(request)
    failures = request.app[GUESSES]
    await asyncio.sleep(failures.delay(f"name:{name}", f"ip:{ip}"))
    async with sessions(request)() as session:
        user = await store.authenticate(session, name, password)
        if user is None:
            failures.failed(f"name:{name}", f"ip:{ip}")
            await store.audit(session, name or "-", "login_failed", ip=ip)
            token = secrets.token_urlsafe(24)
            response = render(request, "login.html", status=401, csrf=token, error=True)
            response.set_cookie(
                LOGIN_COOKIE, token, httponly=True, samesite="Strict", path="/staff"
            )
            return response
        failures.cleared(f"name:{name}", f"ip:{ip}")
        token = await store.open_session(session, user)
        await store.audit(session, user.name, "login", ip=ip)
    response = web.HTTPFound(HOME[Role(user.role)])
    secure = request.secure
    response.set_cookie(COOKIE, token, httponly=True, samesite="Strict", secure=secure,
                        path="/staff", max_age=int(store.SESSION_AGE.total_seconds()))  # fmt: skip
    response.del_cookie(LOGIN_COOKIE, path="/staff")
    raise response


@require(Role.OPERATOR, Role.MANAGER, Role.ADMIN)
async def logout(request: web.Request) -> web.StreamResponse:
    """Close the session (a POST with the CSRF token)."""
    staff = signed_in(request)
    async with sessions(request)() as session:
        await store.close_session(session, request.cookies.get(COOKIE, ""))
        await store.audit(session, staff.name, "logout", ip=client_ip(request))
    response = web.HTTPFound("/staff/login")
    response.del_cookie(COOKIE, path="/staff")
    raise response


async def home(request: web.Request) -> web.StreamResponse:
    """Each role's start page."""
    staff: Staff | None = request.get(STAFF)
    raise web.HTTPFound(HOME[staff.role] if staff else "/staff/login")
