"""Batched runtime writes: updates deduplicated, a batch saved with its statuses, strikes, joins."""

from __future__ import annotations

from datetime import timedelta

from bot.domain import InboundMessage, Sentiment, Verdict, utcnow
from bot.storage import Store
from bot.storage.store_outbound import OutboundChange, OutboundRecord
from bot.storage.store_runtime import ProcessedUpdate, StrikeRecord


async def test_record_updates_deduplicates_within_and_across_batches(store: Store) -> None:
    first = await store.record_updates("telegram", [(1, {"a": 1}), (2, {}), (1, {"a": 2})])
    assert [new for _, new in first] == [True, True, False]
    assert first[2][0] == first[0][0]
    again = await store.record_updates("telegram", [(2, {}), (3, {})])
    assert [new for _, new in again] == [False, True]
    assert [row for row, _ in await store.unfinished_updates("telegram")] == [
        first[0][0],
        first[1][0],
        again[1][0],
    ]


async def test_updates_stored_as_taken_into_processing_count_their_attempt(store: Store) -> None:
    [(row, _), (again, new)] = await store.record_updates(
        "telegram", [(30, {}), (30, {})], processing=True
    )
    assert again == row and not new
    assert await store.update_attempts([row]) == {row: 1}
    assert [r for r, _ in await store.unfinished_updates("telegram")] == [row]  # until done
    [(other, _)] = await store.record_updates("telegram", [(31, {})])
    assert await store.update_attempts([other]) == {other: 0}
    [(same, new)] = await store.record_updates("telegram", [(31, {})], processing=True)
    assert same == other and not new  # a stored update is not marked by a repeat
    assert await store.update_attempts([other]) == {other: 0}


async def test_save_processed_writes_everything_and_marks_done(store: Store) -> None:
    [(row, _)] = await store.record_updates("telegram", [(10, {"message": {}})])
    await store.mark_updates_processing([row])
    assert await store.update_attempts([row]) == {row: 1}
    message = InboundMessage(
        text="spam\x00",
        platform="telegram",
        chat_id="-100",
        user_id="5",
        message_id="9",
        extra={"chat_type": "supergroup"},
    )
    verdict = Verdict("spam", ("spam",), "en", Sentiment.NEUTRAL, 0.9, ())
    result = ProcessedUpdate(
        row,
        message=message,
        verdict=verdict,
        outbound=[OutboundRecord("-100", "delete", "delete 9", {"method": "deleteMessage"})],
        strikes=[StrikeRecord("-100", "5", "delete+warn")],
        joins=[("-100", "5", utcnow())],
        events=[("seen", {"n": 1})],
    )
    [[out_id]] = await store.save_processed("telegram", [result])
    assert await store.unfinished_updates("telegram") == []
    (queued,) = await store.outbound_rows(("queued",))
    assert queued.id == out_id and queued.detail == {"method": "deleteMessage"}
    assert queued.inbound_id is not None
    assert (await store.inbound_message(queued.inbound_id)).text == "spam\x00"  # type: ignore[union-attr]
    assert await store.last_category("telegram", "-100", "9") == "spam"
    assert await store.find_inbound("telegram", "-100", "9") == queued.inbound_id
    since = utcnow() - timedelta(hours=1)
    assert await store.count_strikes("telegram", "-100", "5", since) == 1
    assert [(c, u) for c, u, _ in await store.recent_joins("telegram", since)] == [("-100", "5")]

    await store.set_outbound([OutboundChange(out_id, "sent", attempts=1, message_id="77")])
    (sent,) = await store.outbound_rows(("sent",))
    assert sent.attempts == 1


async def test_a_failed_update_is_finished(store: Store) -> None:
    [(row, _)] = await store.record_updates("telegram", [(11, {})])
    await store.save_processed("telegram", [ProcessedUpdate(row, "failed", "boom")])
    assert await store.unfinished_updates("telegram") == []


async def test_batched_contacts_keep_an_erased_contact_erased(store: Store) -> None:
    def result(row: int) -> ProcessedUpdate:
        msg = InboundMessage(
            text="hi",
            platform="telegram",
            chat_id="-100",
            user_id="5",
            message_id=str(row),
            username="lea",
            first_name="Léa",
        )
        return ProcessedUpdate(row, message=msg)

    rows = await store.record_updates("telegram", [(20, {}), (21, {})])
    await store.save_processed("telegram", [result(rows[0][0])])
    assert await store.forget_contact("telegram", "5")
    await store.save_processed("telegram", [result(rows[1][0])])
    from sqlalchemy import select

    from bot.storage.models import Contact

    async with store.db.session() as session:
        contact = await session.scalar(select(Contact).filter_by(user_id="5"))
        assert contact is not None and contact.erased and contact.username is None


async def test_an_erased_contact_stays_erased_when_a_fresh_store_sees_them(store: Store) -> None:
    """The upsert itself keeps an erased contact's fields empty: a store that has not seen the
    contact since (a restart) writes their new name nowhere."""
    rows = await store.record_updates("telegram", [(40, {}), (41, {})])

    def result(row: int, name: str) -> ProcessedUpdate:
        msg = InboundMessage(
            text="hi", platform="telegram", chat_id="6", user_id="6", message_id=str(row),
            username=name, first_name=name, lang_hint="fr",
        )  # fmt: skip
        return ProcessedUpdate(row, message=msg)

    await store.save_processed("telegram", [result(rows[0][0], "lea")])
    assert await store.forget_contact("telegram", "6")
    await Store(store.db).save_processed("telegram", [result(rows[1][0], "lea2")])
    from sqlalchemy import select

    from bot.storage.models import Contact

    async with store.db.session() as session:
        contact = await session.scalar(select(Contact).filter_by(user_id="6"))
        assert contact is not None and contact.erased
        assert (contact.username, contact.first_name, contact.language) == (None, None, None)


async def test_a_contact_not_erased_gets_its_new_name(store: Store) -> None:
    [(row, _)] = await store.record_updates("telegram", [(42, {})])
    await store.upsert_contact("telegram", "7", username="old", first_name="Old")
    msg = InboundMessage(
        text="hi", platform="telegram", chat_id="7", user_id="7", message_id="1", username="new",
    )  # fmt: skip
    await store.save_processed("telegram", [ProcessedUpdate(row, message=msg)])
    from sqlalchemy import select

    from bot.storage.models import Contact

    async with store.db.session() as session:
        contact = await session.scalar(select(Contact).filter_by(user_id="7"))
        assert contact is not None and (contact.username, contact.first_name) == ("new", "Old")
