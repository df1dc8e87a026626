"""Round trips of every Store method, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from bot.domain import CheckHit, InboundMessage, MessageKind, Sentiment, Verdict
from bot.errors import StorageError
from bot.storage import Database, Store
from bot.storage import models as m


def verdict(category: str = "complaint", **kw: object) -> Verdict:
    fields: dict[str, object] = {
        "category": category,
        "labels": (category, "question"),
        "language": "fr",
        "sentiment": Sentiment.NEGATIVE,
        "confidence": 0.87,
        "checks": (CheckHit("keywords", category, 0.6, {"matched": ["remboursement"]}),),
        "scores": {category: 0.87, "question": 0.4},
        "variables": {"order": "A-12"},
        "faq_id": "refunds",
    }
    fields.update(kw)
    return Verdict(**fields)  # type: ignore[arg-type]


async def test_upsert_contact_creates_then_refreshes(store: Store) -> None:
    first = await store.upsert_contact("telegram", "42", "bob", "Bob", "fr")
    again = await store.upsert_contact("telegram", "42", username="bobby")
    other = await store.upsert_contact("telegram", "43")
    elsewhere = await store.upsert_contact("whatsapp", "42")
    assert first == again
    assert len({first, other, elsewhere}) == 3
    async with store.db.session() as session:
        contact = await session.get_one(m.Contact, first)
        # None keeps what was stored; a new value replaces it.
        assert (contact.username, contact.first_name, contact.language) == ("bobby", "Bob", "fr")
        assert contact.blocked is False and contact.erased is False
        assert contact.created_at.tzinfo is not None


async def test_upsert_chat(store: Store) -> None:
    chat = await store.upsert_chat("telegram", "-100123", "Brand community", "supergroup")
    assert await store.upsert_chat("telegram", "-100123") == chat
    assert await store.upsert_chat("telegram", "-100124") != chat
    async with store.db.session() as session:
        row = await session.get_one(m.Chat, chat)
        assert (row.title, row.kind) == ("Brand community", "supergroup")


async def test_record_inbound_round_trip_keeps_every_field(store: Store) -> None:
    paris = timezone(timedelta(hours=2))
    message = InboundMessage(
        text="Ma commande n'est pas arrivée",
        kind=MessageKind.DM,
        platform="telegram",
        chat_id="-1001",
        chat_title="Brand",
        message_id="77",
        thread_id="5",
        user_id="42",
        username="bob",
        first_name="Bob",
        lang_hint="fr",
        received_at=datetime(2025, 3, 1, 12, 30, 15, 123456, tzinfo=paris),
        is_new_member=True,
        extra={"reply_to": 12, "entities": [{"type": "bold"}], "nested": {"ok": True}},
    )
    inbound_id = await store.record_inbound(message)
    back = await store.inbound_message(inbound_id)
    assert back == message  # same instant; the time zone comes back as UTC
    assert back is not None and back.received_at.tzinfo == UTC
    assert await store.count_inbound() == 1
    async with store.db.session() as session:
        row = await session.get_one(m.InboundMessage, inbound_id)
        contact = await session.get_one(m.Contact, row.contact_id)
        chat = await session.get_one(m.Chat, row.chat_id)
        assert (contact.user_id, contact.username, contact.language) == ("42", "bob", "fr")
        assert (chat.chat_id, chat.title) == ("-1001", "Brand")


async def test_record_inbound_without_user_or_chat(store: Store) -> None:
    inbound_id = await store.record_inbound(InboundMessage(text=""))
    back = await store.inbound_message(inbound_id)
    assert back is not None and back.text == "" and back.user_id is None
    assert await store.inbound_message(inbound_id + 1000) is None


async def test_concurrent_messages_from_one_user_share_one_contact(store: Store) -> None:
    messages = [InboundMessage(text=f"#{i}", user_id="7", chat_id="-9") for i in range(20)]
    ids = await asyncio.gather(*(store.record_inbound(msg) for msg in messages))
    assert len(set(ids)) == 20
    async with store.db.session() as session:
        contacts = (await session.scalars(select(m.Contact))).all()
        chats = (await session.scalars(select(m.Chat))).all()
    assert len(contacts) == 1 and len(chats) == 1


async def test_record_verdict_and_reports(store: Store) -> None:
    first = await store.record_inbound(InboundMessage(text="où est mon colis ?", chat_id="-1"))
    second = await store.record_inbound(InboundMessage(text="buy cheap followers"))
    v1 = await store.record_verdict(first, verdict())
    v2 = await store.record_verdict(second, verdict("spam", sentiment=Sentiment.NEUTRAL))
    await store.record_verdict(second, verdict("spam"))
    assert v1 != v2
    assert await store.category_counts() == {"complaint": 1, "spam": 2}
    future = datetime.now(UTC) + timedelta(days=1)
    assert await store.category_counts(since=future) == {}

    recent = await store.recent_verdicts(2)
    assert [r["category"] for r in recent] == ["spam", "spam"]
    oldest = (await store.recent_verdicts(10))[-1]
    assert oldest["id"] == v1 and oldest["inbound_id"] == first
    assert oldest["text"] == "où est mon colis ?" and oldest["chat_id"] == "-1"
    assert oldest["labels"] == ["complaint", "question"]
    assert oldest["sentiment"] == "negative" and oldest["language"] == "fr"
    assert oldest["confidence"] == pytest.approx(0.87)
    assert oldest["checks"] == [verdict().checks[0].as_dict()]
    assert oldest["scores"] == {"complaint": 0.87, "question": 0.4}
    assert oldest["variables"] == {"order": "A-12"} and oldest["faq_id"] == "refunds"
    assert oldest["created_at"].tzinfo is not None


async def test_record_outbound(store: Store) -> None:
    inbound_id = await store.record_inbound(InboundMessage(text="hello", chat_id="-5"))
    out_id = await store.record_outbound("-5", "Bonjour !", "reply", inbound_id=inbound_id)
    delete_id = await store.record_outbound(
        "-5", "", "delete", inbound_id=inbound_id, status="queued", detail={"message_id": "9"}
    )
    async with store.db.session() as session:
        reply = await session.get_one(m.OutboundMessage, out_id)
        delete = await session.get_one(m.OutboundMessage, delete_id)
    assert (reply.platform_chat_id, reply.text, reply.kind) == ("-5", "Bonjour !", "reply")
    assert (reply.status, reply.attempts, reply.detail, reply.case_id) == ("drafted", 0, {}, None)
    assert (delete.status, delete.detail) == ("queued", {"message_id": "9"})


async def test_record_outbound_rejects_unknown_status(store: Store) -> None:
    with pytest.raises(StorageError, match="outbound"):
        await store.record_outbound(None, "x", "reply", status="teleported")


async def test_corrections_in_insertion_order(store: Store) -> None:
    await store.record_correction("livraison en retard", "complaint", "fr")
    await store.record_correction("WIN FREE CRYPTO", "spam", source="cli")
    await store.record_correction("merci !", "praise")
    assert await store.corrections() == [
        ("livraison en retard", "complaint"),
        ("WIN FREE CRYPTO", "spam"),
        ("merci !", "praise"),
    ]
    async with store.db.session() as session:
        rows = (await session.scalars(select(m.Correction).order_by(m.Correction.id))).all()
    assert [(r.language, r.source) for r in rows] == [
        ("fr", "staff"),
        (None, "cli"),
        (None, "staff"),
    ]


async def test_record_event(store: Store) -> None:
    payload = {"case": 3, "who": ["a", "b"], "nested": {"x": 1.5, "none": None}}
    event_id = await store.record_event("case.opened", payload)
    async with store.db.session() as session:
        event = await session.get_one(m.Event, event_id)
    assert (event.kind, event.payload) == ("case.opened", payload)
    assert event.created_at.tzinfo is not None


async def test_raw_updates_are_idempotent_and_resumable(store: Store) -> None:
    row, new = await store.record_update("telegram", 1001, {"update_id": 1001})
    again, new_again = await store.record_update("telegram", "1001", {"update_id": 1001})
    other, _ = await store.record_update("telegram", 1002, {"update_id": 1002})
    assert (again, new, new_again) == (row, True, False)
    await store.set_update_status(row, "processing")
    assert [r for r, _ in await store.unfinished_updates("telegram")] == [row, other]
    await store.set_update_status(row, "done")
    await store.set_update_status(other, "failed", error="boom")
    assert await store.unfinished_updates() == []
    async with store.db.session() as session:
        done = await session.get_one(m.RawUpdate, row)
    assert (done.status, done.attempts, done.processed_at is not None) == ("done", 1, True)
    with pytest.raises(ValueError, match="unknown update status"):
        await store.set_update_status(row, "lost")
    with pytest.raises(StorageError, match="no such record while setting the status of update"):
        await store.set_update_status(row + 1000, "done")


async def test_inbound_links_to_its_raw_update(store: Store) -> None:
    row, _ = await store.record_update("telegram", 5, {"message": {"text": "hi"}})
    inbound_id = await store.record_inbound(InboundMessage(text="hi"), raw_update_id=row)
    async with store.db.session() as session:
        assert (await session.get_one(m.InboundMessage, inbound_id)).raw_update_id == row


async def test_blocked_and_forgotten_contacts(store: Store) -> None:
    message = InboundMessage(text="my data", user_id="9", username="eve", first_name="Eve")
    inbound_id = await store.record_inbound(message)
    await store.mark_blocked("cli", "9")
    assert await store.forget_contact("cli", "9") is True
    assert await store.forget_contact("cli", "unknown") is False
    await store.record_inbound(message)  # writing again must not bring the name back
    async with store.db.session() as session:
        contact = (await session.scalars(select(m.Contact))).one()
        first = await session.get_one(m.InboundMessage, inbound_id)
    assert contact.blocked and contact.blocked_at is not None
    assert contact.erased and contact.erased_at is not None
    assert (contact.username, contact.first_name) == (None, None)
    assert (first.username, first.first_name, first.text) == (None, None, "my data")
    await store.mark_blocked("cli", "9", blocked=False)
    async with store.db.session() as session:
        contact = (await session.scalars(select(m.Contact))).one()
    assert (contact.blocked, contact.blocked_at) == (False, None)


async def test_store_on_a_database_without_schema_says_to_upgrade(
    fresh_database: Database,
) -> None:
    with pytest.raises(StorageError, match="upgrade") as caught:
        await Store(fresh_database).count_inbound()
    assert "counting inbound messages" in str(caught.value)
