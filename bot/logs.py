"""Logging for the bot's commands: one format, and no personal number in any line."""

from __future__ import annotations

import logging
import sys

from bot.mask import mask


class MaskingFilter(logging.Filter):
    """Masks ID, mobile, card numbers and e-mail addresses in every record it passes.

    Libraries log what they send at debug level (PTB the messages, aiosqlite the SQL
    parameters), so the filter sits on the handlers, where every record goes through.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record's message with its numbers masked; never drops a record."""
        text = record.getMessage()
        masked = mask(text)
        if masked != text:
            record.msg, record.args = masked, None
        return True


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
