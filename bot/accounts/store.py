"""Accounts, sign-in sessions and the audit log, over the database."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import secrets
import unicodedata
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import AuditEntry, StaffSession, User

MIN_PASSWORD = 10
SESSION_AGE = dt.timedelta(hours=12)
_hasher = PasswordHasher()
# Verified against when the name is unknown, so timing does not tell names apart.
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))
# Argon2 hashes at once (each ~0.5 s, 64 MiB and four lanes): a sign-in flood queues
# here, in a worker thread, and leaves the event loop a core for the citizens.
ARGON2_SLOTS = 1
_slots: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
    weakref.WeakKeyDictionary()
)
T = TypeVar("T")


class Role(StrEnum):
    """What a member of staff may do."""

    OPERATOR = "operator"
    MANAGER = "manager"
    ADMIN = "admin"


class AccountError(ValueError):
    """An account change that cannot be made; the text says why."""


@dataclass(frozen=True, slots=True)
class Staff:
    """A signed-in member of staff, as the web console knows them."""

    id: int
    name: str
    role: Role
    csrf: str


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def _argon2(work: Callable[..., T], *args: str) -> T:
    """Run one argon2 call in a worker thread, at most `ARGON2_SLOTS` at a time."""
    loop = asyncio.get_running_loop()
    slots = _slots.get(loop)
    if slots is None:  # one per event loop: a semaphore may not cross loops
        slots = _slots[loop] = asyncio.Semaphore(ARGON2_SLOTS)
    async with slots:
        return await asyncio.to_thread(work, *args)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def login_key(name: str) -> str:
    """The name as sign-in limits count it: NFKC, stripped of any whitespace, casefolded.

    `authenticate` finds an account by the name stripped of whitespace (U+3000 too), so
    every spelling that reaches one account has one key; a key may cover more spellings.
    """
    return unicodedata.normalize("NFKC", name).strip().casefold()


def check_password(password: str) -> None:
    """Refuse passwords too short to resist guessing."""
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"the password needs at least {MIN_PASSWORD} characters")


async def add_user(session: AsyncSession, name: str, role: Role, password: str) -> User:
    """Create an account (argon2-hashed password) and commit."""
    name = name.strip()
    if not name or len(name) > 64:
        raise AccountError("the name needs 1 to 64 characters")
    check_password(password)
    if await session.scalar(select(User.id).where(User.name == name)) is not None:
        raise AccountError(f"there is already an account called {name!r}")
    password_hash = await _argon2(_hasher.hash, password)
    user = User(name=name, role=role.value, password_hash=password_hash,
                disabled=False, created_at=_now())  # fmt: skip
    session.add(user)
    await session.commit()
    return user


async def set_password(session: AsyncSession, name: str, password: str) -> None:
    """Change a password; every session of the account is signed out."""
    check_password(password)
    user = await _user(session, name)
    user.password_hash = await _argon2(_hasher.hash, password)
    await session.execute(delete(StaffSession).where(StaffSession.user_id == user.id))
    await session.commit()


async def set_disabled(session: AsyncSession, name: str, disabled: bool) -> None:
    """Disable or enable an account; disabling signs it out everywhere."""
    user = await _user(session, name)
    user.disabled = disabled
    if disabled:
        await session.execute(delete(StaffSession).where(StaffSession.user_id == user.id))
    await session.commit()


async def list_users(session: AsyncSession) -> list[User]:
    """Every account, by name."""
    return list((await session.execute(select(User).order_by(User.name))).scalars())


async def has_active(session: AsyncSession, role: Role) -> bool:
    """Whether an enabled account of this role exists."""
    query = select(User.id).where(User.role == role.value, User.disabled.is_(False)).limit(1)
    found = (await session.execute(query)).first() is not None
    await session.commit()
    return found


async def _user(session: AsyncSession, name: str) -> User:
    user = await session.scalar(select(User).where(User.name == name))
    if user is None:
        raise AccountError(f"no account called {name!r}")
    return user


async def authenticate(session: AsyncSession, name: str, password: str) -> User | None:
    """The account if the password is right and the account enabled, else None."""
    user = await session.scalar(select(User).where(User.name == name.strip()))
    await session.commit()  # no transaction held open across the hashing
    if not await _argon2(_verify, user.password_hash if user else _DUMMY_HASH, password):
        return None
    if user is None or user.disabled:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = await _argon2(_hasher.hash, password)
        await session.commit()
    return user


async def open_session(session: AsyncSession, user: User) -> str:
    """Sign a browser in; returns the cookie token (only its hash is stored)."""
    token = secrets.token_urlsafe(32)
    now = _now()
    session.add(StaffSession(token_hash=_digest(token), user_id=user.id,
                             csrf=secrets.token_urlsafe(24), created_at=now,
                             expires_at=now + SESSION_AGE))  # fmt: skip
    await session.commit()
    return token


async def staff_for(session: AsyncSession, token: str) -> Staff | None:
    """The member of staff a cookie token belongs to, if the session is live."""
    query = (
        select(StaffSession, User)
        .join(User, User.id == StaffSession.user_id)
        .where(StaffSession.token_hash == _digest(token))
    )
    found = (await session.execute(query)).first()
    await session.commit()
    if found is None:
        return None
    live, user = found
    if live.expires_at <= _now() or user.disabled:
        return None
    return Staff(user.id, user.name, Role(user.role), live.csrf)


async def close_session(session: AsyncSession, token: str) -> None:
    """Sign a browser out."""
    await session.execute(delete(StaffSession).where(StaffSession.token_hash == _digest(token)))
    await session.commit()


async def audit(
    session: AsyncSession,
    actor: str,
    action: str,
    target: str | None = None,
    detail: dict[str, Any] | None = None,
    ip: str | None = None,
) -> None:
    """Record one entry of the audit log and commit."""
    session.add(AuditEntry(at=_now(), actor=actor[:80], action=action,
                           target=target[:120] if target else None, detail=detail,
                           ip=ip))  # fmt: skip
    await session.commit()


async def audit_entries(session: AsyncSession, limit: int = 200) -> list[AuditEntry]:
    """The latest audit entries, newest first."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    return list((await session.execute(query)).scalars())
