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
