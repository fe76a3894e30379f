"""Logging for the bot's commands: one format, and no secret or personal number in any line."""

from __future__ import annotations

import logging
import re
import sys
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from pydantic import SecretStr

from bot.mask import mask

if TYPE_CHECKING:
    from bot.settings import Settings

HIDDEN = "***"
MIN_SECRET = 6  # shorter strings would blank out ordinary words
_secrets: set[str] = set()
# A session id opens its conversation or console: whoever read one in an access log line
# (an old chat page's `?session=`, a cookie) could read a citizen's history.
_SESSION_VALUE = re.compile(r"\b((?:session|hotline_\w+)=)[^&;,\s\"']+", re.IGNORECASE)


def hide(*secrets: str | None) -> None:
    """Keep these strings (tokens, passwords) out of every log line from now on."""
    _secrets.update(s for s in secrets if s and len(s) >= MIN_SECRET)


def hide_settings(settings: Settings) -> None:
    """Hide every secret the settings hold, and the database's password."""
    for name in type(settings).model_fields:
        value = getattr(settings, name)
        if isinstance(value, SecretStr):
            secret = value.get_secret_value()
            # A Bot API URL carries the token; its part after the colon is the secret one.
            hide(secret, secret.partition(":")[2])
    hide(urlsplit(settings.database_url).password)


def redact(text: str) -> str:
    """`text` with hidden secrets and session ids replaced and personal numbers masked."""
    for secret in _secrets:
        if secret in text:
            text = text.replace(secret, HIDDEN)
    return mask(_SESSION_VALUE.sub(rf"\g<1>{HIDDEN}", text))


class MaskingFilter(logging.Filter):
    """Hides secrets and masks ID, mobile, card numbers and e-mail addresses in records.

    Libraries log what they send at debug level (PTB the messages and its API URL,
    aiosqlite the SQL parameters), so the filter sits on the handlers, where every
    record goes through, tracebacks included.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record's message and traceback; never drops a record."""
        text = record.getMessage()
        cleaned = redact(text)
        if cleaned != text:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


# Libraries whose debug lines carry stored values verbatim.
QUIET = ("aiosqlite", "sqlalchemy.engine", "asyncpg")


def setup(verbose: bool) -> None:
    """Log to stderr, masked; debug level when `verbose`."""
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    for handler in logging.getLogger().handlers:
        handler.addFilter(MaskingFilter())
    # httpx logs every request URL, and a Bot API URL carries the bot's token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    # aiosqlite logs every statement with its parameters at debug level: password hashes,
    # CSRF tokens and session ids would reach the log, which masking cannot recognise.
    for name in QUIET:
        logging.getLogger(name).setLevel(logging.INFO)
