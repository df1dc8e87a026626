"""Fixtures for the runtime tests: fake clock, recording Bot API, runtimes on real databases."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest

from bot.classify.classifier import Classifier
from bot.config import Config
from bot.storage import Database
from bot.telegram.runtime import TelegramRuntime, build_runtime
from tests.telegram.fakes import STAFF_CHAT, FakeClock, RecordingApi

Factory = Callable[..., Awaitable[TelegramRuntime]]


def make_config(**sections: Any) -> Config:
    telegram = {"staff_chat_id": STAFF_CHAT, "staff_user_ids": [42], **sections.pop("telegram", {})}
    return Config(telegram=telegram, **sections)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def api(clock: FakeClock) -> RecordingApi:
    return RecordingApi(clock)


@pytest.fixture
async def make_runtime(
    database: Database, api: RecordingApi, clock: FakeClock, classifier: Classifier
) -> AsyncIterator[Factory]:
    """``await make_runtime(**config_sections)``: a started runtime; stopped after the test."""
    made: list[TelegramRuntime] = []

    async def make(
        *, bot_api: RecordingApi | None = None, start: bool = True, **sections: Any
    ) -> TelegramRuntime:
        runtime = await build_runtime(
            make_config(**sections),
            bot_api or api,
            database=database,
            clock=clock,
            classifier=classifier,
        )
        if start:
            await runtime.start()
        made.append(runtime)
        return runtime

    yield make
    for runtime in made:
        await runtime.stop(timeout=0)


def crash(runtime: TelegramRuntime) -> None:
    """Simulate ``kill -9``: stop every task at once, write nothing more."""
    tasks = [runtime._worker, runtime.outbox._task, *runtime.outbox._in_flight]
    for task in tasks:
        if task is not None:
            task.cancel()
    runtime._worker = None
    runtime.outbox._task = None
    runtime.outbox._in_flight.clear()


async def settle() -> None:
    for _ in range(20):
        await asyncio.sleep(0)
