"""PTB's HTTP clients: a 5xx told apart from a lost connection, and getUpdates fed raw.

PTB reports a 5xx answer and a lost connection both as :class:`telegram.error.NetworkError`;
cmbot retries both, but reports them apart (:class:`bot.errors.ServerError` vs
:class:`bot.errors.NetworkError`). The 5xx stays a PTB ``NetworkError`` subclass, so PTB's own
polling loop treats it as before.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from telegram.error import NetworkError
from telegram.request import HTTPXRequest

from handlers.updates import take_updates

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
    """The getUpdates client of PTB's Updater.

    Each call first waits until the last batch is stored (the call's offset confirms that
    batch to Telegram). Once the runtime is attached, the updates of an answer go to it as
    the Bot API JSON that came over the wire, and PTB's Updater gets only their
    ``update_id``s (see :func:`handlers.updates.take_updates`).
    """

    def __init__(self, gate: FeedGate, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.gate = gate

    async def do_request(self, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        await self.gate.settle()
        status, payload = await super().do_request(*args, **kwargs)
        if status == 200 and self.gate.feed is not None:
            payload = self._feed_updates(payload)
        return status, payload

    def _feed_updates(self, payload: bytes) -> bytes:
        """Submit the answer's updates; PTB gets them back as ids only (unchanged when
        the answer is not a list of updates)."""
        kept = take_updates(self.gate, payload)
        return payload if kept is None else kept.encode()
