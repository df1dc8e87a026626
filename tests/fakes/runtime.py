"""A recording stand-in for :mod:`bot.telegram.runtime` (same methods), for adapter tests."""

from __future__ import annotations

import asyncio
from typing import Any

from bot.config import Config
from bot.telegram.ports import BotApi


class RecordingRuntime:
    """Stores every fed update in memory; can be made slow (``gate``) or failing."""

    def __init__(self, api: BotApi | None = None, bot_username: str = "cmbot_test_bot") -> None:
        self.api = api
        self.bot_username = bot_username
        self.fed: list[dict[str, Any]] = []
        self.started = False
        self.stopped = False
        self.failures_left = 0  # the next N feeds raise, as a broken database would
        self.gate: asyncio.Event | None = None  # when set, feed waits for it

    async def start(self) -> None:
        self.started = True

    async def feed(self, update: dict[str, Any]) -> None:
        if self.gate is not None:
            await self.gate.wait()
        if self.failures_left > 0:
            self.failures_left -= 1
            raise OSError("database is locked")
        if any(u["update_id"] == update["update_id"] for u in self.fed):
            return  # idempotent per update_id, as the real runtime
        self.fed.append(update)

    async def drain(self, timeout: float | None = None) -> None:
        return None

    async def stop(self) -> None:
        self.stopped = True


def recording_factory(holder: list[RecordingRuntime]) -> Any:
    """A ``runtime_factory`` for :class:`handlers.runner.BotRunner` that keeps what it built."""

    async def build(config: Config, api: BotApi) -> RecordingRuntime:
        runtime = RecordingRuntime(api)
        holder.append(runtime)
        return runtime

    return build
