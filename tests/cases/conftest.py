"""Fixtures for the cases tests: the runtime fixtures of tests/telegram on SQLite and
PostgreSQL, with a classifier of each test's own (staff corrections teach it)."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from bot.app import build_classifier
from bot.classify.classifier import Classifier
from bot.config import Config
from bot.storage import Store
from bot.telegram.runtime import TelegramRuntime
from bot.telegram.signing import sign
from tests.conftest import PLAYBOOKS
from tests.storage.conftest import backend, database, database_url  # noqa: F401  fixtures
from tests.telegram import fakes as f
from tests.telegram.conftest import api, clock, make_runtime  # noqa: F401  fixtures
from tests.telegram.fakes import RecordingApi

AGENT = 42  # in make_config's staff_user_ids
_ids = itertools.count(900_000)


@pytest.fixture
def classifier(request: pytest.FixtureRequest, classifier: Classifier) -> Classifier:
    """The session's classifier; a fresh one for tests marked ``teaches`` (corrections)."""
    if request.node.get_closest_marker("teaches") is not None:
        return build_classifier(Config(), playbooks_dir=PLAYBOOKS)
    return classifier


def press(
    runtime: TelegramRuntime, code: str, *args: Any, uid: int = AGENT, chat: int | None = None
) -> dict[str, Any]:
    """A signed button press (as the bot's own buttons carry it)."""
    data = sign(runtime.processor.secret, code, *args)
    return f.callback(data, uid=uid, chat_id=f.STAFF_CHAT if chat is None else chat)


def staff_reply(text: str, reply_to: str | int, uid: int = AGENT) -> dict[str, Any]:
    """An agent's message in the staff chat, in reply to message ``reply_to``."""
    staff = {"id": f.STAFF_CHAT, "title": "Staff", "type": "supergroup"}
    return {
        "update_id": next(_ids),
        "message": {
            "message_id": next(_ids),
            "from": f.user(uid, "Agent", "en"),
            "chat": staff,
            "date": f.DATE,
            "text": text,
            "reply_to_message": {"message_id": int(reply_to), "chat": staff, "date": f.DATE},
        },
    }


def sent_to(api: RecordingApi, chat: int) -> list[dict[str, Any]]:
    return [c.params for c in api.sent() if str(c.params["chat_id"]) == str(chat)]


def buttons(params: dict[str, Any]) -> list[dict[str, str]]:
    rows = (params.get("reply_markup") or {}).get("inline_keyboard") or []
    return [b for row in rows for b in row]


async def card_id(store: Store, case_id: int) -> str:
    found = await store.card_message_id(str(f.STAFF_CHAT), case_id)
    assert found is not None, "the case card was sent and its message id stored"
    return found


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "teaches: the test teaches the classifier corrections")
