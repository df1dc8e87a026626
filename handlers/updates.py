"""What every adapter asks Telegram for, and how it hands an update to the runtime.

Framework-free: both adapters use these, so that they receive the same updates and store
them the same way.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

UpdateDict = dict[str, Any]
Feed = Callable[[UpdateDict], Awaitable[None]]

log = logging.getLogger("cmbot.telegram")

# Requested explicitly: chat_member is not sent unless asked for.
ALLOWED_UPDATES: list[str] = [
    "message",
    "edited_message",
    "callback_query",
    "chat_member",
    "my_chat_member",
    "business_connection",
    "business_message",
    "edited_business_message",
    "poll_answer",
]

# Long-polling wait (seconds) of one getUpdates call.
POLLING_TIMEOUT = 30


async def feed_until_stored(
    feed: Feed, update: UpdateDict, *, first_delay: float = 0.5, max_delay: float = 30.0
) -> None:
    """Hand ``update`` to the runtime and return only once it is stored.

    The adapter confirms an update to Telegram (the next getUpdates offset, or the webhook's
    200) only after this returns, so a failing store (database down) holds polling here and
    retries with backoff instead of losing the update. Cancellation (shutdown) propagates: the
    update stays unconfirmed and Telegram delivers it again on restart.
    """
    delay = first_delay
    while True:
        try:
            await feed(update)
            return
        except Exception as exc:  # anything: the update must not be confirmed unstored
            log.error(
                "update %s could not be stored (%s: %s); retrying in %.1fs",
                update.get("update_id"), type(exc).__name__, exc, delay,
            )  # fmt: skip
            await asyncio.sleep(delay)
            delay = min(max_delay, delay * 2)


class FeedGate:
    """Store a getUpdates batch in one go, and confirm it only once all of it is stored.

    The framework's polling hands updates over one by one; :meth:`submit` starts storing each
    without waiting, so the runtime's group commit writes the whole batch in one transaction.
    The adapter calls :meth:`settle` just before the framework's next getUpdates (whose offset
    confirms the batch to Telegram) and at shutdown: it returns once every submitted update is
    stored, retrying as :func:`feed_until_stored` does.
    """

    def __init__(self) -> None:
        self.feed: Feed | None = None
        self._pending: set[asyncio.Task[None]] = set()

    def submit(self, update: UpdateDict) -> None:
        assert self.feed is not None, "submit before the runtime is attached"
        task = asyncio.create_task(feed_until_stored(self.feed, update))
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    @property
    def pending(self) -> int:
        return len(self._pending)

    async def settle(self) -> None:
        while self._pending:
            await asyncio.gather(*list(self._pending))


def _is_update(value: object) -> bool:
    return isinstance(value, dict) and isinstance(value.get("update_id"), int)


def take_updates(gate: FeedGate, answer: str | bytes) -> str | None:
    """Submit the updates of a getUpdates answer to ``gate`` as the JSON received; return
    the answer with only their ``update_id``s, for the framework's polling to move its offset
    on. The framework would otherwise build its objects for every update, and cmbot turn them
    back into JSON: most of the cost of polling, for a copy less faithful than the original.

    ``None`` (nothing submitted) when the answer is not a successful list of updates: the
    framework then handles or reports it as it would without cmbot.
    """
    try:
        parsed = json.loads(answer)
    except ValueError:
        return None
    if not isinstance(parsed, dict) or parsed.get("ok") is not True:
        return None
    updates = parsed.get("result")
    if not isinstance(updates, list) or not all(_is_update(u) for u in updates):
        return None
    for update in updates:
        gate.submit(update)
    return json.dumps({**parsed, "result": [{"update_id": u["update_id"]} for u in updates]})
