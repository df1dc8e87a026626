"""The fake server's pending updates: getUpdates long polling and webhook delivery.

Like Telegram, an update stays pending until it is confirmed: by a getUpdates call with a
higher ``offset``, or by a 2xx answer from the webhook. Nothing is dropped unless the bot
asks (``drop_pending_updates``), and :attr:`UpdateQueue.dropped` counts it when it does.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import time
from dataclasses import dataclass, field

import aiohttp

from tests.fakes.bot_state import ApiError, bad_request
from tests.fakes.updates import JSON

# What Telegram sends when allowed_updates was never set (or set to []).
NOT_BY_DEFAULT = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


@dataclass
class Pending:
    update: JSON
    forced: bool = False  # a redelivery: confirmed only after it was delivered once
    delivered: int = 0

    @property
    def update_id(self) -> int:
        return int(self.update["update_id"])

    @property
    def kind(self) -> str:
        return next(k for k in self.update if k != "update_id")


@dataclass
class Delivery:
    update_id: int
    status: int  # HTTP status of the bot's answer, or 0 when the connection failed
    at: float


@dataclass
class UpdateQueue:
    pending: list[Pending] = field(default_factory=list)
    allowed_updates: list[str] = field(default_factory=list)
    webhook: JSON = field(default_factory=dict)  # url, secret_token, ...
    deliveries: list[Delivery] = field(default_factory=list)
    dropped: int = 0
    retry_delay: float = 0.05
    _changed: asyncio.Event = field(default_factory=asyncio.Event)
    _poller: int = 0
    _task: asyncio.Task[None] | None = None

    def push(self, update: JSON, *, forced: bool = False) -> None:
        self.pending.append(Pending(update, forced=forced))
        self._changed.set()

    def _allowed(self, entry: Pending) -> bool:
        if self.allowed_updates:
            return entry.kind in self.allowed_updates
        return entry.kind not in NOT_BY_DEFAULT

    def _confirm(self, offset: int) -> None:
        if offset > 0:
            self.pending = [
                e for e in self.pending
                if e.update_id >= offset or (e.forced and not e.delivered)
            ]  # fmt: skip

    # -- getUpdates ------------------------------------------------------------------------

    async def get_updates(self, params: JSON) -> list[JSON]:
        if self.webhook.get("url"):
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is"
                           " active; use deleteWebhook to delete the webhook first")  # fmt: skip
        if params.get("allowed_updates") is not None:
            self.allowed_updates = list(params["allowed_updates"])
        self._confirm(int(params.get("offset") or 0))
        limit = max(1, min(100, int(params.get("limit") or 100)))
        deadline = time.monotonic() + float(params.get("timeout") or 0)
        self._poller += 1
        me = self._poller
        self._changed.set()  # wake an older long poll: it gets a 409
        await asyncio.sleep(0)
        while True:
            if me != self._poller:
                raise ApiError(409, "Conflict: terminated by other getUpdates request; make"
                               " sure that only one bot instance is running")  # fmt: skip
            batch = [e for e in self.pending if self._allowed(e)][:limit]
            remaining = deadline - time.monotonic()
            if batch or remaining <= 0:
                break
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), remaining)
        for entry in batch:
            entry.delivered += 1
        return [e.update for e in batch]

    # -- webhook ---------------------------------------------------------------------------

    def set_webhook(self, params: JSON) -> bool:
        url = str(params.get("url") or "")
        if not url:
            return self.delete_webhook(bool(params.get("drop_pending_updates")))
        local = url.startswith(("http://127.0.0.1", "http://localhost"))
        if not url.startswith("https://") and not local:
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        secret = params.get("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", str(secret)):
            raise bad_request("secret token contains unallowed characters")
        if params.get("drop_pending_updates"):
            self._drop()
        if params.get("allowed_updates") is not None:
            self.allowed_updates = list(params["allowed_updates"])
        self.webhook = {"url": url, "secret_token": secret}
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._deliver())
        self._changed.set()
        return True

    def delete_webhook(self, drop_pending_updates: bool = False) -> bool:
        self.webhook = {}
        if drop_pending_updates:
            self._drop()
        self._changed.set()
        return True

    def webhook_info(self) -> JSON:
        info: JSON = {
            "url": self.webhook.get("url") or "",
            "has_custom_certificate": False,
            "pending_update_count": len(self.pending),
        }
        if self.allowed_updates:
            info["allowed_updates"] = self.allowed_updates
        failed = [d for d in self.deliveries if not 200 <= d.status < 300]
        if failed:
            info["last_error_date"] = int(time.time())
            info["last_error_message"] = f"Wrong response from the webhook: {failed[-1].status}"
        return info

    def _drop(self) -> None:
        self.dropped += len(self.pending)
        self.pending.clear()

    async def _deliver(self) -> None:
        """POST pending updates to the webhook one by one, in order, until each gets a 2xx."""
        async with aiohttp.ClientSession() as session:
            while self.webhook.get("url"):
                entry = next((e for e in self.pending if self._allowed(e)), None)
                if entry is None:
                    self._changed.clear()
                    await self._changed.wait()
                    continue
                status = await post_update(
                    session, self.webhook["url"], entry.update, self.webhook.get("secret_token")
                )
                self.deliveries.append(Delivery(entry.update_id, status, time.monotonic()))
                if 200 <= status < 300:
                    if entry in self.pending:
                        self.pending.remove(entry)
                else:
                    await asyncio.sleep(self.retry_delay)

    async def close(self) -> None:
        self.webhook = {}
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)


async def post_update(
    session: aiohttp.ClientSession, url: str, update: JSON, secret: str | None
) -> int:
    """POST one update as Telegram does; the HTTP status, or 0 when it could not connect."""
    headers = {SECRET_HEADER: secret} if secret else {}
    try:
        async with session.post(url, json=update, headers=headers) as response:
            return response.status
    except aiohttp.ClientError:
        return 0
