"""What every adapter asks Telegram for, and how it hands an update to the runtime.

Framework-free: both adapters use these, so that they receive the same updates and store
them the same way.
"""

from __future__ import annotations

import asyncio
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
