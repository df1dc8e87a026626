"""Fixtures for the engagement tests: a recording Bot API that answers sendPoll with a poll and
getChatMember with the member's status, and Update builders for poll answers and staff
commands."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Mapping
from typing import Any

import pytest

from bot.engagement.contests import Randomness
from bot.engagement.draw import RandomSource
from bot.telegram.runtime import TelegramRuntime
from tests.storage.conftest import backend, database, database_url  # noqa: F401  fixtures
from tests.telegram import fakes as f
from tests.telegram.conftest import Factory, api, clock, make_runtime  # noqa: F401  fixtures
from tests.telegram.fakes import FakeClock, RecordingApi

_ids = itertools.count(900_000)


class EngagementApi(RecordingApi):
    """RecordingApi plus real-looking sendPoll and getChatMember answers."""

    def __init__(self, clock: FakeClock) -> None:
        super().__init__(clock)
        self.statuses: dict[int, str] = {}  # user id -> status (default: member)
        self.staff: set[int] = set()  # members of the staff chat (nobody else is)
        self._polls = itertools.count(7_000_000)

    async def call(self, method: str, params: Mapping[str, Any]) -> Any:
        result = await super().call(method, params)
        if method == "sendPoll":
            result["poll"] = {"id": str(next(self._polls)), "question": params["question"]}
        if method == "getChatMember":
            uid = int(params["user_id"])
            status = self.statuses.get(uid, "member")
            if int(params["chat_id"]) == f.STAFF_CHAT:
                status = "member" if uid in self.staff else "left"
            return {"status": status, "user": f.user(uid)}
        return result

    def polls(self) -> list[dict[str, Any]]:
        return [c.params for c in self.sent("sendPoll")]

    def poll_ids(self) -> list[str]:
        return [str(7_000_000 + i) for i in range(len(self.polls()))]


class CountingRandom(RandomSource):
    def __init__(self) -> None:
        self.calls = 0

    def token_bytes(self, n: int) -> bytes:
        self.calls += 1
        return bytes([self.calls]) * n


@pytest.fixture
def eapi(clock: FakeClock) -> EngagementApi:
    return EngagementApi(clock)


@pytest.fixture(autouse=True)
def seeded() -> AsyncIterator[CountingRandom] | Any:
    source = CountingRandom()
    before = Randomness.source
    Randomness.source = source
    yield source
    Randomness.source = before


@pytest.fixture
async def runtime(make_runtime: Factory, eapi: EngagementApi) -> TelegramRuntime:
    return await make_runtime(bot_api=eapi)


def staff_command(text: str, uid: int = 42) -> dict[str, Any]:
    return {
        "update_id": next(_ids),
        "message": {
            "message_id": next(_ids),
            "from": f.user(uid, "Agent", "en"),
            "chat": {"id": f.STAFF_CHAT, "title": "Staff", "type": "supergroup"},
            "date": f.DATE,
            "text": text,
        },
    }


def poll_answer(poll_id: str, uid: int, options: list[int], name: str = "Player") -> dict[str, Any]:
    voter = {"id": uid, "is_bot": False, "first_name": f"{name}{uid}", "username": f"u{uid}"}
    return {
        "update_id": next(_ids),
        "poll_answer": {"poll_id": poll_id, "user": voter, "option_ids": options},
    }


def button_data(api: RecordingApi, label: str) -> str:
    for call in reversed(api.sent()):
        for row in (call.params.get("reply_markup") or {}).get("inline_keyboard", []):
            for button in row:
                if button.get("text", "").endswith(label):
                    return str(button["callback_data"])
    raise AssertionError(f"no {label!r} button sent")
