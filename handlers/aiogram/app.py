"""aiogram's Bot and Dispatcher, built from the config, polling into the runtime.

The Dispatcher only polls: the session (:class:`FeedingSession`) hands each update of a
getUpdates answer, as the Bot API JSON received, to the runtime through a
:class:`~handlers.updates.FeedGate` (a batch is stored in one transaction), and aiogram gets
the updates' ids alone, to move its offset on; an outer middleware drops them. A request
middleware on the session holds the next getUpdates, whose offset confirms the batch to
Telegram, until all of it is stored.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.session.middlewares.base import NextRequestMiddlewareType
from aiogram.client.telegram import TelegramAPIServer
from aiogram.methods import GetUpdates, Response, TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import TelegramObject, Update

from bot.config import Config
from handlers.aiogram.api import AiogramBotApi, keep_response_model
from handlers.updates import (
    ALLOWED_UPDATES,
    POLLING_TIMEOUT,
    Feed,
    FeedGate,
    UpdateDict,
    take_updates,
)


class FeedingSession(AiohttpSession):
    """aiogram's aiohttp session; once the runtime is attached, a getUpdates answer's updates
    go to it as received (see :func:`handlers.updates.take_updates`)."""

    def __init__(self, gate: FeedGate, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.gate = gate

    def check_response(
        self,
        bot: Bot,
        method: TelegramMethod[TelegramType],
        status_code: int,
        content: str,
    ) -> Response[TelegramType]:
        if isinstance(method, GetUpdates) and self.gate.feed is not None and status_code == 200:
            content = take_updates(self.gate, content) or content
        return super().check_response(bot, method, status_code, content)


class AiogramTransport:
    """The aiogram side of ``cmbot run``: the API client, polling and webhook parsing."""

    framework = "aiogram"

    def __init__(self, config: Config, token: str) -> None:
        api_url = config.telegram.api_url
        self.gate = FeedGate()
        session = FeedingSession(
            self.gate,
            api=TelegramAPIServer.from_base(api_url),
            timeout=config.outbox.request_timeout_seconds,
            limit=config.max_in_flight(),
        )
        session.middleware(self._before_request)
        self.bot = Bot(token, session=session)
        self.api = AiogramBotApi(self.bot, api_url)
        self.dispatcher = Dispatcher()
        self.dispatcher.update.outer_middleware(self._on_update)
        self.polling_timeout = POLLING_TIMEOUT
        self._polling: asyncio.Task[None] | None = None

    async def _on_update(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> None:
        """Drop the update: the session has handed it to the runtime already, and what
        aiogram holds is its id alone (dispatching it would fail as an unknown update type)."""

    async def _before_request(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        keep_response_model(method)
        if isinstance(method, GetUpdates):
            await self.gate.settle()  # the new offset confirms what was stored
        return await make_request(bot, method)

    def to_update_dict(self, raw: Mapping[str, Any]) -> UpdateDict:
        """A webhook body as received (as polling gives it), once aiogram has validated it:
        a body aiogram cannot read is refused here."""
        update = dict(raw)
        Update.model_validate(update, context={"bot": self.bot})
        return update

    async def open(self) -> None:
        """Nothing to prepare: aiogram opens its HTTP session on the first call."""

    async def start_polling(self, feed: Feed) -> None:
        self.gate.feed = feed
        self._polling = asyncio.create_task(
            self.dispatcher.start_polling(
                self.bot,
                polling_timeout=self.polling_timeout,
                handle_as_tasks=False,
                allowed_updates=ALLOWED_UPDATES,
                handle_signals=False,
                close_bot_session=False,
            ),
            name="aiogram-polling",
        )

    async def stop_polling(self) -> None:
        if self._polling is None:
            return
        if not self._polling.done():
            try:
                await self.dispatcher.stop_polling()
            except RuntimeError:  # asked to stop before it really started
                self._polling.cancel()
        await asyncio.gather(self._polling, return_exceptions=True)
        self._polling = None
        await self.gate.settle()

    async def close(self) -> None:
        await self.stop_polling()
        await self.bot.session.close()
