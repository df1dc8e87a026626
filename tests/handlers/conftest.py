"""Both frameworks' real client stacks against the fake Bot API server."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.config import Config
from handlers.runner import Transport, load_transport
from tests.fakes.bot_api import FakeBotApi
from tests.fakes.conftest import server  # noqa: F401  (fixture)

FRAMEWORKS = ["aiogram", "ptb"]


def make_config(server: FakeBotApi, framework: str, **telegram: Any) -> Config:
    return Config(
        telegram={
            "framework": framework,
            "token": server.token,
            "api_url": server.url,
            **telegram,
        },
        outbox={"request_timeout_seconds": 1.0},
    )


@pytest.fixture(params=FRAMEWORKS)
def framework(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture()
async def transport(server: FakeBotApi, framework: str) -> AsyncIterator[Transport]:
    built = load_transport(make_config(server, framework), server.token)
    built.polling_timeout = 1  # type: ignore[attr-defined]
    await built.open()
    yield built
    await built.close()
