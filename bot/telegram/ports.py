"""The small interfaces the Telegram runtime needs, defined where they are used."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol


class BotApi(Protocol):
    """Call one Bot API method with Bot API JSON parameters; return the ``result`` field.

    Implemented by each adapter with its framework's real client (aiogram's ``Bot``,
    PTB's ``Bot``), so that the framework's HTTP stack is the one that talks to Telegram.
    Raises :class:`bot.errors.TransportError` subclasses, never the framework's own errors.
    """

    async def call(self, method: str, params: Mapping[str, Any]) -> Any: ...


class Clock(Protocol):
    def monotonic(self) -> float: ...

    def time(self) -> float: ...

    async def sleep(self, seconds: float) -> None: ...
