"""PTB's Application, built from the config, polling into the runtime.

PTB's Updater puts each update of a getUpdates batch into the Application's update queue,
then asks for the next batch, whose offset confirms this one to Telegram. Here that queue's
``put`` hands the update to the runtime through a :class:`~handlers.updates.FeedGate` (the
batch is stored in one transaction), and the getUpdates request waits until all of it is
stored. PTB's handler machinery is not used (the runtime does the handling, the same for
both frameworks).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping
from typing import Any

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import Application

from bot.config import Config
from handlers.ptb.api import PtbBotApi, translate
from handlers.ptb.request import GatedRequest, StatusAwareRequest
from handlers.updates import ALLOWED_UPDATES, POLLING_TIMEOUT, Feed, FeedGate, UpdateDict

# Message flags PTB always writes (as False); Telegram only sends them when true.
SERVICE_FLAGS = (
    "delete_chat_photo",
    "group_chat_created",
    "supergroup_chat_created",
    "channel_chat_created",
)


def _strip_false_flags(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            k: _strip_false_flags(v)
            for k, v in value.items()
            if not (k in SERVICE_FLAGS and v is False)
        }
    if isinstance(value, list):
        return [_strip_false_flags(v) for v in value]
    return value


def update_to_dict(update: Update) -> UpdateDict:
    """PTB's ``to_dict()`` as plain Bot API JSON (enums as strings, no invented flags)."""
    plain: UpdateDict = _strip_false_flags(json.loads(json.dumps(update.to_dict())))
    return plain


class FeedingQueue(asyncio.Queue[object]):
    """The Updater's queue: ``put(update)`` starts storing it (see :class:`FeedGate`)."""

    def __init__(self, gate: FeedGate) -> None:
        super().__init__()
        self.gate = gate

    async def put(self, item: object) -> None:
        if isinstance(item, Update) and self.gate.feed is not None:
            self.gate.submit(update_to_dict(item))
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
        """A webhook body, parsed by PTB, in the same shape polling gives."""
        return update_to_dict(Update.de_json(dict(raw), self.application.bot))

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
