"""PTB's Application, built from the config, polling into the runtime.

PTB's Updater asks for a batch of updates, puts each into the Application's update queue,
then asks for the next batch, whose offset confirms this one to Telegram. Here the getUpdates
client (:class:`~handlers.ptb.request.GatedRequest`) hands each update of an answer, as the
Bot API JSON received, to the runtime through a :class:`~handlers.updates.FeedGate` (the
batch is stored in one transaction), and holds the next getUpdates until all of it is stored.
The Updater only moves the offset on; its queue drops what it is given. PTB's handler
machinery is not used (the runtime does the handling, the same for both frameworks).
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import Application

from bot.config import Config
from handlers.ptb.api import PtbBotApi, translate
from handlers.ptb.request import GatedRequest, StatusAwareRequest
from handlers.updates import ALLOWED_UPDATES, POLLING_TIMEOUT, Feed, FeedGate, UpdateDict


class FeedingQueue(asyncio.Queue[object]):
    """The Updater's queue. Once the runtime is attached, the getUpdates client has already
    handed each update to it, and what the Updater puts here (the update's id alone) is
    dropped."""

    def __init__(self, gate: FeedGate) -> None:
        super().__init__()
        self.gate = gate

    async def put(self, item: object) -> None:
        if isinstance(item, Update) and self.gate.feed is not None:
            return
        await super().put(item)


class PtbTransport:
    """The PTB side of ``cmbot run``: the API client, polling and webhook parsing."""

    framework = "ptb"

    def __init__(self, config: Config, token: str) -> None:
        api_url = config.telegram.api_url.rstrip("/")
        timeout = config.outbox.request_timeout_seconds
        self.gate = FeedGate()
        self.queue = FeedingQueue(self.gate)
        self.application = (
            Application.builder()
            .token(token)
            .base_url(f"{api_url}/bot")
            .base_file_url(f"{api_url}/file/bot")
            .request(StatusAwareRequest(read_timeout=timeout, write_timeout=timeout,
                                        connect_timeout=timeout, pool_timeout=timeout,
                                        connection_pool_size=config.max_in_flight()))
            .get_updates_request(GatedRequest(self.gate, connection_pool_size=1,
                                              read_timeout=timeout, connect_timeout=timeout))
            .update_queue(self.queue)
            .job_queue(None)
            .build()
        )  # fmt: skip
        self.api_url = api_url
        self.api = PtbBotApi(self.application.bot, config.telegram.api_url)
        self.polling_timeout = POLLING_TIMEOUT

    def to_update_dict(self, raw: Mapping[str, Any]) -> UpdateDict:
        """A webhook body as received (as polling gives it), once PTB has parsed it: a body
        PTB cannot read is refused here."""
        update = dict(raw)
        Update.de_json(dict(update), self.application.bot)
        return update

    async def open(self) -> None:
        """Initialise the Application (PTB calls getMe here); errors come out translated."""
        try:
            await self.application.initialize()
        except TelegramError as exc:
            raise translate(exc, "getMe", self.api.api_url) from exc

    async def start_polling(self, feed: Feed) -> None:
        self.gate.feed = feed
        updater = self.application.updater
        assert updater is not None
        await updater.start_polling(
            timeout=self.polling_timeout,
            allowed_updates=ALLOWED_UPDATES,
            drop_pending_updates=False,
        )

    async def stop_polling(self) -> None:
        updater = self.application.updater
        if updater is not None and updater.running:
            await updater.stop()
        await self.gate.settle()

    async def close(self) -> None:
        await self.stop_polling()
        if self.application.running:
            await self.application.stop()
        await self.application.shutdown()
