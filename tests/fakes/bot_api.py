"""An in-process fake Telegram Bot API server over real HTTP (aiohttp, 127.0.0.1).

Both frameworks' real client stacks talk to it exactly as to ``api.telegram.org``::

    async with FakeBotApi() as server:
        server.push_update(server.updates.private_message(user(42), "Bonjour"))
        ...  # run the bot with telegram.api_url = server.url, token = server.token
        assert server.state.sent[-1]["text"] == "..."

It answers ``/bot<token>/<method>`` (GET or POST; query, JSON, form or multipart bodies)
with real envelopes, serves scripted updates through getUpdates (long polling, offsets,
allowed_updates) or a webhook (with the secret header), records every call, injects
faults (:meth:`fail`) and can enforce Telegram's send limits (:meth:`enforce_limits`).
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.fakes.bot_api_methods import METHODS
from tests.fakes.bot_state import ApiError, BotState
from tests.fakes.faults import Fault, FaultKind, TelegramLimits
from tests.fakes.queue import UpdateQueue
from tests.fakes.updates import JSON, UpdateFactory

DEFAULT_TOKEN = "123456789:AAFakeTokenForTestsOnly_abcdefghijk"
# Form fields that are text even when they look like JSON ("42", "true").
TEXT_FIELDS = frozenset(
    {"text", "caption", "question", "explanation", "title", "description", "url", "data",
     "secret_token", "callback_query_id", "inline_message_id", "business_connection_id",
     "parse_mode", "custom_title", "language_code", "emoji", "name", "type", "query",
     "short_description", "ip_address", "message_effect_id", "explanation_parse_mode"}
)  # fmt: skip


@dataclass
class Call:
    """One request as the server saw it."""

    method: str
    params: JSON
    at: float  # time.monotonic()
    token: str
    status: int = 0
    extra: JSON = field(default_factory=dict)


class FakeBotApi:
    """The fake server. Use as ``async with FakeBotApi() as server``."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        username: str = "cmbot_test_bot",
        can_read_all_group_messages: bool = True,
    ) -> None:
        self.token = token
        self.updates = UpdateFactory()
        bot_id = int(token.split(":", 1)[0])
        self.state = BotState(
            factory=self.updates,
            me={
                "id": bot_id, "is_bot": True, "first_name": "cmbot", "username": username,
                "can_join_groups": True,
                "can_read_all_group_messages": can_read_all_group_messages,
                "supports_inline_queries": False, "can_connect_to_business": True,
                "has_main_web_app": False,
            },
        )  # fmt: skip
        self.queue = UpdateQueue()
        self.calls: list[Call] = []
        self.faults: list[Fault] = []
        self.limits: TelegramLimits | None = None
        self.served_at: dict[int, float] = {}  # update_id -> when getUpdates first served it
        self._runner: web.AppRunner | None = None
        self.port = 0

    # -- lifecycle -------------------------------------------------------------------------

    async def start(self) -> FakeBotApi:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.1)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = int(self._runner.addresses[0][1])
        return self

    async def close(self) -> None:
        await self.queue.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeBotApi:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # -- scripting -------------------------------------------------------------------------

    def push_update(self, *updates: JSON | list[JSON]) -> list[JSON]:
        """Queue updates for getUpdates/webhook delivery (an ``update_id`` is added if missing)."""
        pushed: list[JSON] = []
        for item in updates:
            for update in item if isinstance(item, list) else [item]:
                if "update_id" not in update:
                    update = {"update_id": self.updates.next_update_id(), **update}
                self.state.learn(update)
                self.queue.push(update)
                pushed.append(update)
        return pushed

    def redeliver(self, update: JSON) -> None:
        """Deliver an update again, as Telegram does when a confirmation was lost."""
        self.queue.push(update, forced=True)

    def fail(
        self,
        method: str | None = None,
        *,
        kind: FaultKind = "retry_after",
        times: int | None = 1,
        retry_after: int = 3,
        delay: float = 0.0,
        status: int = 500,
    ) -> Fault:
        """The next ``times`` calls of ``method`` (all methods when None) fail; see Fault."""
        fault = Fault(kind, method, times, retry_after, delay, status)
        self.faults.append(fault)
        return fault

    def clear_faults(self) -> None:
        self.faults.clear()

    def enforce_limits(self, **settings: Any) -> TelegramLimits:
        """Answer 429 to sends over Telegram's limits (or only count them, refuse=False)."""
        self.limits = TelegramLimits(**settings)
        return self.limits

    def calls_to(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method.lower() == method.lower()]

    def sent_to(self, chat_id: int) -> list[JSON]:
        return [m for m in self.state.sent if m["chat"]["id"] == chat_id]

    async def wait_until(self, predicate: Any, timeout: float = 10.0) -> None:
        """Wait until ``predicate()`` is true; fail with the recent calls when it never is."""
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                recent = [(c.method, c.status) for c in self.calls[-10:]]
                raise AssertionError(f"condition not met in {timeout}s; last calls: {recent}")
            await asyncio.sleep(0.01)

    # -- HTTP ------------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        token, method = request.match_info["token"], request.match_info["method"]
        params = await _read_params(request)
        call = Call(method, params, time.monotonic(), token)
        self.calls.append(call)
        try:
            if token != self.token:
                raise ApiError(401, "Unauthorized")
            body: JSON = {"ok": True, "result": await self._dispatch(method, params)}
            call.status = 200
        except ApiError as error:
            body, call.status = error.envelope(), error.code
        return web.json_response(body, status=call.status)

    async def _dispatch(self, method: str, params: JSON) -> Any:
        for fault in self.faults:
            if fault.matches(method):
                await fault.apply()
                break
        if self.limits is not None:
            self.limits.check(method, params, time.monotonic())
        name = method.lower()
        if name == "getupdates":
            served = await self.queue.get_updates(params)
            now = time.monotonic()
            for update in served:
                self.served_at.setdefault(update["update_id"], now)
            return served
        if name == "setwebhook":
            return self.queue.set_webhook(params)
        if name == "deletewebhook":
            return self.queue.delete_webhook(bool(params.get("drop_pending_updates")))
        if name == "getwebhookinfo":
            return self.queue.webhook_info()
        for known, handler in METHODS.items():
            if known.lower() == name:
                return handler(self.state, params)
        raise ApiError(404, "Not Found")


async def _read_params(request: web.Request) -> JSON:
    raw: dict[str, Any] = dict(request.query)
    if request.method == "POST" and request.body_exists:
        if request.content_type == "application/json":
            body = await request.json()
            return {**{k: _coerce(k, v) for k, v in raw.items()}, **(body or {})}
        form = await request.post()
        for key, value in form.items():
            if isinstance(value, web.FileField):
                data = value.file.read()
                raw[key] = {"filename": value.filename, "size": len(data), "data": data}
            else:
                raw[key] = value
        for key, value in list(raw.items()):  # "attach://<name>": the file sent as part <name>
            if isinstance(value, str) and value.startswith("attach://"):
                raw[key] = raw.pop(value[len("attach://") :], value)
    return {k: _coerce(k, v) for k, v in raw.items()}


def _coerce(key: str, value: Any) -> Any:
    """Decode a form/query field the way the Bot API does: JSON unless it is a text field."""
    if not isinstance(value, str) or key in TEXT_FIELDS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value
