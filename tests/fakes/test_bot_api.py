"""The fake Bot API server itself, driven with a bare aiohttp client."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from tests.fakes.bot_api import FakeBotApi
from tests.fakes.bot_state import administrator
from tests.fakes.queue import SECRET_HEADER
from tests.fakes.updates import group_chat, user

ALICE = user(42, "Alice", language_code="fr")
GROUP = group_chat(-100123, "Brand community")


async def call(
    server: FakeBotApi, method: str, *, token: str | None = None, how: str = "json", **params: Any
) -> tuple[int, dict[str, Any]]:
    url = f"{server.url}/bot{token or server.token}/{method}"
    encoded = {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()}
    async with aiohttp.ClientSession() as session:
        if how == "json":
            request = session.post(url, json=params)
        elif how == "form":
            request = session.post(url, data=encoded)
        elif how == "multipart":
            form = aiohttp.FormData()
            for key, value in encoded.items():
                form.add_field(key, value)
            form.add_field("photo", b"\x89PNG", filename="p.png")
            request = session.post(url, data=form)
        else:
            request = session.get(url, params=encoded)
        async with request as response:
            return response.status, await response.json()


async def test_envelopes_unknown_method_and_bad_token(server: FakeBotApi) -> None:
    status, body = await call(server, "getMe")
    assert status == 200 and body["ok"] and body["result"]["is_bot"]
    status, body = await call(server, "frobnicate")
    assert (status, body) == (404, {"ok": False, "error_code": 404, "description": "Not Found"})
    status, body = await call(server, "getMe", token="42:wrong")
    assert status == 401 and body["description"] == "Unauthorized"
    assert [c.method for c in server.calls] == ["getMe", "frobnicate", "getMe"]


@pytest.mark.parametrize("how", ["json", "form", "multipart", "get"])
async def test_every_body_encoding_is_decoded(server: FakeBotApi, how: str) -> None:
    server.push_update(server.updates.group_message(GROUP, ALICE, "hi"))
    markup = {"inline_keyboard": [[{"text": "DM", "url": "https://t.me/b?start=x"}]]}
    status, body = await call(
        server, "sendMessage", how=how, chat_id=GROUP["id"], text="42",
        message_thread_id=7, reply_markup=markup,
    )  # fmt: skip
    assert status == 200, body
    sent = body["result"]
    assert sent["text"] == "42" and sent["message_thread_id"] == 7
    assert sent["reply_markup"] == markup and sent["chat"] == GROUP
    assert server.calls[-1].params["chat_id"] == GROUP["id"]
    assert sent["message_id"] == 2  # after the pushed message


async def test_get_updates_long_polls_confirms_and_filters(server: FakeBotApi) -> None:
    waiting = asyncio.create_task(call(server, "getUpdates", timeout=5))
    await asyncio.sleep(0.05)
    assert not waiting.done()
    first = server.push_update(server.updates.private_message(ALICE, "Bonjour"))[0]
    status, body = await waiting
    assert status == 200 and body["result"] == [first]
    # not confirmed yet: delivered again; confirmed by a higher offset
    assert (await call(server, "getUpdates"))[1]["result"] == [first]
    member_updates = server.push_update(server.updates.new_member(GROUP, ALICE))
    _, body = await call(server, "getUpdates", offset=first["update_id"] + 1)
    assert body["result"] == [member_updates[0]]  # chat_member is not sent by default
    _, body = await call(
        server, "getUpdates", offset=first["update_id"] + 1, allowed_updates=["chat_member"]
    )
    assert body["result"] == [member_updates[1]]
    _, body = await call(server, "getUpdates", offset=member_updates[1]["update_id"] + 1)
    assert body["result"] == [] and server.queue.pending == []


async def test_a_second_poller_ends_the_first_with_409(server: FakeBotApi) -> None:
    first = asyncio.create_task(call(server, "getUpdates", timeout=5))
    await asyncio.sleep(0.05)
    second = asyncio.create_task(call(server, "getUpdates", timeout=0))
    status, body = await first
    assert status == 409 and "terminated by other getUpdates" in body["description"]
    assert (await second)[0] == 200


async def test_redelivered_update_comes_back_once(server: FakeBotApi) -> None:
    update = server.push_update(server.updates.private_message(ALICE, "x"))[0]
    await call(server, "getUpdates")
    server.redeliver(update)
    _, body = await call(server, "getUpdates", offset=update["update_id"] + 1)
    assert body["result"] == [update]
    _, body = await call(server, "getUpdates", offset=update["update_id"] + 1)
    assert body["result"] == []


async def test_webhook_delivery_with_secret_header(server: FakeBotApi) -> None:
    received: list[tuple[str | None, dict[str, Any]]] = []

    async def hook(request: web.Request) -> web.Response:
        received.append((request.headers.get(SECRET_HEADER), await request.json()))
        return web.Response(status=500 if len(received) == 1 else 200)  # first one fails

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    url = f"http://127.0.0.1:{runner.addresses[0][1]}/hook"
    try:
        status, body = await call(server, "setWebhook", url=url, secret_token="s3cret")
        assert status == 200 and body["result"] is True
        assert (await call(server, "getUpdates"))[0] == 409
        update = server.push_update(server.updates.private_message(ALICE, "hook"))[0]
        await server.wait_until(lambda: len(received) == 2)
        assert received == [("s3cret", update), ("s3cret", update)]  # retried after the 500
        await server.wait_until(lambda: not server.queue.pending)
        info = (await call(server, "getWebhookInfo"))[1]["result"]
        assert info["url"] == url and info["pending_update_count"] == 0
        assert "500" in info["last_error_message"]
        bad = await call(server, "setWebhook", url="http://example.com/x")
        assert bad[0] == 400
    finally:
        await server.queue.close()
        await runner.cleanup()
    assert server.queue.dropped == 0


async def test_delete_webhook_drops_only_when_asked(server: FakeBotApi) -> None:
    server.push_update(server.updates.private_message(ALICE, "a"))
    await call(server, "deleteWebhook", drop_pending_updates=False)
    assert len(server.queue.pending) == 1 and server.queue.dropped == 0
    await call(server, "deleteWebhook", drop_pending_updates=True)
    assert server.queue.pending == [] and server.queue.dropped == 1


async def test_faults_429_5xx_403_and_delay(server: FakeBotApi) -> None:
    server.fail("getMe", kind="retry_after", retry_after=3, times=2)
    server.fail(kind="server_error", status=502)
    for _ in range(2):
        status, body = await call(server, "getMe")
        assert status == 429
        assert body == {"ok": False, "error_code": 429,
                        "description": "Too Many Requests: retry after 3",
                        "parameters": {"retry_after": 3}}  # fmt: skip
    assert (await call(server, "getMe"))[0] == 502  # the catch-all fault, once
    assert (await call(server, "getMe"))[0] == 200
    server.fail("sendMessage", kind="forbidden")
    server.push_update(server.updates.private_message(ALICE, "x"))
    status, body = await call(server, "sendMessage", chat_id=42, text="hi")
    assert status == 403 and body["description"] == "Forbidden: bot was blocked by the user"
    server.fail("getMe", kind="delay", delay=0.2)
    started = asyncio.get_running_loop().time()
    assert (await call(server, "getMe"))[0] == 200
    assert asyncio.get_running_loop().time() - started >= 0.2


async def test_limits_refuse_or_count(server: FakeBotApi) -> None:
    server.push_update(server.updates.group_message(GROUP, ALICE, "x"))
    limits = server.enforce_limits(per_group_per_minute=3)
    statuses = [(await call(server, "sendMessage", chat_id=GROUP["id"], text="a"))[0]]
    second = await call(server, "sendMessage", chat_id=GROUP["id"], text="b")
    assert statuses == [200] and second[0] == 429
    assert second[1]["parameters"]["retry_after"] >= 1
    assert [v.limit for v in limits.violations] == ["per_chat"]
    counting = server.enforce_limits(refuse=False, per_chat_per_second=1000, per_group_per_minute=3)
    for _ in range(4):
        assert (await call(server, "sendMessage", chat_id=GROUP["id"], text="c"))[0] == 200
    assert [v.limit for v in counting.violations] == ["per_group"] and counting.accepted == 4


async def test_messages_are_checked_like_telegram(server: FakeBotApi) -> None:
    server.push_update(server.updates.group_message(GROUP, ALICE, "x"))
    assert (await call(server, "sendMessage", chat_id=999, text="x"))[1]["description"] == (
        "Bad Request: chat not found"
    )
    bad_html = await call(server, "sendMessage", chat_id=GROUP["id"], text="a < b",
                          parse_mode="HTML")  # fmt: skip
    assert bad_html[0] == 400 and "can't parse entities" in bad_html[1]["description"]
    ok = await call(server, "sendMessage", chat_id=GROUP["id"], text="<b>a &lt; b</b>",
                    parse_mode="HTML")  # fmt: skip
    assert ok[0] == 200
    server.state.blocked_by.add(ALICE["id"])
    server.push_update(server.updates.private_message(ALICE, "x"))
    assert (await call(server, "sendMessage", chat_id=42, text="hi"))[0] == 403


async def test_moderation_changes_state(server: FakeBotApi) -> None:
    spam = server.push_update(server.updates.group_message(GROUP, ALICE, "buy"))[0]
    message_id = spam["message"]["message_id"]
    assert (await call(server, "deleteMessage", chat_id=GROUP["id"], message_id=message_id))[
        0
    ] == 200
    again = await call(server, "deleteMessage", chat_id=GROUP["id"], message_id=message_id)
    assert again[1]["description"] == "Bad Request: message to delete not found"
    await call(server, "restrictChatMember", chat_id=GROUP["id"], user_id=42,
               permissions={"can_send_messages": False}, until_date=0)  # fmt: skip
    member = (await call(server, "getChatMember", chat_id=GROUP["id"], user_id=42))[1]["result"]
    assert member["status"] == "restricted" and member["can_send_messages"] is False
    await call(server, "banChatMember", chat_id=GROUP["id"], user_id=42)
    member = (await call(server, "getChatMember", chat_id=GROUP["id"], user_id=42))[1]["result"]
    assert member["status"] == "kicked"
    server.state.set_bot_member(
        GROUP["id"], administrator(server.state.me, can_restrict_members=False)
    )
    refused = await call(server, "unbanChatMember", chat_id=GROUP["id"], user_id=42)
    assert refused[0] == 400 and "not enough rights" in refused[1]["description"]


async def test_polls(server: FakeBotApi) -> None:
    server.push_update(server.updates.group_message(GROUP, ALICE, "x"))
    options = [{"text": "A"}, {"text": "B"}]
    status, body = await call(
        server, "sendPoll", chat_id=GROUP["id"], question="Best?", options=options,
        is_anonymous=False,
    )  # fmt: skip
    assert status == 200 and body["result"]["poll"]["is_anonymous"] is False
    message_id = body["result"]["message_id"]
    closed = await call(server, "stopPoll", chat_id=GROUP["id"], message_id=message_id)
    assert closed[1]["result"]["is_closed"] is True
    one = await call(server, "sendPoll", chat_id=GROUP["id"], question="?", options=["A"])
    assert one[0] == 400
    long = await call(server, "sendPoll", chat_id=GROUP["id"], question="?",
                      options=["A", "B"], open_period=601)  # fmt: skip
    assert long[1]["description"] == "Bad Request: wrong open period specified"
