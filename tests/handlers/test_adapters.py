"""aiogram's and PTB's real client stacks, over HTTP, against the fake Bot API server."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from bot.errors import (
    BadRequest,
    Forbidden,
    NetworkError,
    RetryAfter,
    ServerError,
    TransportError,
)
from handlers.runner import Transport, load_transport
from handlers.updates import ALLOWED_UPDATES
from tests.fakes.bot_api import FakeBotApi
from tests.fakes.runtime import RecordingRuntime
from tests.fakes.updates import channel_chat, group_chat, user
from tests.handlers.conftest import make_config

ALICE = user(42, "Alice", language_code="fr")
BOB = user(43, "Bob", language_code="en", username="bob")
GROUP = group_chat(-100500, "Brand discussion")
CHANNEL = channel_chat(-100600)


def script_every_kind(server: FakeBotApi) -> list[dict[str, Any]]:
    """One update of each kind cmbot handles, as Telegram sends them."""
    u = server.updates
    dm = server.push_update(u.private_message(ALICE, "Ma commande n'est jamais arrivée"))[0]
    post = server.push_update(u.automatic_forward(GROUP, CHANNEL, "New collection"))[0]
    comment = server.push_update(u.comment(post, BOB, "Earn $500/day, DM me"))[0]
    rest = server.push_update(
        u.edited(dm, "Ma commande n'est toujours pas arrivée"),
        u.group_message(GROUP, BOB, "Do you ship to Canada?"),
        u.callback_query(BOB, comment["message"], "case:1:claim"),
        u.new_member(GROUP, BOB),
        u.business_connection(ALICE),
        u.business_message(BOB, "Hello, are you open on Sunday?"),
        u.poll_answer("5000000", BOB, [1]),
    )
    return [dm, post, comment, *rest]


async def test_send_message_round_trip(server: FakeBotApi, transport: Transport) -> None:
    post = server.push_update(server.updates.automatic_forward(GROUP, CHANNEL, "Post"))[0]
    comment = server.push_update(server.updates.comment(post, BOB, "Price?"))[0]
    markup = {
        "inline_keyboard": [[{"text": "Continue in private", "url": "https://t.me/b?start=c1"}]]
    }
    thread = post["message"]["message_id"]
    sent = await transport.api.call(
        "sendMessage",
        {
            "chat_id": GROUP["id"],
            "text": "<b>Thanks</b>, 12 &lt; 15",
            "parse_mode": "HTML",
            "message_thread_id": thread,
            "reply_parameters": {"message_id": comment["message"]["message_id"]},
            "reply_markup": markup,
        },
    )
    assert isinstance(sent, dict)
    assert sent["message_id"] == 3 and sent["chat"] == GROUP
    assert sent["message_thread_id"] == thread and sent["reply_markup"] == markup
    assert sent["reply_to_message"]["message_id"] == comment["message"]["message_id"]
    assert sent["from"]["username"] == "cmbot_test_bot"
    params = server.calls_to("sendMessage")[0].params
    assert params["chat_id"] == GROUP["id"] and params["reply_markup"] == markup
    assert server.state.sent == [sent]
    assert await transport.api.call("deleteMessage", {"chat_id": GROUP["id"], "message_id": 2})
    assert server.state.deleted == [(GROUP["id"], 2)]
    member = await transport.api.call("getChatMember", {"chat_id": GROUP["id"], "user_id": 43})
    assert member == {"status": "member", "user": BOB}


async def test_polling_feeds_the_runtime_exact_update_json(
    server: FakeBotApi, transport: Transport
) -> None:
    pushed = script_every_kind(server)
    runtime = RecordingRuntime()
    await transport.start_polling(runtime.feed)
    await server.wait_until(lambda: len(runtime.fed) == len(pushed))
    assert runtime.fed == pushed
    await server.wait_until(lambda: not server.queue.pending)  # all confirmed...
    assert server.queue.dropped == 0  # ...none dropped
    polls = server.calls_to("getUpdates")
    assert polls[0].params["allowed_updates"] == ALLOWED_UPDATES


async def test_an_update_is_confirmed_only_once_stored(
    server: FakeBotApi, transport: Transport
) -> None:
    runtime = RecordingRuntime()
    runtime.gate = asyncio.Event()
    runtime.failures_left = 1  # the store fails once, then works
    update = server.push_update(server.updates.private_message(ALICE, "Bonjour"))[0]
    await transport.start_polling(runtime.feed)
    await server.wait_until(lambda: server.queue.pending[0].delivered >= 1)
    await asyncio.sleep(0.2)
    assert [p.update_id for p in server.queue.pending] == [update["update_id"]]
    runtime.gate.set()
    await server.wait_until(lambda: runtime.fed == [update], timeout=5)
    await server.wait_until(lambda: not server.queue.pending)


async def test_webhook_bodies_parse_to_the_same_json(
    transport: Transport, server: FakeBotApi
) -> None:
    for update in script_every_kind(server):
        assert transport.to_update_dict(update) == update


ERRORS = [
    ("retry_after", RetryAfter),
    ("forbidden", Forbidden),
    ("bad_request", BadRequest),
    ("server_error", ServerError),
]


@pytest.mark.parametrize(("kind", "error"), ERRORS)
async def test_errors_are_translated(
    server: FakeBotApi, transport: Transport, kind: Any, error: type[TransportError]
) -> None:
    server.push_update(server.updates.private_message(ALICE, "x"))
    server.fail("sendMessage", kind=kind, retry_after=3)
    with pytest.raises(error) as caught:
        await transport.api.call("sendMessage", {"chat_id": 42, "text": "hi"})
    assert caught.value.method == "sendMessage"
    if isinstance(caught.value, RetryAfter):
        assert caught.value.retry_after == 3
    assert await transport.api.call("sendMessage", {"chat_id": 42, "text": "hi"})


async def test_real_telegram_errors_are_translated(
    server: FakeBotApi, transport: Transport
) -> None:
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await transport.api.call("sendMessage", {"chat_id": 404, "text": "hi"})
    with pytest.raises(BadRequest):
        await transport.api.call("frobnicate", {})
    server.fail("getMe", kind="server_error", status=502)
    with pytest.raises(ServerError):
        await transport.api.call("getMe", {})


async def test_timeout_is_a_network_error(server: FakeBotApi, transport: Transport) -> None:
    server.fail("getChat", kind="delay", delay=1.5)  # the client waits 1 s
    with pytest.raises(NetworkError):
        await transport.api.call("getChat", {"chat_id": 42})


async def test_unreachable_server_is_a_network_error(server: FakeBotApi, framework: str) -> None:
    config = make_config(server, framework, api_url="http://127.0.0.1:9")
    built = load_transport(config, server.token)
    try:
        with pytest.raises(NetworkError):
            await built.api.call("getMe", {})
    finally:
        await built.close()


async def test_a_refused_token_says_so(server: FakeBotApi, framework: str) -> None:
    config = make_config(server, framework)
    built = load_transport(config, "987654321:AAWrongTokenWrongTokenWrongToken")
    try:
        with pytest.raises(TransportError) as caught:
            await built.api.call("getMe", {})
        assert f"the token was refused by {server.url}: check CMBOT_TELEGRAM__TOKEN" in str(
            caught.value
        )
        assert not isinstance(caught.value, NetworkError | ServerError | RetryAfter)
    finally:
        await built.close()


async def test_unknown_methods_pass_through(server: FakeBotApi, transport: Transport) -> None:
    assert await transport.api.call("logOut", {}) is True
    commands = [{"command": "start", "description": "Talk to us"}]
    assert await transport.api.call("setMyCommands", {"commands": commands})
    assert await transport.api.call("getMyCommands", {}) == commands


def test_aiogram_response_models_survive_garbage_collection() -> None:
    """aiogram parametrises ``Response[...]`` per answer; pydantic caches those weakly. The
    adapter keeps them, so a collection does not make the next answer rebuild its model."""
    import gc
    import weakref

    from aiogram.client.session.base import Response
    from aiogram.methods import GetUpdates, SendMessage

    from handlers.aiogram.api import keep_response_model

    keep_response_model(SendMessage(chat_id=1, text="hi"))
    keep_response_model(GetUpdates())
    models = [weakref.ref(Response[m.__returning__]) for m in (SendMessage, GetUpdates)]
    gc.collect()
    assert all(model() is not None for model in models)
