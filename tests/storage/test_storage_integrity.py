"""Foreign keys, ON DELETE behaviour and constraints, enforced on both backends."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, select, text

from bot.domain import InboundMessage, Sentiment, Verdict
from bot.errors import StorageError
from bot.storage import Database, Store
from bot.storage import models as m

VERDICT = Verdict("spam", ("spam",), "en", Sentiment.NEUTRAL, 0.9, ())


async def test_sqlite_pragmas(database: Database) -> None:
    if database.backend != "sqlite":
        assert database.backend == "postgresql"
        return
    async with database.engine.connect() as connection:
        fk = (await connection.exec_driver_sql("PRAGMA foreign_keys")).scalar()
        journal = (await connection.exec_driver_sql("PRAGMA journal_mode")).scalar()
    assert (fk, str(journal).lower()) == (1, "wal")


async def test_verdict_for_a_missing_message_is_refused(store: Store) -> None:
    with pytest.raises(StorageError) as caught:
        await store.record_verdict(12345, VERDICT)
    message = str(caught.value)
    assert "verdict for inbound message 12345" in message
    assert "must exist" in message


async def test_deleting_a_contact_or_chat_keeps_the_messages(store: Store) -> None:
    message = InboundMessage(text="keep me", user_id="1", chat_id="2")
    inbound_id = await store.record_inbound(message)
    async with store.db.session() as session:
        await session.execute(delete(m.Contact))
        await session.execute(delete(m.Chat))
    async with store.db.session() as session:
        row = await session.get_one(m.InboundMessage, inbound_id)
        assert (row.text, row.contact_id, row.chat_id) == ("keep me", None, None)
        assert (row.platform_user_id, row.platform_chat_id) == ("1", "2")  # still known


async def test_deleting_a_case_or_update_keeps_messages_and_replies(store: Store) -> None:
    update_id, _ = await store.record_update("telegram", 1, {})
    inbound_id = await store.record_inbound(InboundMessage(text="help"), raw_update_id=update_id)
    async with store.db.session() as session:
        case = m.Case(category="complaint", first_message_id=inbound_id)
        session.add(case)
        await session.flush()
        session.add(m.CaseEvent(case_id=case.id, kind="opened", actor="bot"))
        case_id = case.id
    reply_id = await store.record_outbound("-1", "on it", "reply", inbound_id, case_id)
    async with store.db.session() as session:
        await session.execute(delete(m.Case))
        await session.execute(delete(m.RawUpdate))
    async with store.db.session() as session:
        reply = await session.get_one(m.OutboundMessage, reply_id)
        message = await session.get_one(m.InboundMessage, inbound_id)
        events = (await session.scalars(select(m.CaseEvent))).all()
    assert (reply.case_id, reply.inbound_id) == (None, inbound_id)
    assert message.raw_update_id is None
    assert events == []  # a case's history goes with the case


async def test_deleting_a_message_takes_its_verdicts_only(store: Store) -> None:
    inbound_id = await store.record_inbound(InboundMessage(text="spam spam"))
    await store.record_verdict(inbound_id, VERDICT)
    reply_id = await store.record_outbound(None, "", "delete", inbound_id=inbound_id)
    async with store.db.session() as session:
        await session.execute(delete(m.InboundMessage))
    assert await store.category_counts() == {}
    async with store.db.session() as session:
        assert (await session.get_one(m.OutboundMessage, reply_id)).inbound_id is None


async def test_engagement_records_follow_their_item(store: Store) -> None:
    contact_id = await store.upsert_contact("telegram", "5")
    async with store.db.session() as session:
        item = m.EngagementItem(kind="poll", title="Best flavour?", definition={"options": []})
        session.add(item)
        await session.flush()
        session.add(m.EngagementRecord(item_id=item.id, contact_id=contact_id, kind="vote"))
        session.add(m.Lead(contact_id=contact_id, source="contest", consent=True))
    async with store.db.session() as session:
        await session.execute(delete(m.Contact))
    async with store.db.session() as session:
        record = (await session.scalars(select(m.EngagementRecord))).one()
        lead = (await session.scalars(select(m.Lead))).one()
        assert (record.contact_id, lead.contact_id, lead.status) == (None, None, "new")
        await session.execute(delete(m.EngagementItem))
    async with store.db.session() as session:
        assert (await session.scalars(select(m.EngagementRecord))).all() == []


@pytest.mark.parametrize(
    ("table", "column"),
    [("cases", "status"), ("leads", "status"), ("engagement_items", "kind")],
)
async def test_status_vocabularies_are_checked(store: Store, table: str, column: str) -> None:
    model = {"cases": m.Case, "leads": m.Lead, "engagement_items": m.EngagementItem}[table]
    fields = {
        "cases": {},
        "leads": {"source": "dm"},
        "engagement_items": {"definition": {}},
    }[table]
    with pytest.raises(StorageError, match="refused"):
        async with store.db.session("adding a bad row") as session:
            session.add(model(**fields, **{column: "bogus"}))


async def test_a_failed_unit_of_work_is_rolled_back(store: Store) -> None:
    with pytest.raises(StorageError):
        async with store.db.session() as session:
            session.add(m.Event(kind="first", payload={}))
            await session.flush()
            await session.execute(text("SELECT * FROM no_such_table"))
    async with store.db.session() as session:
        assert (await session.scalars(select(m.Event))).all() == []
