"""The outbox on real databases: limits measured on the fake clock, 429/5xx/403/400, bursts."""

from __future__ import annotations

import asyncio
import itertools
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

import pytest
from sqlalchemy import select

from bot.config import OutboxConfig
from bot.errors import BadRequest, Forbidden, NetworkError, RetryAfter, ServerError, StorageError
from bot.storage import Database, Store
from bot.storage.models import Contact
from bot.storage.store_outbound import OutboundChange
from bot.telegram.effects import Effect, delete_message, send_text
from bot.telegram.outbox import Outbox
from tests.storage.conftest import backend, database, database_url  # noqa: F401  fixtures
from tests.telegram.fakes import Call, FakeClock, RecordingApi


async def queue(store: Store, outbox: Outbox, effect: Effect) -> int:
    record = effect.record()
    row = await store.record_outbound(
        record.chat_id, record.text, record.kind, status="queued", detail=record.detail
    )
    outbox.put(row, effect)
    return row


def most_in_any_window(times: list[float], span: float) -> int:
    times = sorted(times)
    best, start = 0, 0
    for end, t in enumerate(times):
        while t - times[start] >= span:
            start += 1
        best = max(best, end - start + 1)
    return best


@pytest.fixture
async def outbox(database: Database, api: RecordingApi, clock: FakeClock) -> Outbox:
    box = Outbox(Store(database), api, clock, OutboxConfig())
    yield box  # type: ignore[misc]
    await box.stop()


async def run(outbox: Outbox) -> None:
    """Start sending what was queued, wait until all of it is sent or failed."""
    outbox.start()
    await outbox.join()


async def statuses(store: Store, ids: list[int]) -> dict[str, int]:
    rows = await store.outbound_rows(("queued", "sending", "sent", "failed"), ids=ids)
    counts: dict[str, int] = defaultdict(int)
    for row in rows:
        counts[row.status] += 1
    return dict(counts)


async def test_limits_per_chat_per_group_and_global(
    database: Database, outbox: Outbox, api: RecordingApi
) -> None:
    store = Store(database)
    ids = [await queue(store, outbox, send_text("-100", f"group {i}")) for i in range(45)]
    ids += [await queue(store, outbox, send_text(str(u), f"dm {u}")) for u in range(1, 121)]
    await run(outbox)
    group = [c.at for c in api.sent() if c.params["chat_id"] == -100]
    assert len(group) == 45
    assert min(b - a for a, b in itertools.pairwise(group)) >= 1.0  # 1 message/s per chat
    assert most_in_any_window(group, 60.0) <= 20  # 20 messages/min per group
    assert most_in_any_window([c.at for c in api.sent()], 1.0) <= 30  # 30 messages/s overall
    assert await statuses(store, ids) == {"sent": 165}


async def test_429_pauses_the_chat_for_retry_after(
    database: Database, outbox: Outbox, api: RecordingApi, clock: FakeClock
) -> None:
    store = Store(database)
    api.fail(RetryAfter("Too Many Requests: retry after 7", 7), chat_id=-100)
    start = clock.now
    row = await queue(store, outbox, send_text("-100", "hello"))
    await queue(store, outbox, send_text("-200", "other chat"))
    await run(outbox)
    tries = [c for c in api.calls if c.params.get("chat_id") == -100]
    assert [c.ok for c in tries] == [False, True]
    assert tries[1].at - tries[0].at >= 7
    other = next(c for c in api.calls if c.params.get("chat_id") == -200)
    assert other.at - start < 7  # other chats are not paused
    (saved,) = await store.outbound_rows(("sent",), ids=[row])
    assert saved.attempts == 1  # waiting out a 429 is not a failed attempt


async def test_5xx_and_timeouts_are_retried_with_backoff(
    database: Database, outbox: Outbox, api: RecordingApi
) -> None:
    store = Store(database)
    api.fail(ServerError("Bad Gateway"), times=2)
    api.fail(NetworkError("timeout"))
    row = await queue(store, outbox, send_text("5", "hi"))
    await run(outbox)
    tries = [c.at for c in api.calls]
    assert len(tries) == 4 and api.calls[-1].ok
    gaps = [b - a for a, b in itertools.pairwise(tries)]
    assert gaps[0] >= 0.5 and gaps[1] >= 1.0 and gaps[2] >= 2.0  # exponential
    (saved,) = await store.outbound_rows(("sent",), ids=[row])
    assert saved.attempts == 4 and saved.detail["method"] == "sendMessage"


async def test_gives_up_after_max_attempts(
    database: Database, api: RecordingApi, clock: FakeClock
) -> None:
    store = Store(database)
    box = Outbox(store, api, clock, OutboxConfig(max_attempts=3))
    api.fail(ServerError("Internal Server Error"), times=10)
    row = await queue(store, box, send_text("5", "hi"))
    await run(box)
    await box.stop()
    assert len(api.calls) == 3
    assert len(await store.outbound_rows(("failed",), ids=[row])) == 1
    assert "gave up after 3" in (await _error(database, row))


async def test_400_is_never_retried(database: Database, outbox: Outbox, api: RecordingApi) -> None:
    store = Store(database)
    api.fail(BadRequest("Bad Request: message to delete not found"))
    row = await queue(store, outbox, delete_message("-100", "5"))
    after = await queue(store, outbox, send_text("-100", "next"))
    await run(outbox)
    assert [c.method for c in api.calls] == ["deleteMessage", "sendMessage"]
    assert await statuses(store, [row, after]) == {"failed": 1, "sent": 1}
    assert "message to delete not found" in await _error(database, row)


async def test_403_marks_the_contact_blocked_and_stops_writing_to_them(
    database: Database, outbox: Outbox, api: RecordingApi
) -> None:
    store = Store(database)
    await store.upsert_contact("telegram", "77", "lea")
    api.fail(Forbidden("Forbidden: bot was blocked by the user"), chat_id=77)
    ids = [await queue(store, outbox, send_text("77", f"m{i}", user_id="77")) for i in range(3)]
    await run(outbox)
    assert len(api.calls) == 1  # the next two are not even tried
    assert await statuses(store, ids) == {"failed": 3}
    async with database.session() as session:
        contact = await session.scalar(select(Contact).filter_by(user_id="77"))
        assert contact is not None and contact.blocked and contact.blocked_at is not None

    outbox.unblock("77")  # they wrote to the bot again
    await queue(store, outbox, send_text("77", "welcome back", user_id="77"))
    await outbox.join()
    await outbox.stop()
    assert api.sent()[-1].params["text"] == "welcome back"
    async with database.session() as session:
        contact = await session.scalar(select(Contact).filter_by(user_id="77"))
        assert contact is not None and not contact.blocked


async def test_a_burst_of_500_under_429s_is_delivered_in_order_per_chat(
    database: Database, outbox: Outbox, api: RecordingApi
) -> None:
    store = Store(database)
    chats = ["-101", "-102", "11", "12", "13"]
    for chat in chats[:3]:
        api.fail(RetryAfter("Too Many Requests", 3), chat_id=chat, times=2)
    api.fail(ServerError("Bad Gateway"), times=5)
    ids = []
    for i in range(500):
        chat = chats[i % len(chats)]
        ids.append(await queue(store, outbox, send_text(chat, f"{chat}:{i}")))
    await run(outbox)
    delivered: dict[str, list[int]] = defaultdict(list)
    for call in api.sent():
        chat, number = call.params["text"].split(":")
        delivered[chat].append(int(number))
    assert sum(len(v) for v in delivered.values()) == 500  # nothing dropped, nothing doubled
    for numbers in delivered.values():
        assert numbers == sorted(numbers)  # order per chat
    assert await statuses(store, ids) == {"sent": 500}
    by_chat: dict[int, list[Call]] = defaultdict(list)
    for call in api.calls:
        by_chat[call.params["chat_id"]].append(call)
    for calls in by_chat.values():
        assert min(b.at - a.at for a, b in itertools.pairwise(calls) if a.ok) >= 1.0


async def test_resume_sends_queued_calls_and_does_not_resend_interrupted_ones(
    database: Database, api: RecordingApi, clock: FakeClock
) -> None:
    store = Store(database)
    queued = await store.save_processed("telegram", [])  # nothing; exercise the empty path
    assert queued == []
    a = send_text("1", "queued before the crash").record()
    b = send_text("2", "was being sent when killed").record()
    row_a = await store.record_outbound(a.chat_id, a.text, a.kind, status="queued", detail=a.detail)
    row_b = await store.record_outbound(b.chat_id, b.text, b.kind, status="queued", detail=b.detail)
    await store.set_outbound([OutboundChange(row_b, "sending", attempts=1)])

    box = Outbox(store, api, clock, OutboxConfig())
    assert await box.resume() == 1
    box.start()
    await box.join()
    await box.stop()
    assert [c.params["text"] for c in api.sent()] == ["queued before the crash"]
    assert await statuses(store, [row_a, row_b]) == {"sent": 1, "failed": 1}

    # With resend_interrupted, an interrupted call goes out again (never lost).
    await store.set_outbound([OutboundChange(row_b, "sending")])
    again = Outbox(store, api, clock, OutboxConfig(resend_interrupted=True))
    assert await again.resume() == 1
    again.start()
    await again.join()
    await again.stop()
    assert api.sent()[-1].params["text"] == "was being sent when killed"


async def _error(database: Database, row: int) -> str:
    from bot.storage.models import OutboundMessage

    async with database.session() as session:
        saved = await session.get_one(OutboundMessage, row)
        return saved.error or ""


class SlowApi(RecordingApi):
    """Answers after a few real milliseconds, counting the calls in flight."""

    def __init__(self, clock: FakeClock) -> None:
        super().__init__(clock)
        self.in_flight = 0
        self.peak = 0

    async def call(self, method: str, params: Mapping[str, Any]) -> Any:
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        try:
            await asyncio.sleep(0.005)
            return await super().call(method, params)
        finally:
            self.in_flight -= 1


async def test_at_most_max_in_flight_calls_at_once(database: Database, clock: FakeClock) -> None:
    api = SlowApi(clock)
    box = Outbox(Store(database), api, clock, OutboxConfig(max_in_flight=3))
    store = Store(database)
    ids = [await queue(store, box, send_text(str(u), f"dm {u}")) for u in range(1, 13)]
    try:
        await run(box)
    finally:
        await box.stop()
    assert api.peak == 3
    assert len(api.sent()) == 12
    assert await statuses(store, ids) == {"sent": 12}


async def test_a_sent_call_records_when_it_was_sent_a_failed_one_does_not(
    database: Database, outbox: Outbox, api: RecordingApi
) -> None:
    from bot.storage.models import OutboundMessage

    store = Store(database)
    api.fail(BadRequest("message text is empty"), chat_id=2)
    sent = await queue(store, outbox, send_text("1", "hello"))
    failed = await queue(store, outbox, send_text("2", "hello"))
    await run(outbox)
    async with database.session() as session:
        rows = {r.id: r for r in (await session.scalars(select(OutboundMessage))).all()}
    assert rows[sent].status == "sent" and rows[sent].sent_at is not None
    assert rows[sent].updated_at is not None and rows[sent].attempts == 1
    assert rows[failed].status == "failed" and rows[failed].sent_at is None
    assert rows[failed].error is not None and "400" in rows[failed].error


class FlakyStore(Store):
    """A real store whose first status write fails as if the database were unreachable."""

    failures = 1

    async def set_outbound(self, changes: Sequence[OutboundChange]) -> None:
        if self.failures:
            self.failures -= 1
            raise StorageError("database unreachable (injected)")
        await super().set_outbound(changes)


async def test_calls_wait_while_they_cannot_be_marked_sending_then_go_once(
    database: Database, api: RecordingApi, clock: FakeClock
) -> None:
    store = FlakyStore(database)
    box = Outbox(store, api, clock, OutboxConfig())
    ids = [await queue(store, box, send_text(str(u), f"dm {u}")) for u in (1, 2)]
    try:
        await run(box)
    finally:
        await box.stop()
    assert sorted(c.params["chat_id"] for c in api.sent()) == [1, 2]  # each once
    assert await statuses(store, ids) == {"sent": 2}


async def claimed(store: Store, outbox: Outbox, effect: Effect) -> int | None:
    """Store ``effect`` the way processing does: claimed calls as ``sending``."""
    claim = outbox.claim(effect)
    record = effect.record()
    row = await store.record_outbound(
        record.chat_id,
        record.text,
        record.kind,
        status="queued" if claim is None else "sending",
        detail=record.detail,
    )
    if claim is None:
        outbox.put(row, effect)
        return None
    outbox.start_claimed(claim, row)
    return row


async def test_a_claimed_call_starts_at_once_and_the_next_of_its_chat_waits_behind_it(
    database: Database, outbox: Outbox, api: RecordingApi, clock: FakeClock
) -> None:
    store = Store(database)
    assert outbox.claim(send_text("7", "not running")) is None  # the outbox is not started
    outbox.start()
    first = await claimed(store, outbox, send_text("7", "first"))
    assert first is not None
    assert await claimed(store, outbox, send_text("8", "other chat")) is not None
    assert await claimed(store, outbox, send_text("7", "second")) is None  # its chat is busy
    await outbox.join()
    to_seven = [c for c in api.sent() if c.params["chat_id"] == 7]
    assert [c.params["text"] for c in to_seven] == ["first", "second"]
    assert to_seven[1].at - to_seven[0].at >= 1.0  # the per-chat limit still holds
    rows = await store.outbound_rows(("sent",))
    assert len(rows) == 3 and rows[0].attempts == 1


async def test_no_claim_while_calls_wait_to_start_or_over_the_limits(
    database: Database, api: RecordingApi, clock: FakeClock
) -> None:
    outbox = Outbox(Store(database), api, clock, OutboxConfig(global_per_second=1))
    outbox.start()
    try:
        claim = outbox.claim(send_text("1", "a"))
        assert claim is not None
        assert outbox.claim(send_text("2", "b")) is None  # 1/s overall: the slot is taken
        outbox.release(claim)  # storing it failed
        assert outbox.outstanding == 0
        await queue(Store(database), outbox, send_text("3", "c"))
        await queue(Store(database), outbox, send_text("4", "d"))
        assert outbox.claim(send_text("5", "e")) is None  # calls wait: they go first
        await outbox.join()
        assert [c.params["chat_id"] for c in api.sent()] == [3, 4]
    finally:
        await outbox.stop()
