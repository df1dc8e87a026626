"""One queued outgoing call: its tries, their spacing and their log lines."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field

from bot.config import OutboxConfig
from bot.telegram.effects import Effect
from bot.telegram.ports import Clock

log = logging.getLogger("cmbot.outbox")


@dataclass
class Item:
    row_id: int
    effect: Effect
    attempts: int = 0
    not_before: float = 0.0  # monotonic time before which it is not tried again
    errors: list[str] = field(default_factory=list)


def backoff(config: OutboxConfig, attempts: int) -> float:
    """Seconds to wait after ``attempts`` failed tries: base * 2^(attempts-1), capped."""
    return float(min(config.backoff_base_seconds * 2 ** (attempts - 1), config.backoff_max_seconds))


def log_call(item: Item, result: str, took: float, level: int) -> None:
    """Every outgoing call is logged with its result."""
    effect = item.effect
    log.log(
        level,
        "%s chat=%s row=%d attempt=%d -> %s (%.0f ms)",
        effect.method,
        effect.chat_id,
        item.row_id,
        item.attempts,
        result,
        took * 1000,
    )


async def sleep_or_wake(clock: Clock, event: asyncio.Event, seconds: float) -> None:
    """Sleep ``seconds`` on ``clock``, or less if ``event`` is set meanwhile."""
    sleeper = asyncio.ensure_future(clock.sleep(seconds))
    waker = asyncio.ensure_future(event.wait())
    try:
        await asyncio.wait({sleeper, waker}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in (sleeper, waker):
            task.cancel()
