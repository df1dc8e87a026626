"""The Telegram runtime: durable intake, batched processing, the outbox. Framework-free.

::

    runtime = await build_runtime(config, api)      # api: an adapter's BotApi
    await runtime.start()       # getMe, resume unfinished updates and unsent calls, workers
    await runtime.feed(update)  # a Bot API Update dict; returns once it is stored
    await runtime.drain()       # everything fed so far processed, every call sent or failed
    await runtime.run_due_jobs()  # scheduled jobs due now (a ticker also does it every tick)
    await runtime.stop()        # graceful: what is not done stays stored for the next start

Durability: :meth:`TelegramRuntime.feed` returns only when the raw update is committed (group
commits: concurrent feeds share one transaction); a repeated ``update_id`` does nothing.
Updates are processed in the order they were fed, in batches; a batch's messages, verdicts,
strikes and outgoing calls are saved in the same transaction that marks its updates ``done``,
so after a crash an update is either fully done (its calls are queued in the database) or
processed again. Outgoing calls are sent by the :class:`~bot.telegram.outbox.Outbox`.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from bot.app import build_classifier
from bot.classify.classifier import Classifier
from bot.config import Config
from bot.errors import CmbotError, TransportError
from bot.pipeline import Pipeline
from bot.storage import Database, Store
from bot.storage.store_runtime import ProcessedUpdate
from bot.telegram.batching import Batcher
from bot.telegram.clock import SystemClock
from bot.telegram.dispatch import Dispatcher
from bot.telegram.effects import DEEP_LINK_MARK, Effect
from bot.telegram.features import feature_routers
from bot.telegram.members import MemberTracker
from bot.telegram.moderation import Moderator
from bot.telegram.outbox import Outbox
from bot.telegram.playbook_policy import moderation_policy
from bot.telegram.ports import BotApi, Clock
from bot.telegram.processing import Processor
from bot.telegram.routing import Identity, Router
from bot.telegram.updates import PLATFORM

log = logging.getLogger("cmbot.telegram")
MAX_BATCH = 256
TICK: tuple[int, dict[str, Any]] = (-1, {})  # a queue item: run the due jobs


class TelegramRuntime:
    def __init__(
        self,
        config: Config,
        api: BotApi,
        store: Store,
        pipeline: Pipeline,
        clock: Clock,
        *,
        own_database: bool = False,
        routers: Sequence[Router] | None = None,
    ) -> None:
        self.config, self.api, self.store, self.pipeline, self.clock = (
            config,
            api,
            store,
            pipeline,
            clock,
        )
        self._own_database = own_database
        self.identity = Identity()
        self.members = MemberTracker(
            config.telegram.new_member_messages, config.telegram.new_member_hours
        )
        playbooks = pipeline.classifier.playbooks
        moderator = Moderator(
            moderation_policy(playbooks), config.moderation, playbooks.settings.brand
        )
        self.outbox = Outbox(store, api, clock, config.outbox, max_in_flight=config.max_in_flight())
        self.dispatcher = Dispatcher(feature_routers() if routers is None else routers)
        self.processor = Processor(
            store,
            pipeline,
            moderator,
            self.members,
            config,
            clock,
            self.identity,
            self.dispatcher,
        )
        self.processor.on_private_message = self.outbox.unblock
        self.processor.claim, self.processor.release = self.outbox.claim, self.outbox.release
        self._intake: Batcher[tuple[str, dict[str, Any]], tuple[int, bool]] = Batcher(self._store)
        self._queue: asyncio.Queue[tuple[int, dict[str, Any]]] = asyncio.Queue()
        self._unprocessed = 0
        self._processed = asyncio.Event()
        self._processed.set()
        self._worker: asyncio.Task[None] | None = None
        self._ticker: asyncio.Task[None] | None = None
        self._tick_queued = False  # a TICK waits in the queue: the next one is not needed
        self._marked: set[int] = set()  # queued rows stored as ``processing`` already
        self._lock = asyncio.Lock()  # one batch or one round of jobs at a time
        self._accepting = False

    @property
    def bot_username(self) -> str:
        return self.identity.username

    # -- life cycle ---------------------------------------------------------------------

    async def start(self) -> None:
        """Learn who the bot is, resume what a previous run left, start the workers."""
        me = await self.api.call("getMe", {})
        if not isinstance(me, dict) or not me.get("username"):
            raise TransportError(f"getMe answered {me!r}; check the bot token", method="getMe")
        self.identity.bot_id, self.identity.username = me.get("id"), str(me["username"])
        self.processor.secret = await self._button_secret()
        await self.dispatcher.start(self.processor.handler_context())
        since = datetime.fromtimestamp(
            self.clock.time() - self.config.telegram.new_member_hours * 3600, UTC
        )
        joins = await self.store.recent_joins(PLATFORM, since)
        self.members.load((c, u, j.timestamp()) for c, u, j in joins)
        for text, label in await self.store.corrections():
            self.pipeline.classifier.learn(text, label)
        resent = await self.outbox.resume()
        self.outbox.start()
        resumed = await self._resume_updates()
        self._accepting = True
        self._worker = asyncio.create_task(self._work(), name="cmbot-processor")
        if self.config.telegram.tick_seconds > 0:
            self._ticker = asyncio.create_task(self._tick(), name="cmbot-ticker")
        log.info(
            "@%s started: %d unfinished updates resumed, %d queued calls to send",
            self.bot_username,
            resumed,
            resent,
        )

    async def _resume_updates(self) -> int:
        unfinished = await self.store.unfinished_updates(PLATFORM, limit=1_000_000)
        attempts = await self.store.update_attempts([row for row, _ in unfinished])
        limit = self.config.telegram.max_update_attempts
        poison = [row for row, _ in unfinished if attempts.get(row, 0) >= limit]
        if poison:
            log.error("updates %s failed %d times: set aside as failed", poison, limit)
            error = f"processing was interrupted {limit} times; set aside"
            await self.store.save_processed(
                PLATFORM, [ProcessedUpdate(row, "failed", error) for row in poison]
            )
        for row, payload in unfinished:
            if row not in poison:
                self._enqueue(row, payload)
        return len(unfinished) - len(poison)

    async def stop(self, timeout: float | None = None) -> None:
        """Stop taking updates into processing, finish what fits in the grace period (``timeout``,
        default ``outbox.shutdown_grace_seconds``); the rest stays stored for the next start."""
        self._accepting = False
        if self._ticker is not None:
            self._ticker.cancel()
            await asyncio.gather(self._ticker, return_exceptions=True)
            self._ticker = None
        grace = self.config.outbox.shutdown_grace_seconds if timeout is None else timeout
        try:
            await self.drain(grace)
        except (TimeoutError, CmbotError) as exc:
            log.warning("stopping with work left (kept for the next start): %r", exc)
        if self._worker is not None:
            self._worker.cancel()
            await asyncio.gather(self._worker, return_exceptions=True)
            self._worker = None
        await self.outbox.stop()
        await self._intake.join()
        if self._own_database:
            await self.store.db.dispose()

    # -- intake -------------------------------------------------------------------------

    async def feed(self, update: dict[str, Any]) -> None:
        """Store ``update`` durably (deduplicated by ``update_id``), then return."""
        update_id = update.get("update_id")
        if not isinstance(update_id, int):
            digest = hashlib.sha256(json.dumps(update, sort_keys=True).encode()).hexdigest()
            update_id = f"noid:{digest[:40]}"
        await self._intake.submit((str(update_id), update))

    async def _store(self, items: Sequence[tuple[str, dict[str, Any]]]) -> list[tuple[int, bool]]:
        # When the worker is idle, these updates are its next batch, all of them: they are
        # stored as taken into processing already (the attempt it would count at once).
        at_once = (
            self._accepting
            and self._queue.empty()
            and not self._lock.locked()
            and len(items) <= MAX_BATCH
        )
        results = await self.store.record_updates(PLATFORM, items, processing=at_once)
        for (row, new), (_, payload) in zip(results, items, strict=True):
            if new and self._accepting:
                self._enqueue(row, payload, marked=at_once)
        return results

    def _enqueue(self, row: int, payload: dict[str, Any], *, marked: bool = False) -> None:
        self._unprocessed += 1
        self._processed.clear()
        if marked:
            self._marked.add(row)
        self._queue.put_nowait((row, payload))

    # -- processing ---------------------------------------------------------------------

    async def _button_secret(self) -> bytes:
        configured = self.config.telegram.button_secret
        if configured is not None:
            return hashlib.sha256(configured.get_secret_value().encode()).digest()
        return await self.store.secret()

    async def _work(self) -> None:
        while True:
            items = [await self._queue.get()]
            while len(items) < MAX_BATCH and not self._queue.empty():
                items.append(self._queue.get_nowait())
            batch = [item for item in items if item is not TICK]
            if len(batch) < len(items):
                self._tick_queued = False
            try:
                async with self._lock:
                    if batch:
                        marked = self._marked.intersection(row for row, _ in batch)
                        self._marked -= marked
                        for row, effect, claim in await self.processor.process_safely(
                            batch, marked
                        ):
                            if claim is None:
                                self.outbox.put(row, effect)
                            else:
                                self.outbox.start_claimed(claim, row)
                    if len(batch) < len(items):
                        await self._run_jobs()
            finally:
                self._unprocessed -= len(batch)
                if self._unprocessed == 0:
                    self._processed.set()

    async def _tick(self) -> None:
        """Every ``telegram.tick_seconds`` of real time, ask the worker to run due jobs."""
        while True:
            await asyncio.sleep(self.config.telegram.tick_seconds)
            if not self._tick_queued:
                self._tick_queued = True
                self._queue.put_nowait(TICK)

    async def _run_jobs(self) -> list[tuple[int, Effect]]:
        try:
            calls = await self.processor.run_jobs()
        except CmbotError as exc:
            log.error("running scheduled jobs failed (tried again at the next tick): %s", exc)
            return []
        for row, effect in calls:
            self.outbox.put(row, effect)
        return calls

    async def run_due_jobs(self) -> int:
        """Run the scheduled jobs due now (by the runtime's clock); return the calls queued."""
        async with self._lock:
            return len(await self._run_jobs())

    async def drain(self, timeout: float | None = None) -> None:
        """Wait until every update fed so far is processed and every call sent or failed."""

        async def settled() -> None:
            while True:
                await self._intake.join()
                await self._processed.wait()
                await self.outbox.join()
                if (
                    not self._intake.pending
                    and self._unprocessed == 0
                    and not self.outbox.outstanding
                ):
                    return

        await asyncio.wait_for(settled(), timeout)


async def build_runtime(
    config: Config,
    api: BotApi,
    *,
    database: Database | None = None,
    clock: Clock | None = None,
    classifier: Classifier | None = None,
    routers: Sequence[Router] | None = None,
) -> TelegramRuntime:
    """A runtime on ``database`` (default: the configured one, migrated to the newest schema)
    running ``routers`` (default: every feature's, see :mod:`bot.telegram.features`)."""
    own = database is None
    db = database or Database(config.database_url())
    await db.upgrade()
    if classifier is None:  # built here: ready before the first message (and GC-frozen)
        classifier = build_classifier(config).ready()
    pipeline = Pipeline(
        classifier,
        None,
        shadow_mode=config.triage.shadow_mode,
        variables={"deep_link": DEEP_LINK_MARK},
    )
    return TelegramRuntime(
        config,
        api,
        Store(db),
        pipeline,
        clock or SystemClock(),
        own_database=own,
        routers=routers,
    )
