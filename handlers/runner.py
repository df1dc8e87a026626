"""``cmbot run``: one bot process on either framework, from start-up checks to shutdown.

Start: token present and accepted (getMe), rights and privacy mode checked (warnings), command
menus set, runtime started, then updates received by long polling (pending updates kept) or
by the webhook endpoint. Stop (SIGTERM/SIGINT or :meth:`BotRunner.stop`): stop receiving
first, then let the runtime finish or persist what is in flight, then close the client.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Awaitable, Callable, Mapping
from contextlib import suppress
from typing import Any, Protocol

from bot.config import Config
from bot.errors import ConfigError, TransportError
from bot.telegram.ports import BotApi
from handlers.menus import set_commands
from handlers.startup import check_bot, get_me, require_token, startup_error
from handlers.updates import ALLOWED_UPDATES, Feed, UpdateDict
from handlers.webhook import WebhookServer, webhook_app

log = logging.getLogger("cmbot.telegram")


class Runtime(Protocol):
    """What the runner needs of :mod:`bot.telegram.runtime`."""

    async def start(self) -> None: ...
    async def feed(self, update: dict[str, Any]) -> None: ...
    async def stop(self) -> None: ...


RuntimeFactory = Callable[[Config, BotApi], Awaitable[Runtime]]


class Transport(Protocol):
    """One framework's side: its API client, its polling, its update parsing."""

    framework: str

    @property
    def api(self) -> BotApi: ...

    async def open(self) -> None: ...
    def to_update_dict(self, raw: Mapping[str, Any]) -> UpdateDict: ...
    async def start_polling(self, feed: Feed) -> None: ...
    async def stop_polling(self) -> None: ...
    async def close(self) -> None: ...


def load_transport(config: Config, token: str) -> Transport:
    """The configured framework's transport (imported only when chosen)."""
    if config.telegram.framework == "ptb":
        from handlers.ptb.app import PtbTransport

        return PtbTransport(config, token)
    from handlers.aiogram.app import AiogramTransport

    return AiogramTransport(config, token)


async def _default_runtime(config: Config, api: BotApi) -> Runtime:
    from bot.telegram.runtime import build_runtime

    runtime: Runtime = await build_runtime(config, api)
    return runtime


class BotRunner:
    def __init__(self, config: Config, *, runtime_factory: RuntimeFactory | None = None) -> None:
        self.config = config
        self.runtime_factory = runtime_factory or _default_runtime
        self.transport: Transport | None = None
        self.runtime: Runtime | None = None
        self.webhook: WebhookServer | None = None
        self.warnings: list[str] = []
        self.me: dict[str, Any] = {}

    async def start(self) -> None:
        """Check, set up and start receiving; raises ConfigError with the fix on failure."""
        telegram = self.config.telegram
        token = require_token(self.config)
        if telegram.mode == "webhook" and not (
            telegram.webhook.url and telegram.webhook.secret_token
        ):
            raise ConfigError(
                "telegram.webhook: mode webhook needs webhook.url (public HTTPS) and "
                "webhook.secret_token (set CMBOT_TELEGRAM__WEBHOOK__SECRET_TOKEN)"
            )
        self.transport = transport = load_transport(self.config, token)
        try:
            try:
                await transport.open()
            except TransportError as exc:
                raise startup_error(exc, telegram.api_url) from None
            self.me = await get_me(transport.api, self.config)
            self.warnings = await check_bot(transport.api, self.config, self.me)
            for warning in self.warnings:
                log.warning("%s", warning)
            await set_commands(transport.api, self.config)
            self.runtime = await self.runtime_factory(self.config, transport.api)
            await self.runtime.start()
            if telegram.mode == "webhook":
                await self._start_webhook(self.runtime.feed)
            else:
                await transport.api.call("deleteWebhook", {"drop_pending_updates": False})
                await transport.start_polling(self.runtime.feed)
        except BaseException:
            await self.stop()
            raise
        log.info("@%s running on %s (%s)", self.me.get("username"), transport.framework,
                 telegram.mode)  # fmt: skip

    async def _start_webhook(self, feed: Feed) -> None:
        assert self.transport is not None
        hook = self.config.telegram.webhook
        assert hook.secret_token is not None
        secret = hook.secret_token.get_secret_value()
        app = webhook_app(hook.path, secret, feed, self.transport.to_update_dict)
        self.webhook = WebhookServer(app, hook.listen_host, hook.listen_port)
        await self.webhook.start()
        await self.transport.api.call(
            "setWebhook",
            {
                "url": hook.url,
                "secret_token": secret,
                "allowed_updates": ALLOWED_UPDATES,
                "drop_pending_updates": False,
            },
        )

    async def stop(self) -> None:
        """Stop receiving, let the runtime finish or persist its work, close the client."""
        if self.transport is not None:
            await self.transport.stop_polling()
        if self.webhook is not None:
            await self.webhook.stop()  # the webhook stays set: Telegram queues meanwhile
            self.webhook = None
        if self.runtime is not None:
            runtime, self.runtime = self.runtime, None
            await runtime.stop()
        if self.transport is not None:
            transport, self.transport = self.transport, None
            await transport.close()

    async def run(self, stop: asyncio.Event | None = None) -> None:
        """Start, serve until SIGTERM/SIGINT (or ``stop`` is set), then stop gracefully."""
        stop = stop or asyncio.Event()
        loop = asyncio.get_running_loop()
        signals = (signal.SIGTERM, signal.SIGINT)
        for sig in signals:
            with suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(sig, stop.set)
        try:
            await self.start()
            await stop.wait()
            log.info("stopping: no new updates; finishing what is in flight")
        finally:
            await self.stop()
            for sig in signals:
                with suppress(NotImplementedError, RuntimeError):
                    loop.remove_signal_handler(sig)
