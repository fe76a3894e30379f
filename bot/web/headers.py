"""Security headers on every response: no sniffing, no referrer, and who may frame a page."""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

from aiohttp import web

from bot.web.proxy import is_https

SERVER = "legal-hotline-bot"
_INLINE = re.compile(r"<script>(.*?)</script>", re.DOTALL)
_COMMON = "base-uri 'none'; form-action 'self'; object-src 'none'"


def _script_hashes(page: Path) -> str:
    """CSP sources for the page's own inline scripts (the one that sets modes before paint)."""
    digests = [
        "'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'"
        for body in _INLINE.findall(page.read_text(encoding="utf-8"))
    ]
    return " ".join(digests)


class SecurityHeaders:
    """Adds the headers as each response is prepared (static files and errors included)."""

    def __init__(self, chat_page: Path, frame_ancestors: str = "*") -> None:
        scripts = f"'self' {_script_hashes(chat_page)}".strip()
        # The chat page may be embedded by the bureaus' sites; staff pages by nobody.
        self.chat = (
            f"default-src 'self'; script-src {scripts}; style-src 'self'; img-src 'self' data:;"
            f" connect-src 'self'; frame-ancestors {frame_ancestors}; {_COMMON}"
        )
        self.staff = (
            "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline';"
            f" frame-ancestors 'none'; {_COMMON}"
        )

    async def __call__(self, request: web.Request, response: web.StreamResponse) -> None:
        headers = response.headers
        headers["Server"] = SERVER
        headers["X-Content-Type-Options"] = "nosniff"
        headers["Referrer-Policy"] = "no-referrer"
        if request.path.startswith("/staff"):
            headers["Content-Security-Policy"] = self.staff
            headers["X-Frame-Options"] = "DENY"
        elif request.path == "/":
            headers["Content-Security-Policy"] = self.chat
        if is_https(request):
            headers["Strict-Transport-Security"] = "max-age=31536000"
