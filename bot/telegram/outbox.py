"""The one outbox every outgoing Bot API call goes through.

Calls are stored (``outbound_messages``, status ``queued``) before the outbox sees them. One
scheduler task sends them: first in, first out per chat (the next call to a chat starts when
the previous one is finished), within the limits of :class:`~bot.telegram.ratelimit.RateLimiter`.
Each call is marked ``sending`` (durably, one commit for all calls started together) just
before it is made, then ``sent`` or ``failed`` (group commits). A call that can start at once
(nothing waits, its chat is free, the limits allow it) is :meth:`Outbox.claim`-ed before it
is stored: it is stored as ``sending`` in the transaction that stores it, and made right
after, without a commit of its own (:meth:`Outbox.start_claimed`).

* 429 :class:`~bot.errors.RetryAfter`: the chat (or, for calls without a chat, everything)
  waits ``retry_after`` seconds, then the call is retried; it never counts as an attempt;
* 5xx, timeouts, network and unexpected errors: retried with exponential backoff until
  ``outbox.max_attempts``;
* 400 :class:`~bot.errors.BadRequest`: failed at once, never retried;
* 403 :class:`~bot.errors.Forbidden`: failed; for a private chat the contact is marked blocked
  and nothing more is sent to them until they write again.

At most ``max_in_flight`` calls are in flight at once. Nothing is dropped: a burst only makes
the queues longer. Only the scheduler sleeps (on the injected clock), so tests run on a fake
clock without waiting.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.config import OutboxConfig
from bot.errors import BadRequest, CmbotError, Forbidden, RetryAfter
from bot.storage import Store
from bot.storage.store_outbound import OutboundChange, OutboundRow
from bot.telegram.batching import Batcher
from bot.telegram.delivery import Item, backoff, log_call, sleep_or_wake
from bot.telegram.effects import Effect
from bot.telegram.ports import BotApi, Clock
from bot.telegram.ratelimit import RateLimiter, Slot
from bot.telegram.updates import PLATFORM

log = logging.getLogger("cmbot.outbox")
NO_CHAT = "\x00no-chat"
RESULTS_LINGER = 0.01
# In a burst (more calls ready than can start), with calls in flight, new ones start only once
# this many (or half of ``max_in_flight``, if fewer) can: the calls started together are marked
# ``sending`` in one transaction, not one each.
PICK_AT_LEAST = 8
DEFAULT_IN_FLIGHT = 8  # without a framework to size it for (see ``Config.max_in_flight``)


def kept_result(result: Any) -> dict[str, Any] | None:
    """What a call answered that features read later: a sent poll's id (to route
    ``poll_answer``), a chat member's status (contest eligibility)."""
    if not isinstance(result, dict):
        return None
    poll = result.get("poll")
    if isinstance(poll, dict) and poll.get("id") is not None:
        return {"poll_id": str(poll["id"])}
    if isinstance(result.get("status"), str) and isinstance(result.get("user"), dict):
        return {"member_status": result["status"], "is_member": result.get("is_member")}
    return None


@dataclass(frozen=True)
class Claim:
    """A call that starts as soon as it is stored (see :meth:`Outbox.claim`)."""

    key: str
    item: Item
    slot: Slot


class Outbox:
    def __init__(
        self,
        store: Store,
        api: BotApi,
        clock: Clock,
        config: OutboxConfig,
        *,
        max_in_flight: int | None = None,
    ) -> None:
        self.store, self.api, self.clock, self.config = store, api, clock, config
        self.max_in_flight = max_in_flight or config.max_in_flight or DEFAULT_IN_FLIGHT
        self.limiter = RateLimiter(config)
        self._queues: dict[str, deque[Item]] = {}
        self._ready: dict[str, None] = {}  # chats whose next call is not in flight, in order
        self._in_flight: set[asyncio.Task[None]] = set()
        self._sending = 0  # calls being made now (at most ``max_in_flight``)
        self._outstanding = 0
        self._blocked: set[str] = set()
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._task: asyncio.Task[None] | None = None
        # Status changes of calls. Results (sent, failed, retried) linger a few ms; the
        # ``sending`` marks of calls about to start go at once and take them along.
        self._writer: Batcher[OutboundChange, None] = Batcher(self._write, linger=RESULTS_LINGER)

    async def _write(self, changes: Sequence[OutboundChange]) -> list[None]:
        await self.store.set_outbound(changes)
        return [None] * len(changes)

    def put(self, row_id: int, effect: Effect, attempts: int = 0) -> None:
        """Queue stored call ``row_id`` behind the others of its chat."""
        key = effect.chat_id or NO_CHAT
        queue = self._queues.setdefault(key, deque())
        queue.append(Item(row_id, effect, attempts))
        if len(queue) == 1:
            self._ready[key] = None
        self._outstanding += 1
        self._idle.clear()
        self._wake.set()

    def claim(self, effect: Effect) -> Claim | None:
        """Reserve an immediate start for ``effect``, if it could start now: the outbox runs,
        no call waits to start, its chat has nothing queued or in flight, a slot is free and
        the limits allow it. The caller stores the call as ``sending`` (attempt 1), then calls
        :meth:`start_claimed`, or :meth:`release` if storing it failed."""
        if self._task is None or self._ready or self._sending >= self.max_in_flight:
            return None
        key = effect.chat_id or NO_CHAT
        if key in self._queues or (effect.user_id in self._blocked and effect.is_send):
            return None
        now = self.clock.monotonic()
        if self.limiter.ready_at(effect.chat_id, effect.is_send, now) > now:
            return None
        item = Item(0, effect)  # its row id comes with start_claimed
        self._queues[key] = deque([item])  # the chat is busy: later calls queue behind it
        self._sending += 1
        self._outstanding += 1
        self._idle.clear()
        return Claim(key, item, self.limiter.start(effect.chat_id, effect.is_send))

    def start_claimed(self, claim: Claim, row_id: int) -> None:
        """Make the claimed call, stored as row ``row_id`` (status ``sending``)."""
        claim.item.row_id = row_id
        self._launch(claim.key, claim.item, claim.slot)

    def _launch(self, key: str, item: Item, slot: Slot) -> None:
        """Make the call in a task of its own (counted in ``_sending`` already)."""
        task = asyncio.create_task(self._send(key, item, slot))
        self._in_flight.add(task)
        task.add_done_callback(self._in_flight.discard)

    def release(self, claim: Claim) -> None:
        """The claimed call was not stored: free its chat and its slot (the slot counts as
        used, which only errs on the side of the limits)."""
        self.limiter.end(claim.slot, self.clock.monotonic())
        queue = self._queues[claim.key]
        queue.popleft()  # the claimed call: the first of its chat
        if queue:
            self._ready[claim.key] = None
        else:
            del self._queues[claim.key]
        self._sending -= 1
        self._outstanding -= 1
        if self._outstanding == 0:
            self._idle.set()
        self._wake.set()

    async def resume(self) -> int:
        """Queue what a previous run stored but did not send; return how many. Calls left
        ``sending`` are failed, or sent again with ``outbox.resend_interrupted``."""
        interrupted = await self.store.outbound_rows(("sending",))
        if interrupted and not self.config.resend_interrupted:
            error = "interrupted while sending; may have been delivered, so not resent"
            log.warning(
                "calls %s were interrupted while sending: not resent", [r.id for r in interrupted]
            )
            await self.store.set_outbound(
                [OutboundChange(r.id, "failed", error=error) for r in interrupted]
            )
            interrupted = []
        queued = await self.store.outbound_rows(("queued",))
        rows: list[OutboundRow] = sorted([*interrupted, *queued], key=lambda r: r.id)
        for row in rows:
            self.put(row.id, Effect.from_row(row), row.attempts)
        return len(rows)

    def unblock(self, user_id: str) -> None:
        """``user_id`` wrote to the bot again, so they no longer block it."""
        if user_id in self._blocked:
            self._blocked.discard(user_id)
            task = asyncio.create_task(self.store.mark_blocked(PLATFORM, user_id, False))
            self._in_flight.add(task)
            task.add_done_callback(self._in_flight.discard)

    def start(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name="cmbot-outbox")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None
        if self._in_flight:
            await asyncio.gather(*self._in_flight, return_exceptions=True)
        await self._writer.join()

    async def join(self) -> None:
        """Wait until every queued call is sent or failed for good, and recorded."""
        await self._idle.wait()
        await self._writer.join()

    @property
    def outstanding(self) -> int:
        return self._outstanding

    async def _run(self) -> None:
        while True:
            self._wake.clear()  # before picking: a wake-up during or after it is not lost
            now = self.clock.monotonic()
            started, wake = self._pick(now)
            if started:
                changes = [
                    OutboundChange(i.row_id, "sending", attempts=i.attempts + 1)
                    for _, i, _ in started
                ]
                marks = [self._writer.submit_nowait(c, urgent=True) for c in changes]
                # One transaction, with the results of calls that ended meanwhile.
                outcomes = await asyncio.gather(*marks, return_exceptions=True)
                failure = next((o for o in outcomes if isinstance(o, BaseException)), None)
                if isinstance(failure, CmbotError):  # the database is busy or down: try soon
                    log.error("could not mark %d calls as sending: %s", len(changes), failure)
                    for key, item, slot in started:
                        self._again(key, item, slot, now, now + 1.0)
                    continue
                if failure is not None:
                    raise failure
                self._sending += len(started)
                for key, item, slot in started:
                    self._launch(key, item, slot)
                continue
            if math.isinf(wake):
                await self._wake.wait()
            else:
                await sleep_or_wake(self.clock, self._wake, wake - now)
            if not self._in_flight:
                self.limiter.forget_idle(self.clock.monotonic())

    def _pick(self, now: float) -> tuple[list[tuple[str, Item, Slot]], float]:
        started: list[tuple[str, Item, Slot]] = []
        wake = math.inf
        free = self.max_in_flight - self._sending
        backlog = len(self._ready) > free
        if self._sending and backlog and free < min(PICK_AT_LEAST, self.max_in_flight // 2):
            return started, wake  # calls that end wake the scheduler
        for key in list(self._ready):
            if len(started) >= free:
                return started, wake
            if self.limiter.global_ready_at(now) > now:
                return started, min(wake, self.limiter.global_ready_at(now))
            item = self._queues[key][0]
            if item.effect.user_id in self._blocked and item.effect.is_send:
                self._finish(key, item, "failed", "the user blocked the bot")
                continue
            chat = item.effect.chat_id
            at = max(item.not_before, self.limiter.ready_at(chat, item.effect.is_send, now))
            if at <= now:
                del self._ready[key]
                started.append((key, item, self.limiter.start(chat, item.effect.is_send)))
            else:
                wake = min(wake, at)
        return started, wake

    async def _send(self, key: str, item: Item, slot: Slot) -> None:
        try:
            await self._call(key, item, slot)
        finally:
            self._sending -= 1
            self._wake.set()

    async def _call(self, key: str, item: Item, slot: Slot) -> None:
        effect = item.effect
        started = self.clock.monotonic()
        item.attempts += 1
        try:
            result = await asyncio.wait_for(
                self.api.call(effect.method, effect.params), self.config.request_timeout_seconds
            )
        except RetryAfter as exc:
            now = self.clock.monotonic()
            self.limiter.pause(effect.chat_id, exc.retry_after, now)
            log_call(item, f"429: paused {exc.retry_after}s", now - started, logging.WARNING)
            item.attempts -= 1  # waiting out a 429 is not a failed attempt
            self._again(key, item, slot, now, now)
        except BadRequest as exc:
            self._finish(key, item, "failed", f"400: {exc}", slot=slot)
        except Forbidden as exc:
            if effect.user_id and effect.chat_id == effect.user_id:
                self._blocked.add(effect.user_id)
                await self._mark_blocked(effect.user_id)
            self._finish(key, item, "failed", f"403: {exc}", slot=slot)
        except Exception as exc:  # 5xx, timeouts, network, and anything unexpected
            reason = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
            now = self.clock.monotonic()
            if item.attempts >= self.config.max_attempts:
                error = f"gave up after {item.attempts}: {reason}"
                self._finish(key, item, "failed", error, slot=slot)
                return
            delay = backoff(self.config, item.attempts)
            log_call(item, f"{reason}; retry in {delay:.2f}s", now - started, logging.WARNING)
            self._writer.submit_nowait(
                OutboundChange(item.row_id, "queued", item.attempts, reason), detached=True
            )
            self._again(key, item, slot, now, now + delay)
        else:
            message_id = result.get("message_id") if isinstance(result, dict) else None
            took = self.clock.monotonic() - started
            self._finish(key, item, "sent", None, message_id, slot, took, kept_result(result))

    async def _mark_blocked(self, user_id: str) -> None:
        with contextlib.suppress(CmbotError):  # the 403 itself is logged with the call
            await self.store.mark_blocked(PLATFORM, user_id)

    def _again(self, key: str, item: Item, slot: Slot, now: float, not_before: float) -> None:
        self.limiter.end(slot, now)
        item.not_before = not_before
        self._ready[key] = None
        self._wake.set()

    def _finish(
        self,
        key: str,
        item: Item,
        status: str,
        error: str | None = None,
        message_id: object = None,
        slot: Slot | None = None,
        took: float = 0.0,
        result: dict[str, Any] | None = None,
    ) -> None:
        """The call is done for good (``sent`` or ``failed``): record it, free its chat."""
        if slot is not None:
            self.limiter.end(slot, self.clock.monotonic())
        level = logging.INFO if status == "sent" else logging.WARNING
        log_call(item, status if error is None else f"{status}: {error}", took, level)
        queue = self._queues[key]
        queue.popleft()
        if queue:
            self._ready[key] = None
        else:
            del self._queues[key]
            self._ready.pop(key, None)
        shown = None if message_id is None else str(message_id)
        change = OutboundChange(item.row_id, status, item.attempts, error, shown, result)
        self._writer.submit_nowait(change, detached=True)
        self._outstanding -= 1
        if self._outstanding == 0:
            self._idle.set()
        self._wake.set()
