"""Group commits: concurrent submissions share one flush; a failed flush fails its callers."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from bot.telegram.batching import Batcher
from bot.telegram.members import MemberTracker


async def test_concurrent_items_share_a_flush_and_keep_their_order() -> None:
    flushes: list[list[int]] = []

    async def flush(items: Sequence[int]) -> list[int]:
        flushes.append(list(items))
        await asyncio.sleep(0)
        return [i * 10 for i in items]

    batcher: Batcher[int, int] = Batcher(flush, max_batch=50)
    results = await asyncio.gather(*(batcher.submit(i) for i in range(120)))
    assert results == [i * 10 for i in range(120)]
    assert [i for batch in flushes for i in batch] == list(range(120))
    assert len(flushes) <= 4 and max(len(b) for b in flushes) <= 50
    await batcher.join()


async def test_a_failed_flush_raises_in_every_caller() -> None:
    async def flush(items: Sequence[int]) -> list[int]:
        raise RuntimeError("disk full")

    batcher: Batcher[int, int] = Batcher(flush)
    with pytest.raises(RuntimeError, match="disk full"):
        await batcher.submit(1)
    batcher.submit_nowait(2, detached=True)
    await batcher.join()


def test_member_tracker_window() -> None:
    tracker = MemberTracker(messages=3, hours=1)
    tracker.joined("-1", "5", 0.0)
    assert tracker.is_new("-1", "5", 10.0)
    assert not tracker.is_new("-1", "5", 3601.0)  # too long after joining
    assert not tracker.is_new("-1", "6", 10.0)


async def test_with_a_linger_items_submitted_one_by_one_share_a_flush() -> None:
    flushes: list[list[int]] = []

    async def flush(items: Sequence[int]) -> list[None]:
        flushes.append(list(items))  # returns at once, as a write in the event loop does
        return [None] * len(items)

    eager: Batcher[int, None] = Batcher(flush)
    lingering: Batcher[int, None] = Batcher(flush, linger=0.05)
    for batcher in (eager, lingering):
        for i in range(5):
            batcher.submit_nowait(i, detached=True)
            await asyncio.sleep(0.001)
        await batcher.join()
    assert flushes[:-1] == [[0], [1], [2], [3], [4]]  # without a linger: one flush each
    assert flushes[-1] == [0, 1, 2, 3, 4]
