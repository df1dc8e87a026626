"""The resolution ladder through the runtime (RecordingApi, FakeClock) on SQLite and
PostgreSQL: complaint → case card → private chat → details → edited reply → resolution →
CSAT 24 simulated hours later → closed, every step recorded."""

from __future__ import annotations

from bot.storage import Database, Store
from tests.cases.conftest import buttons, card_id, press, sent_to, staff_reply
from tests.telegram import fakes as f
from tests.telegram.conftest import Factory
from tests.telegram.fakes import FakeClock, RecordingApi

COMPLAINT = (
    "Bonjour, ma commande n'est jamais arrivée et personne ne répond au service client, "
    "c'est inadmissible !"
)


async def test_a_complaint_is_worked_from_public_comment_to_closed_case(
    make_runtime: Factory, api: RecordingApi, clock: FakeClock, database: Database
) -> None:
    store = Store(database)
    runtime = await make_runtime()
    await runtime.feed(f.comment(COMPLAINT, uid=222, message_id=120))
    await runtime.drain(30)

    (ack,) = sent_to(api, f.GROUP)
    assert f"start=c{f.GROUP}_120" in ack["text"]
    (case,) = await store.cases()
    assert (case.category, case.status, case.priority) == (
        "complaint",
        "waiting_customer",
        "urgent",
    )
    assert case.first_response_at is not None  # the public acknowledgement
    (card,) = sent_to(api, f.STAFF_CHAT)
    labels = [b["text"] for b in buttons(card)]
    for label in ("Reclassify", "Claim", "Resolve", "Spam", "Take over"):
        assert any(label in text for text in labels), labels
    assert f"Case #{case.id}" in card["text"]

    # The customer opens the private chat from the button, then gives the order number.
    await runtime.feed(f.private_message(f"/start c{f.GROUP}_120", uid=222, message_id=1))
    await runtime.drain(30)
    (ask,) = sent_to(api, 222)
    assert "commande" in ask["text"] and "/forget" in ask["text"]
    await runtime.feed(f.private_message("Ma commande est MS-482913", uid=222, message_id=2))
    await runtime.drain(30)
    case = await store.case(case.id)
    assert case is not None and case.private_chat_id == "222"
    assert case.details["variables"]["order_number"] == "482913"
    assert case.status == "waiting_staff" and case.draft and "#" in case.draft
    update_card = sent_to(api, f.STAFF_CHAT)[-1]
    assert any("Edit" in b["text"] for b in buttons(update_card))

    # The agent edits the drafted remedy: their text is sent instead of the draft.
    await runtime.feed(press(runtime, "ce", case.id))
    await runtime.drain(30)
    edited = "Bonjour Léa, nous vous renvoyons le colis aujourd'hui, avec nos excuses."
    await runtime.feed(staff_reply(edited, await card_id(store, case.id)))
    await runtime.drain(30)
    assert sent_to(api, 222)[-1]["text"] == edited
    assert all(p["text"] != case.draft for p in sent_to(api, 222))

    await runtime.feed(press(runtime, "cv", case.id))
    await runtime.drain(30)
    case = await store.case(case.id)
    assert case is not None and case.status == "resolved"

    clock.now += 23 * 3600
    await runtime.run_due_jobs()
    await runtime.drain(30)
    assert not any(buttons(p) for p in sent_to(api, 222))  # not yet
    clock.now += 3600
    await runtime.run_due_jobs()
    await runtime.drain(30)
    csat = sent_to(api, 222)[-1]
    scores = buttons(csat)
    assert [b["text"] for b in scores] == ["1", "2", "3", "4", "5"]
    await runtime.feed(f.callback(scores[4]["callback_data"], uid=222, chat_id=222))
    await runtime.drain(30)
    thanks, invite = sent_to(api, 222)[-2:]
    assert "Merci" in thanks["text"] and "commentaire public" in invite["text"]

    case = await store.case(case.id)
    assert case is not None and case.status == "closed" and case.csat == 5
    kinds = [e.kind for e in await store.case_events(case.id)]
    for kind in (
        "opened",
        "acknowledged",
        "first_response",
        "moved_to_private",
        "asked_details",
        "customer_message",
        "edit_started",
        "draft_edited",
        "agent_reply",
        "csat_scheduled",
        "csat_sent",
        "csat_answered",
        "review_invited",
    ):
        assert kind in kinds, (kind, kinds)
    moves = [
        (e.payload["from"], e.payload["to"])
        for e in await store.case_events(case.id)
        if e.kind == "status"
    ]
    assert moves[-1] == ("resolved", "closed")
    times = [e.at for e in await store.case_events(case.id)]
    assert times == sorted(times) and (times[-1] - times[0]).total_seconds() >= 24 * 3600


async def test_messages_of_one_customer_in_one_batch_share_one_case(
    make_runtime: Factory, database: Database
) -> None:
    """The cases of a whole batch are read at once; a case opened by a customer's first
    message is still found by their next one in the same batch."""
    store = Store(database)
    runtime = await make_runtime()
    first = f.private_message(COMPLAINT, uid=333, message_id=1)
    second = f.private_message("Ma commande est MS-482913, toujours rien.", uid=333, message_id=2)
    other = f.private_message(COMPLAINT, uid=334, message_id=1)
    runtime._accepting = False  # hold processing: the three updates go in one batch
    for update in (first, second, other):
        await runtime.feed(update)
    unfinished = await store.unfinished_updates("telegram", limit=10)
    assert len(unfinished) == 3
    await runtime.processor.process(unfinished)
    cases = await store.cases()
    assert sorted(c.platform_user_id for c in cases) == ["333", "334"]
    (mine,) = [c for c in cases if c.platform_user_id == "333"]
    kinds = [e.kind for e in await store.case_events(mine.id)]
    assert kinds.count("opened") == 1 and "customer_message" in kinds
