"""Deployment settings, read once at start-up from the environment and `.env`."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, IPvAnyNetwork, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Everything a deployment may change; secrets stay `SecretStr`."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    # An external Rasa server; when unset, the bot starts its own from .venv-rasa.
    rasa_url: str | None = None
    rasa_token: SecretStr | None = None
    rasa_timeout: float = Field(default=3.0, gt=0, le=60)
    # After a failed call, go straight to keyword routing for this long before
    # trying Rasa again, so a dead server does not cost every citizen a timeout.
    rasa_retry_after: float = Field(default=5.0, ge=0)
    rasa_startup_timeout: float = Field(default=180.0, gt=0)
    rasa_venv: Path = PROJECT_ROOT / ".venv-rasa"
    models_dir: Path = PROJECT_ROOT / "models"
    nlu_data_dir: Path = PROJECT_ROOT / "nlu_data"
    nlu_config: Path = PROJECT_ROOT / "config.yml"

    # SQLite file by default; PostgreSQL with postgresql://user:pass@host/db.
    database_url: str = f"sqlite:///{PROJECT_ROOT / 'var' / 'bot.db'}"
    index_dir: Path = PROJECT_ROOT / "var" / "index"

    # Deployment contacts shown with answers, by topic or "default", as JSON, e.g.
    # CONTACTS='{"admin_review": "区司法局行政复议窗口 …"}'. Unset: answers say 12348.
    contacts: dict[str, str] = Field(default_factory=dict)

    web_host: str = "127.0.0.1"
    web_port: int = Field(default=8080, ge=0, le=65535)
    # Reverse proxies (addresses or networks, as JSON) whose X-Forwarded-For and
    # X-Forwarded-Proto are believed; empty: the connecting address is the client.
    trusted_proxies: list[IPvAnyNetwork] = Field(default_factory=list)
    # "https" when the public address is HTTPS (cookies Secure, HSTS) whatever the
    # headers say; "http" to ignore X-Forwarded-Proto; unset: a trusted proxy's header.
    public_scheme: Literal["http", "https"] | None = None

    telegram_bot_token: SecretStr | None = None
    # The Bot API server; tests and benchmarks point this at a local fake.
    telegram_api_url: str = "https://api.telegram.org"
    # Long polling by default; with WEBHOOK_URL, Telegram posts updates to its path here.
    webhook_url: str | None = None
    # Checked on every webhook call; a fresh random one per start when unset.
    webhook_secret: SecretStr | None = None
    telegram_poll_timeout: int = Field(default=30, ge=0, le=50)
    # How often messages whose reply Telegram refused (5xx, network) are tried again.
    telegram_retry_seconds: float = Field(default=30.0, gt=0)
    # Telegram's limit for messages per second across all chats.
    telegram_max_rate: float = Field(default=30.0, gt=0)

    # Hotline operators: a Telegram supergroup with topics, one topic per handoff.
    # Unset: a citizen asking for a human leaves a callback request instead.
    operators_chat_id: int | None = None
    # Telegram user id -> the number citizens see, e.g. OPERATORS='{"123456": "0231"}'.
    operators: dict[int, str] = Field(default_factory=dict)
    # Telegram user ids of managers: escalations reach them directly.
    managers: list[int] = Field(default_factory=list)
    # Whether operators also take handoffs in the web console (/staff/queue); unset: yes
    # when an enabled operator account exists at start-up (`python -m bot user add`).
    handoff_web_desk: bool | None = None
    # Whether staff call back citizens who leave a number when no operator is online.
    # Off: the bot promises no callback and points to 12348 instead.
    callback_desk: bool = False
    # Which sites may show the web chat in a frame (CSP frame-ancestors): "*" lets any
    # bureau site embed it; a list such as "https://sfj.example.gov.cn" narrows it.
    chat_frame_ancestors: str = Field(default="*", pattern=r"^[\w\s*:/.'-]+$")
    # Signs the web chat's session ids, so a visitor cannot choose one; unset: a random
    # key kept in this file (mode 0600), made on first start, so sessions outlive restarts.
    chat_session_secret: SecretStr | None = Field(default=None, min_length=32)
    chat_session_key_file: Path = PROJECT_ROOT / "var" / "chat_session.key"
    # Web chat messages a minute, and at once, from one client address and from one
    # session; past them the citizen is asked to slow down. 0 a minute: no limit.
    chat_ip_per_minute: float = Field(default=30, ge=0)
    chat_ip_burst: int = Field(default=12, ge=1)
    chat_session_per_minute: float = Field(default=15, ge=0)
    chat_session_burst: int = Field(default=6, ge=1)
    # Working periods on working days; holidays and adjusted workdays from chinese-calendar.
    office_hours: str = "09:00-12:00,13:30-17:30"
    office_timezone: str = "Asia/Shanghai"
    # Waiting rules, counted in office hours (the idle close in plain hours).
    handoff_remind_minutes: float = Field(default=10, gt=0)
    handoff_escalate_minutes: float = Field(default=30, gt=0)
    handoff_reply_minutes: float = Field(default=15, gt=0)
    handoff_idle_hours: float = Field(default=24, gt=0)
    handoff_sweep_seconds: float = Field(default=60, gt=0)
    canned_replies: Path = PROJECT_ROOT / "config" / "canned_replies.yml"

    # Personal data: a conversation idle this long keeps no text or identifier (figures stay);
    # a handoff's unmasked text is masked this long after it closes.
    privacy_retention_days: int = Field(default=180, ge=1, le=3650)
    privacy_raw_hours: float = Field(default=72, gt=0)

    # Bearer token managers' tools use for /api/v1/stats; unset: the API is off.
    stats_token: SecretStr | None = None

    @model_validator(mode="after")
    def _rasa_pair(self) -> Settings:
        if (self.rasa_url is None) != (self.rasa_token is None):
            raise ValueError("RASA_URL and RASA_TOKEN go together: set both or neither")
        return self
