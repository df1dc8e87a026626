"""PTB's HTTP client, made to tell a 5xx answer from a lost connection.

PTB reports both as :class:`telegram.error.NetworkError`; cmbot retries both, but reports
them apart (:class:`bot.errors.ServerError` vs :class:`bot.errors.NetworkError`). The 5xx
stays a PTB ``NetworkError`` subclass, so PTB's own polling loop treats it as before.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from telegram.error import NetworkError
from telegram.request import HTTPXRequest

if TYPE_CHECKING:
    from handlers.updates import FeedGate


class ServerErrorAnswer(NetworkError):
    """The Bot API server answered 5xx."""

    def __init__(self, status: int, description: str) -> None:
        super().__init__(f"{description} ({status})")
        self.status = status


class StatusAwareRequest(HTTPXRequest):
    async def do_request(self, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        status, payload = await super().do_request(*args, **kwargs)
        if status >= 500:
            try:
                description = str(json.loads(payload).get("description") or "")
            except (ValueError, AttributeError):
                description = ""
            raise ServerErrorAnswer(status, description or "Bot API server error")
        return status, payload


class GatedRequest(StatusAwareRequest):
    """The getUpdates client: each call first waits until the last batch is stored."""

    def __init__(self, gate: FeedGate, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.gate = gate

    async def do_request(self, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        await self.gate.settle()
        return await super().do_request(*args, **kwargs)
