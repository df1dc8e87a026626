"""The command menus cmbot registers with setMyCommands (customers' and staff's)."""

from __future__ import annotations

from typing import Any

from bot.config import Config
from bot.telegram.ports import BotApi

# (command, description) per language; "" is the default for every other language.
CUSTOMER_COMMANDS: dict[str, list[tuple[str, str]]] = {
    "": [("start", "Talk to us"), ("help", "What I can do for you")],
    "fr": [("start", "Nous écrire"), ("help", "Ce que je peux faire pour vous")],
}
STAFF_COMMANDS: list[tuple[str, str]] = [
    ("cases", "Open cases, oldest first"),
    ("report", "Leads, feedback and response times"),
    ("poll", "Launch a poll"),
    ("quiz", "Launch a quiz"),
    ("contest", "Launch a contest"),
    ("help", "Staff commands"),
]


def command_menus(config: Config) -> list[dict[str, Any]]:
    """The setMyCommands calls (Bot API parameters) for this configuration."""
    calls: list[dict[str, Any]] = []
    for language, commands in CUSTOMER_COMMANDS.items():
        params: dict[str, Any] = {
            "commands": [{"command": c, "description": d} for c, d in commands],
            "scope": {"type": "all_private_chats"},
        }
        if language:
            params["language_code"] = language
        calls.append(params)
    if config.telegram.staff_chat_id is not None:
        calls.append(
            {
                "commands": [{"command": c, "description": d} for c, d in STAFF_COMMANDS],
                "scope": {"type": "chat", "chat_id": config.telegram.staff_chat_id},
            }
        )
    return calls


async def set_commands(api: BotApi, config: Config) -> None:
    for params in command_menus(config):
        await api.call("setMyCommands", params)
