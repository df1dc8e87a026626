"""A whole cmbot (real runtime, SQLite, shipped playbooks) on each framework, over HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot.classify.classifier import Classifier
from bot.config import Config
from bot.telegram.ports import BotApi, Clock
from bot.telegram.runtime import TelegramRuntime, build_runtime
from handlers.runner import BotRunner, Runtime
from tests.conftest import PLAYBOOKS, classifier  # noqa: F401  (fixture)
from tests.fakes.bot_api import FakeBotApi
from tests.fakes.updates import JSON, group_chat

STAFF = group_chat(-100800, "Staff")
# Telegram's real limits make a burst of replies take minutes; the scenarios here are about
# behaviour (the benchmark runs with the real limits).
FAST_OUTBOX = {
    "per_chat_per_second": 200.0,
    "per_group_per_minute": 100_000,
    "global_per_second": 500.0,
}


@dataclass
class Bot:
    """The fake Telegram and a running cmbot connected to it."""

    server: FakeBotApi
    runner: BotRunner
    framework: str

    @property
    def runtime(self) -> TelegramRuntime:
        assert isinstance(self.runner.runtime, TelegramRuntime)
        return self.runner.runtime

    async def replies_to(self, chat_id: int, count: int, timeout: float = 20.0) -> list[JSON]:
        """Wait for ``count`` messages to ``chat_id``, let the runtime settle, return them."""
        await self.server.wait_until(lambda: len(self.server.sent_to(chat_id)) >= count, timeout)
        await self.runtime.drain(timeout)
        return self.server.sent_to(chat_id)


def e2e_config(
    server: FakeBotApi,
    framework: str,
    tmp_path: Path,
    telegram: dict[str, Any] | None = None,
    **outbox: Any,
) -> Config:
    return Config(
        playbooks=PLAYBOOKS,
        database={"url": f"sqlite:///{tmp_path / 'cmbot.db'}"},
        telegram={
            "framework": framework,
            "token": server.token,
            "api_url": server.url,
            "staff_chat_id": STAFF["id"],
            **(telegram or {}),
        },
        outbox={"request_timeout_seconds": 2.0, **outbox},
        # No weekly report in the middle of a scenario whose clock jumps days ahead (the
        # weekly report has its own tests in tests/reports).
        reports={"weekly_day": None},
    )


@asynccontextmanager
async def running_bot(
    server: FakeBotApi,
    framework: str,
    tmp_path: Path,
    classifier: Classifier,
    *,
    clock: Clock | None = None,
    telegram: dict[str, Any] | None = None,
    **outbox: Any,
) -> AsyncIterator[Bot]:
    """A cmbot on ``framework`` connected to ``server`` (outbox settings: ``outbox``; more
    ``telegram`` settings; ``clock``: the runtime's clock, e.g. one that simulated time moves)."""

    async def runtime_factory(config: Config, api: BotApi) -> Runtime:
        return await build_runtime(config, api, classifier=classifier, clock=clock)

    server.state.chats[STAFF["id"]] = STAFF
    config = e2e_config(server, framework, tmp_path, telegram, **outbox)
    runner = BotRunner(config, runtime_factory=runtime_factory)
    await runner.start()
    try:
        yield Bot(server, runner, framework)
    finally:
        await runner.stop()


@pytest.fixture(params=["aiogram", "ptb"])
def framework(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
async def bot(framework: str, tmp_path: Path, classifier: Classifier) -> AsyncIterator[Bot]:
    async with (
        FakeBotApi() as server,
        running_bot(server, framework, tmp_path, classifier, **FAST_OUTBOX) as bot,
    ):
        yield bot
