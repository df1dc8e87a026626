"""``cmbot run``'s runner on both frameworks: start-up checks, webhook mode, shutdown."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
from typing import Any

import aiohttp
import pytest

from bot.errors import ConfigError
from bot.telegram.dispatch import Dispatcher
from bot.telegram.features import feature_routers
from handlers.runner import BotRunner
from handlers.webhook import SECRET_HEADER
from tests.fakes.bot_api import FakeBotApi
from tests.fakes.bot_state import administrator
from tests.fakes.runtime import RecordingRuntime, recording_factory
from tests.fakes.updates import group_chat, user
from tests.handlers.conftest import make_config

ALICE = user(42, "Alice", language_code="fr")
MODERATED = group_chat(-100700, "Moderated")
MEMBER_ONLY = group_chat(-100701, "Bot is a member")
NO_DELETE = group_chat(-100702, "Admin without delete")
STAFF = group_chat(-100800, "Staff")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def runner_for(
    server: FakeBotApi, framework: str, **telegram: Any
) -> tuple[BotRunner, list[RecordingRuntime]]:
    built: list[RecordingRuntime] = []
    runner = BotRunner(
        make_config(server, framework, **telegram), runtime_factory=recording_factory(built)
    )
    return runner, built


async def test_start_checks_rights_privacy_and_sets_menus(
    server: FakeBotApi, framework: str
) -> None:
    server.state.me["can_read_all_group_messages"] = False
    for chat in (MODERATED, MEMBER_ONLY, NO_DELETE, STAFF):
        server.state.chats[chat["id"]] = chat
    me = server.state.me
    server.state.set_bot_member(MEMBER_ONLY["id"], {"status": "member", "user": me})
    server.state.set_bot_member(NO_DELETE["id"], administrator(me, can_delete_messages=False))
    watched = [MODERATED["id"], MEMBER_ONLY["id"], NO_DELETE["id"], -100999]
    runner, built = runner_for(server, framework, watched_chats=watched, staff_chat_id=STAFF["id"])
    update = server.push_update(server.updates.private_message(ALICE, "Bonjour"))[0]
    await runner.start()
    try:
        await server.wait_until(lambda: built[0].fed == [update])
    finally:
        await runner.stop()
    text = "\n".join(runner.warnings)
    assert len(runner.warnings) == 4, text
    assert "privacy mode is on: disable it with BotFather /setprivacy" in text
    assert f"chat {MEMBER_ONLY['id']}: the bot is 'member', not an administrator" in text
    no_delete = f"chat {NO_DELETE['id']}: the bot is an administrator without the right(s)"
    assert f"{no_delete} 'Delete messages'" in text
    assert "chat -100999: cannot check the bot's rights there" in text
    menus = server.calls_to("setMyCommands")
    scopes = [(c.params["scope"]["type"], c.params.get("language_code")) for c in menus]
    # Only implemented commands are advertised: /start and /forget for customers, every
    # staff command of the features' routers in the staff chat.
    assert scopes == [
        ("all_private_chats", None),
        ("all_private_chats", "fr"),
        ("all_private_chats", "ru"),
        ("chat", None),
    ]
    names = [[c["command"] for c in call.params["commands"]] for call in menus]
    assert names[:3] == [["start", "forget"]] * 3
    handled = Dispatcher(feature_routers()).commands
    assert {"cases", "mycases", "case", "handback", "poll", "contest", "report"} <= set(names[3])
    assert all(name in handled for name in names[3])
    assert menus[-1].params["scope"]["chat_id"] == STAFF["id"]
    assert all(not c.params.get("drop_pending_updates") for c in server.calls_to("deleteWebhook"))
    assert built[0].started and built[0].stopped and server.queue.dropped == 0


async def test_clear_start_up_errors(server: FakeBotApi, framework: str) -> None:
    runner, built = runner_for(
        server, framework, token="987654321:AAWrongTokenWrongTokenWrongToken"
    )
    with pytest.raises(ConfigError) as refused:
        await runner.start()
    assert (
        str(refused.value) == f"the token was refused by {server.url}: check CMBOT_TELEGRAM__TOKEN"
    )
    assert built == []
    runner, _ = runner_for(server, framework, token=None)
    with pytest.raises(ConfigError, match="export CMBOT_TELEGRAM__TOKEN="):
        await runner.start()
    runner, _ = runner_for(server, framework, api_url="http://127.0.0.1:9")
    with pytest.raises(ConfigError, match=r"cannot reach the Bot API at http://127\.0\.0\.1:9"):
        await runner.start()


async def test_webhook_mode_checks_the_secret_and_stores_before_200(
    server: FakeBotApi, framework: str
) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/tg/hook"
    hook = {"url": url, "secret_token": "s3cret-token", "listen_port": port, "path": "/tg/hook"}
    runner, built = runner_for(server, framework, mode="webhook", webhook=hook)
    await runner.start()
    try:
        set_webhook = server.calls_to("setWebhook")[0].params
        assert set_webhook["url"] == url and set_webhook["secret_token"] == "s3cret-token"
        assert not set_webhook["drop_pending_updates"]
        pushed = server.push_update(
            server.updates.private_message(ALICE, "Bonjour"),
            server.updates.group_message(MODERATED, ALICE, "Salut"),
        )
        await server.wait_until(lambda: built[0].fed == pushed)
        async with aiohttp.ClientSession() as session:
            for headers in ({}, {SECRET_HEADER: "wrong"}):
                async with session.post(url, json=pushed[0], headers=headers) as response:
                    assert response.status == 403
            built[0].failures_left = 1
            headers = {SECRET_HEADER: "s3cret-token"}
            async with session.post(url, json={"update_id": 99}, headers=headers) as response:
                assert response.status == 500  # not stored: Telegram will send it again
    finally:
        await runner.stop()
    assert built[0].stopped


async def test_webhook_mode_needs_a_secret(server: FakeBotApi, framework: str) -> None:
    runner, _ = runner_for(
        server, framework, mode="webhook", webhook={"url": "https://x.example/h"}
    )
    with pytest.raises(ConfigError, match="CMBOT_TELEGRAM__WEBHOOK__SECRET_TOKEN"):
        await runner.start()


async def test_sigterm_stops_polling_then_the_runtime(server: FakeBotApi, framework: str) -> None:
    runner, built = runner_for(server, framework)
    running = asyncio.create_task(runner.run())
    await server.wait_until(lambda: bool(built) and len(server.calls_to("getUpdates")) >= 1)
    os.kill(os.getpid(), signal.SIGTERM)
    await asyncio.wait_for(running, 10)
    assert built[0].stopped and runner.transport is None
    polls = len(server.calls_to("getUpdates"))
    server.push_update(server.updates.private_message(ALICE, "after shutdown"))
    await asyncio.sleep(0.3)
    assert len(server.calls_to("getUpdates")) == polls and len(server.queue.pending) == 1
