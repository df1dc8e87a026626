"""Start-up checks shared by both adapters: the token, the bot's rights, privacy mode.

They run through :class:`~bot.telegram.ports.BotApi`, so they are the same on aiogram and PTB.
A refused or missing token raises :class:`~bot.errors.ConfigError`; a missing right only
warns (the bot still answers, it just cannot moderate there).
"""

from __future__ import annotations

import re
from typing import Any

from bot.config import Config
from bot.errors import ConfigError, NetworkError, ServerError, TransportError
from bot.telegram.ports import BotApi

TOKEN_ENV = "CMBOT_TELEGRAM__TOKEN"
TOKEN_SHAPE = re.compile(r"^\d+:[A-Za-z0-9_-]{20,}$")
MODERATION_RIGHTS = {
    "can_delete_messages": "Delete messages",
    "can_restrict_members": "Ban users",
}


def require_token(config: Config) -> str:
    """The bot token, or a ConfigError that says how to set it."""
    secret = config.telegram.token
    token = secret.get_secret_value().strip() if secret is not None else ""
    if not token:
        raise ConfigError(
            f"telegram.token: no bot token; set it in the environment: export {TOKEN_ENV}="
            "123456:ABC... (from @BotFather), or telegram.token in the config file"
        )
    if not TOKEN_SHAPE.match(token):
        raise ConfigError(
            f"telegram.token: this is not a bot token (expected 123456789:AA... as given by "
            f"@BotFather): check {TOKEN_ENV}"
        )
    return token


def token_refused(api_url: str) -> str:
    return f"the token was refused by {api_url}: check {TOKEN_ENV}"


def startup_error(exc: TransportError, api_url: str) -> ConfigError:
    """What a failed first call (getMe) means for the person starting the bot."""
    if isinstance(exc, NetworkError | ServerError):
        return ConfigError(
            f"cannot reach the Bot API at {api_url} ({exc}): check telegram.api_url and the network"
        )
    detail = str(exc)
    if token_refused(api_url) in detail:
        return ConfigError(token_refused(api_url))
    return ConfigError(f"{token_refused(api_url)} ({detail})")


async def get_me(api: BotApi, config: Config) -> dict[str, Any]:
    """getMe, with a clear error when the token is refused or the server unreachable."""
    try:
        me: dict[str, Any] = await api.call("getMe", {})
    except TransportError as exc:
        raise startup_error(exc, config.telegram.api_url) from None
    return me


async def check_bot(api: BotApi, config: Config, me: dict[str, Any]) -> list[str]:
    """Warnings about what the bot cannot do where it is configured to work."""
    warnings: list[str] = []
    if not me.get("can_read_all_group_messages"):
        warnings.append(
            f"privacy mode is on: disable it with BotFather /setprivacy (@{me.get('username')} "
            "only sees commands and replies to itself in groups, not the comments it must "
            "triage)"
        )
    moderates = not config.moderation.dry_run
    for chat_id in config.telegram.watched_chats:
        member = await _membership(api, chat_id, me["id"], warnings)
        if member is None:
            continue
        status = member.get("status")
        if status == "creator":
            continue
        if status != "administrator":
            warnings.append(
                f"chat {chat_id}: the bot is '{status}', not an administrator, so it cannot "
                "delete spam or restrict spammers there; promote it with the rights "
                + " and ".join(f"'{r}'" for r in MODERATION_RIGHTS.values())
            )
            continue
        missing = [label for key, label in MODERATION_RIGHTS.items() if not member.get(key)]
        if missing and moderates:
            warnings.append(
                f"chat {chat_id}: the bot is an administrator without the right(s) "
                + " and ".join(f"'{r}'" for r in missing)
                + ", so spam there cannot be removed; grant them in the group's admin settings"
            )
    staff = config.telegram.staff_chat_id
    if staff is not None:
        member = await _membership(api, staff, me["id"], warnings)
        if member is not None and member.get("status") in ("left", "kicked"):
            warnings.append(
                f"staff chat {staff}: the bot is not a member; add it so that case cards "
                "reach the staff"
            )
    return warnings


async def _membership(
    api: BotApi, chat_id: int, bot_id: int, warnings: list[str]
) -> dict[str, Any] | None:
    try:
        member: dict[str, Any] = await api.call(
            "getChatMember", {"chat_id": chat_id, "user_id": bot_id}
        )
    except TransportError as exc:
        warnings.append(
            f"chat {chat_id}: cannot check the bot's rights there ({exc}); add the bot to "
            "that chat as an administrator, or remove the chat from telegram.watched_chats"
        )
        return None
    return member
