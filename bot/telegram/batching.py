"""Group commits: callers submit items one by one; one flush writes all that are waiting."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")
log = logging.getLogger("cmbot.telegram")


class Batcher(Generic[T, R]):
    """Collects items and flushes them in batches of at most ``max_batch``.

    ``flush(items)`` returns one result per item. While a flush runs, new items wait and go
    into the next one, so the batch size grows with the load and a lone item is not delayed.
    ``linger`` (seconds): wait that long for more items before a flush that is not full; for
    writes nobody waits on, whose flush is quick (it may run in the event loop, where nothing
    can join a batch while it runs). An ``urgent`` item ends the wait: it is flushed at once,
    with whatever was lingering.
    """

    def __init__(
        self,
        flush: Callable[[Sequence[T]], Awaitable[Sequence[R]]],
        max_batch: int = 500,
        *,
        linger: float = 0.0,
    ) -> None:
        self._flush = flush
        self.max_batch = max_batch
        self.linger = linger
        self._items: list[tuple[T, asyncio.Future[R]]] = []
        self._task: asyncio.Task[None] | None = None
        self._urgent = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()

    def submit_nowait(
        self, item: T, *, detached: bool = False, urgent: bool = False
    ) -> asyncio.Future[R]:
        """Queue ``item``; ``detached``: nobody awaits the result (failures are only logged);
        ``urgent``: no lingering for it."""
        future: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        if detached:
            future.add_done_callback(lambda f: f.cancelled() or f.exception())
        self._items.append((item, future))
        if urgent:
            self._urgent.set()
        self._idle.clear()
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run())
        return future

    async def submit(self, item: T) -> R:
        return await self.submit_nowait(item)

    async def _run(self) -> None:
        try:
            while self._items:
                if self.linger > 0 and len(self._items) < self.max_batch:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._urgent.wait(), self.linger)
                self._urgent.clear()
                batch, self._items = (
                    self._items[: self.max_batch],
                    self._items[self.max_batch :],
                )
                try:
                    results = await self._flush([item for item, _ in batch])
                except Exception as exc:
                    for _, future in batch:
                        if not future.done():
                            future.set_exception(exc)
                    log.error("writing a batch of %d failed: %s", len(batch), exc)
                    continue
                for (_, future), result in zip(batch, results, strict=True):
                    if not future.done():
                        future.set_result(result)
        finally:
            if not self._items:
                self._idle.set()

    @property
    def pending(self) -> int:
        return len(self._items)

    async def join(self) -> None:
        """Wait until every item submitted so far is flushed."""
        while not self._idle.is_set() or (self._task is not None and not self._task.done()):
            await self._idle.wait()
            if self._task is not None and not self._task.done():
                await asyncio.wait({self._task})
