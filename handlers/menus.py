"""The command menus cmbot registers with setMyCommands (customers' and staff's)."""

from __future__ import annotations

from typing import Any

from bot.config import Config
from bot.telegram.ports import BotApi

# (command, description) per language; "" is the default for every other language.
# Only commands the runtime handles are listed.
CUSTOMER_COMMANDS: dict[str, list[tuple[str, str]]] = {
    "": [("start", "Talk to us"), ("forget", "Erase my data")],
    "fr": [("start", "Nous écrire"), ("forget", "Effacer mes données")],
    "ru": [("start", "Написать нам"), ("forget", "Удалить мои данные")],
}
STAFF_COMMANDS: list[tuple[str, str]] = [
    ("cases", "Open cases"),
    ("mycases", "My open cases"),
    ("case", "A case and its history: /case N"),
    ("handback", "Hand a case back to the bot: /handback N"),
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
    if config.telegram.staff_chat_id is not None and STAFF_COMMANDS:
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
