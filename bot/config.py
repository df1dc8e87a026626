"""cmbot's configuration: one YAML file, environment overrides for secrets.

Every key is documented in ``config.example.yaml``. Environment variables named
``CMBOT_<SECTION>__<KEY>`` (e.g. ``CMBOT_TELEGRAM__TOKEN``, ``CMBOT_DATABASE__URL``) win over the
file, so the bot token never needs to be written down. A wrong key or value raises
:class:`~bot.errors.ConfigError` naming the file, line, key, the value and what is allowed.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from bot.errors import ConfigError
from bot.playbooks.yaml_source import DuplicateKeyError, SourcedDocument, load_sourced

DEFAULT_CONFIG_FILE = "config.yaml"
ENV_PREFIX = "CMBOT_"


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DatabaseConfig(Section):
    url: str = "sqlite:///cmbot.db"
    password: SecretStr | None = None  # put into the URL when the URL has none


class LanguageConfig(Section):
    backend: Literal["py3langid", "langdetect"] = "py3langid"
    # Languages the detector may answer besides the playbooks' own (replies in those fall
    # back to the playbooks' default language).
    detect: list[str] = Field(default_factory=list)

    @field_validator("detect")
    @classmethod
    def _codes(cls, value: list[str]) -> list[str]:
        bad = [v for v in value if not (len(v) == 2 and v.isalpha() and v.islower())]
        if bad:
            raise ValueError(f"use two-letter ISO 639-1 codes such as 'de', not {bad}")
        return value


class WebhookConfig(Section):
    url: str | None = None  # public HTTPS URL Telegram posts updates to
    secret_token: SecretStr | None = None  # checked against X-Telegram-Bot-Api-Secret-Token
    listen_host: str = "127.0.0.1"
    listen_port: int = Field(default=8080, ge=1, le=65535)
    path: str = "/telegram/webhook"


class TelegramConfig(Section):
    framework: Literal["aiogram", "ptb"] = "aiogram"
    token: SecretStr | None = None
    api_url: str = "https://api.telegram.org"
    mode: Literal["polling", "webhook"] = "polling"
    webhook: WebhookConfig = Field(default_factory=WebhookConfig)
    staff_chat_id: int | None = None
    # Telegram user ids of the staff: never moderated, allowed to use staff commands.
    staff_user_ids: list[int] = Field(default_factory=list)
    # Group/supergroup ids the bot watches and moderates; empty: every chat it is in.
    watched_chats: list[int] = Field(default_factory=list)
    # A member's first messages after joining a chat carry the new-member spam signal: this
    # many messages, within this many hours of joining.
    new_member_messages: int = Field(default=3, ge=0)
    new_member_hours: float = Field(default=24.0, gt=0)
    # An update whose processing crashed the bot this many times is set aside as failed.
    max_update_attempts: int = Field(default=3, ge=1)
    # How often (seconds) scheduled jobs (SLA timers, follow-ups, polls to close) are checked.
    tick_seconds: float = Field(default=5.0, ge=0)
    # Signs button data; default: a random secret kept in the database.
    button_secret: SecretStr | None = None


class ModerationConfig(Section):
    # Only log and tell staff what would be done; delete, mute and ban nothing.
    dry_run: bool = False
    # Per-chat allow-list: chat id -> user ids never moderated there ("*" for every chat).
    allow_list: dict[str, list[int]] = Field(default_factory=dict)


DEFAULT_MAX_IN_FLIGHT = {"aiogram": 16, "ptb": 4}


class OutboxConfig(Section):
    # Telegram's limits: about 1 message/s per chat, 20/min per group, 30/s overall.
    per_chat_per_second: float = Field(default=1.0, gt=0)
    per_group_per_minute: int = Field(default=20, ge=1)
    global_per_second: float = Field(default=30.0, gt=0)
    # Seconds of each limit's window, scaled (1 s per chat, 60 s per group, 1 s overall).
    # Keep 1.0 against Telegram; tests and benchmarks use a smaller scale with a fake server
    # that enforces the same scaled limits (0.01: the same counts in 0.01 s, 0.6 s, 0.01 s).
    window_scale: float = Field(default=1.0, gt=0, le=1)
    # Retries for 5xx and timeouts (429 is always waited out and retried).
    max_attempts: int = Field(default=8, ge=1, le=100)
    request_timeout_seconds: float = Field(default=10.0, gt=0)
    # At most this many Bot API calls in flight at once (the HTTP connections kept open);
    # unset: 16 on aiogram, 4 on PTB (see Config.max_in_flight). Telegram takes about 30
    # messages/s in all, so more only queues inside the HTTP client.
    max_in_flight: int | None = Field(default=None, ge=1, le=1000)
    # Backoff between those retries: base * 2^(attempt-1), capped.
    backoff_base_seconds: float = Field(default=0.5, gt=0)
    backoff_max_seconds: float = Field(default=30.0, gt=0)
    # Extra spacing (a fraction of each limit's window) against clock and network jitter.
    safety_margin: float = Field(default=0.02, ge=0, le=1)
    # Calls that were being sent when the bot was killed may or may not have arrived. false:
    # mark them failed (no duplicate reply); true: send them again (no lost reply).
    resend_interrupted: bool = False
    # On shutdown, keep sending queued calls for at most this long; the rest stay queued in
    # the database and are sent after the next start.
    shutdown_grace_seconds: float = Field(default=5.0, ge=0)


class TriageConfig(Section):
    # Draft every reply but send nothing (try a new playbook safely).
    shadow_mode: bool = False


class CasesConfig(Section):
    """Cases and the staff desk (issue: drafted replies, cases, staff chat, handoff)."""

    # The CSAT question (buttons 1-5) goes to the customer this long after a case is resolved.
    csat_delay_hours: float = Field(default=24.0, ge=0)
    # A resolved case whose CSAT question is not answered is closed this long after it.
    csat_close_hours: float = Field(default=72.0, ge=0)
    # From this score on, the customer is politely invited to update their public comment.
    review_invite_min_score: int = Field(default=4, ge=1, le=5)
    # SLA reminder this many minutes before a timer is due (0: only at the breach).
    sla_warning_minutes: float = Field(default=10.0, ge=0)
    # Spike alert: this many new cases of spike_categories on one topic (a product, else the
    # category) within the window raise one alert with examples (then none for the cooldown).
    spike_threshold: int = Field(default=20, ge=2)
    spike_window_minutes: float = Field(default=10.0, gt=0)
    spike_cooldown_minutes: float = Field(default=60.0, ge=0)
    spike_examples: int = Field(default=3, ge=0, le=10)
    spike_categories: list[str] = Field(default_factory=lambda: ["complaint"])


class EngagementConfig(Section):
    """Polls, quizzes and contests."""

    # Where /poll, /quiz and /contest post when no --chat is given (a group or channel id).
    default_chat: int | str | None = None
    # Appended to every contest announcement: incentives must be disclosed.
    disclosure: str = (
        "This giveaway is run by the brand; it is not sponsored or endorsed by Telegram."
        " Winners are drawn at random by a verifiable draw; the prize cannot be exchanged."
    )
    # Seconds between the membership checks at the deadline and the draw that reads them.
    draw_check_seconds: float = Field(default=30.0, ge=1.0, le=3600.0)


class UtmConfig(Section):
    source: str = "telegram"
    medium: str = "community"
    campaign: str = "community"


class GoalConfig(Section):
    # A report metric (see README, "Leads and reports"), e.g. leads, conversion_rate,
    # csat_average, first_response_median_minutes, share_resolved.
    metric: str
    target: float
    deadline: date | None = None
    name: str = ""


class ReportsConfig(Section):
    """Leads and reports."""

    # Links to this URL in lead replies get the UTM parameters; empty: the playbooks'
    # ``shop_url`` variable.
    shop_url: str = ""
    utm: UtmConfig = Field(default_factory=UtmConfig)
    # Ask leads in private for their phone number (Telegram's contact button) after this text.
    ask_contact: bool = True
    consent_text: dict[str, str] = Field(default_factory=dict)
    goals: list[GoalConfig] = Field(default_factory=list)
    # Weekly report to the staff chat: day (0 Monday … 6 Sunday) and hour, UTC; null: off.
    weekly_day: int | None = Field(default=0, ge=0, le=6)
    weekly_hour: int = Field(default=8, ge=0, le=23)
    # Exports (CSV, XLSX) show pseudonyms instead of customers' names, usernames and phones.
    pseudonymise: bool = False


class LoggingConfig(Section):
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"


class Config(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, env_nested_delimiter="__", extra="forbid", case_sensitive=False
    )

    playbooks: Path = Path("playbooks")
    database: DatabaseConfig = Field(default_factory=DatabaseConfig)
    language: LanguageConfig = Field(default_factory=LanguageConfig)
    telegram: TelegramConfig = Field(default_factory=TelegramConfig)
    moderation: ModerationConfig = Field(default_factory=ModerationConfig)
    outbox: OutboxConfig = Field(default_factory=OutboxConfig)
    triage: TriageConfig = Field(default_factory=TriageConfig)
    logging: LoggingConfig = Field(default_factory=LoggingConfig)
    cases: CasesConfig = Field(default_factory=CasesConfig)
    engagement: EngagementConfig = Field(default_factory=EngagementConfig)
    reports: ReportsConfig = Field(default_factory=ReportsConfig)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # The environment wins over the file (passed as init kwargs).
        return env_settings, init_settings

    def max_in_flight(self) -> int:
        """``outbox.max_in_flight``, or the framework's default: PTB's HTTP client (httpx) costs
        more per call the bigger its connection pool (a 1,000-reply burst here: about 390
        replies/s with 4 connections, 255 with 8, 220 with 50), aiohttp's does not (620-650/s
        with 8 or 50, 515 with 4)."""
        if self.outbox.max_in_flight is not None:
            return self.outbox.max_in_flight
        return DEFAULT_MAX_IN_FLIGHT.get(self.telegram.framework, 8)

    def database_url(self) -> str:
        """The database URL with the password from config/env inserted when it has none."""
        url = self.database.url
        secret = self.database.password
        if secret is None or "://" not in url:
            return url
        scheme, rest = url.split("://", 1)
        if "@" not in rest:
            return url
        userinfo, host = rest.split("@", 1)
        if ":" in userinfo:
            return url
        return f"{scheme}://{userinfo}:{secret.get_secret_value()}@{host}"


def _allowed(model: type[BaseModel], loc: tuple[Any, ...]) -> str:
    target: Any = model
    for part in loc[:-1]:
        field = getattr(target, "model_fields", {}).get(part)
        if field is None:
            return ""
        target = field.annotation
    names = getattr(target, "model_fields", {})
    return ", ".join(names)


def _messages(error: ValidationError, doc: SourcedDocument | None) -> list[str]:
    lines = []
    for item in error.errors():
        loc = tuple(item["loc"])
        key = ".".join(str(p) for p in loc)
        where = f"{doc.file}:{doc.line_of(tuple(str(p) for p in loc))}: " if doc else ""
        if item["type"] == "extra_forbidden":
            allowed = _allowed(Config, loc)
            lines.append(f"{where}{key}: unknown key; allowed here: {allowed}")
        else:
            value = item.get("input")
            shown = "<hidden>" if "token" in key or "password" in key else repr(value)
            lines.append(f"{where}{key}: {item['msg']} (got {shown})")
    env_keys = sorted(k for k in os.environ if k.upper().startswith(ENV_PREFIX))
    if env_keys:
        lines.append(f"(environment overrides in effect: {', '.join(env_keys)})")
    return lines


def load_config(path: Path | str | None = None) -> Config:
    """Load the config file (optional) and the environment into a validated :class:`Config`.

    With ``path=None``, ``config.yaml`` in the current folder is read when present, else the
    defaults apply.
    """
    doc: SourcedDocument | None = None
    if path is None and Path(DEFAULT_CONFIG_FILE).is_file():
        path = DEFAULT_CONFIG_FILE
    data: dict[str, Any] = {}
    if path is not None:
        file = Path(path)
        if not file.is_file():
            raise ConfigError(f"{file}: config file not found; copy config.example.yaml to start")
        try:
            doc = load_sourced(file)
        except DuplicateKeyError as exc:
            raise ConfigError(f"{file}:{exc.line}: {exc.key}: {exc}") from None
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 1 if mark is not None else 1
            raise ConfigError(
                f"{file}:{line}: invalid YAML: {getattr(exc, 'problem', exc)}"
            ) from None
        if doc.data is None:
            data = {}
        elif isinstance(doc.data, dict):
            data = doc.data
        else:
            raise ConfigError(f"{file}:1: the config must be a YAML mapping of sections")
    try:
        config = Config(**data)
    except ValidationError as exc:
        raise ConfigError("\n".join(_messages(exc, doc))) from None
    if doc is not None and not config.playbooks.is_absolute():
        config.playbooks = Path(doc.file).parent / config.playbooks
    return config
