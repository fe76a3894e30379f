"""Anonymous web chat sessions: ids the server makes and signs, and no others."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import re
import secrets
from pathlib import Path

from pydantic import SecretStr

KEY_BYTES = 32
_TOKEN = re.compile(r"([0-9a-f]{32})\.([0-9a-f]{32})")
_PURPOSE = b"web-chat-session:"


class SessionIds:
    """Makes session ids `<key>.<signature>` and recognises only those it signed.

    The key names the conversation (`web:<key>`); the signature keeps a visitor from
    choosing one, so nobody can plant a session of their own in another's browser.
    """

    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    def _sign(self, key: str) -> str:
        digest = hmac.new(self._secret, _PURPOSE + key.encode(), hashlib.sha256)
        return digest.hexdigest()[:32]

    def new(self) -> str:
        """A fresh session id."""
        key = secrets.token_hex(16)
        return f"{key}.{self._sign(key)}"

    def check(self, session: object) -> str | None:
        """`session` if this server made it, else None."""
        if not isinstance(session, str):
            return None
        match = _TOKEN.fullmatch(session)
        if match is None or not hmac.compare_digest(match[2], self._sign(match[1])):
            return None
        return session


def conversation_key(session: str) -> str:
    """The part of a session id that names its conversation (the rest is the signature)."""
    return session.partition(".")[0]


def load_secret(configured: SecretStr | None, path: Path | None) -> bytes:
    """The configured secret, else the key kept in `path`, made (mode 0600) on first use.

    Neither: a key of the moment, whose sessions end with the process.
    """
    if configured is not None:
        return configured.get_secret_value().encode()
    if path is None:
        return secrets.token_bytes(KEY_BYTES)
    with contextlib.suppress(FileNotFoundError):
        return _read_key(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    draft = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w") as file:
            file.write(secrets.token_hex(KEY_BYTES) + "\n")
        # A link never replaces a file: of two processes starting at once, both keep the first.
        with contextlib.suppress(FileExistsError):
            os.link(draft, path)
    finally:
        draft.unlink()
    return _read_key(path)


def _read_key(path: Path) -> bytes:
    secret = path.read_text(encoding="ascii").strip()
    if len(secret) < KEY_BYTES:
        raise ValueError(f"{path} holds no usable key; delete it to make a new one")
    return secret.encode()
