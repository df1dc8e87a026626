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


def _is_update(value: object) -> bool:
    return isinstance(value, dict) and isinstance(value.get("update_id"), int)


class GatedRequest(StatusAwareRequest):
    """The getUpdates client of PTB's Updater.

    Each call first waits until the last batch is stored (the call's offset confirms that
    batch to Telegram). Once the runtime is attached, the updates of an answer go to it as
    the Bot API JSON that came over the wire, and PTB's Updater gets only their
    ``update_id``s, which is all it needs to move the offset on. PTB would otherwise build
    its objects for every update, and cmbot turn them back into JSON: most of the polling
    cost, for a copy less faithful than the original.
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
        """Submit each update of a getUpdates answer; PTB keeps only their ids.

        Anything that does not look like a list of updates goes to PTB unchanged, for PTB to
        handle (or report) as it would without cmbot.
        """
        try:
            answer = json.loads(payload)
        except ValueError:
            return payload
        if not isinstance(answer, dict) or answer.get("ok") is not True:
            return payload
        result = answer.get("result")
        if not isinstance(result, list):
            return payload
        if not all(_is_update(update) for update in result):
            return payload
        for update in result:
            self.gate.submit(update)
        answer["result"] = [{"update_id": update["update_id"]} for update in result]
        return json.dumps(answer).encode()
