import logging

from pydantic import SecretStr

from bot import logs
from bot.settings import Settings

TOKEN = "987654:AAH-secret-part-of-the-token"  # noqa: S105 (made up for the test)


def record(message: str, *args: object, exc: BaseException | None = None) -> logging.LogRecord:
    exc_info = (type(exc), exc, exc.__traceback__) if exc is not None else None
    return logging.LogRecord("t", logging.ERROR, __file__, 1, message, args, exc_info)


def formatted(rec: logging.LogRecord) -> str:
    assert logs.MaskingFilter().filter(rec)
    return logging.Formatter("%(message)s").format(rec)


def test_configured_secrets_and_the_database_password_never_reach_a_line():
    settings = Settings(
        _env_file=None,
        telegram_bot_token=SecretStr(TOKEN),
        stats_token=SecretStr("manager-token-123"),
        database_url="postgresql://bot:pa55word-xyz@db.example/bot",
    )
    logs.hide_settings(settings)
    line = formatted(record("url %s/bot%s/getMe, stats %s", "http://x", TOKEN, "manager-token-123"))
    assert TOKEN not in line and "manager-token-123" not in line and "***" in line
    assert "secret-part-of-the-token" not in formatted(record("half: AAH-secret-part-of-the-token"))
    assert "pa55word-xyz" not in formatted(record("cannot reach postgresql://bot:pa55word-xyz@db"))


def test_a_traceback_is_cleaned_too():
    logs.hide("rasa-token-abcdef")
    try:
        raise RuntimeError("GET /model/parse?token=rasa-token-abcdef for 13800138000")
    except RuntimeError as exc:
        line = formatted(record("failed", exc=exc))
    assert "rasa-token-abcdef" not in line and "13800138000" not in line
    assert "RuntimeError" in line


def test_short_strings_are_not_taken_for_secrets():
    logs.hide("abc")
    assert formatted(record("abc def")) == "abc def"


async def test_verbose_logging_never_prints_stored_values(tmp_path, caplog):
    import aiosqlite

    logs.setup(verbose=True)
    secret = "$argon2id$v=19$m=65536,t=3,p=4$made-up-hash"  # noqa: S105 (made up)
    with caplog.at_level(logging.DEBUG):
        async with aiosqlite.connect(tmp_path / "t.db") as db:
            await db.execute("create table t (v text)")
            await db.execute("insert into t values (?)", (secret,))
    assert secret not in caplog.text


def test_session_ids_never_reach_the_access_log():
    session = "0123456789abcdef0123456789abcdef.fedcba9876543210fedcba9876543210"
    line = formatted(
        record(
            '%s [01/Jan/2026:10:00:00 +0800] "%s" 200 45 "%s" "Mozilla/5.0"',
            "127.0.0.1",
            f"GET /api/history?embed=1&session={session}&x=1 HTTP/1.1",
            f"http://127.0.0.1:8080/?session={session}",
        )
    )
    assert session not in line and session[:32] not in line
    assert "/api/history?embed=1&session=***&x=1" in line and "/?session=***" in line
    cookies = formatted(record(f"Cookie: hotline_chat={session}; hotline_staff=t0ken-123456"))
    assert cookies == "Cookie: hotline_chat=***; hotline_staff=***"
