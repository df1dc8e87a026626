"""The command menus cmbot registers with setMyCommands (customers' and staff's)."""

from __future__ import annotations

from typing import Any

from bot.config import Config
from bot.telegram.dispatch import Dispatcher
from bot.telegram.features import feature_routers
from bot.telegram.ports import BotApi

MAX_DESCRIPTION = 256  # Telegram's limit for a command's description

# (command, description) per language; "" is the default for every other language.
# Only commands the runtime handles are listed.
CUSTOMER_COMMANDS: dict[str, list[tuple[str, str]]] = {
    "": [("start", "Talk to us"), ("forget", "Erase my data")],
    "fr": [("start", "Nous écrire"), ("forget", "Effacer mes données")],
    "ru": [("start", "Написать нам"), ("forget", "Удалить мои данные")],
}


MENU_ORDER = ("cases", "reports", "engagement")  # the daily work first


def staff_commands() -> list[tuple[str, str]]:
    """Every staff-chat command of the features' routers, with its help as description."""
    routers = sorted(
        feature_routers(),
        key=lambda r: MENU_ORDER.index(r.name) if r.name in MENU_ORDER else len(MENU_ORDER),
    )
    helps = Dispatcher(routers).command_help("staff", staff=True)
    return [(name, text[:MAX_DESCRIPTION]) for name, text in helps]


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
    staff = staff_commands()
    if config.telegram.staff_chat_id is not None and staff:
        calls.append(
            {
                "commands": [{"command": c, "description": d} for c, d in staff],
                "scope": {"type": "chat", "chat_id": config.telegram.staff_chat_id},
            }
        )
    return calls


async def set_commands(api: BotApi, config: Config) -> None:
    for params in command_menus(config):
        await api.call("setMyCommands", params)
