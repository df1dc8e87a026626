"""The staff desk through the runtime: refusals, forged data, take over, reclassify, spam,
commands, SLA reminders and spike alerts (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.storage import Database, Store
from bot.storage.models import Event
from tests.cases.conftest import buttons, card_id, press, sent_to, staff_reply
from tests.telegram import fakes as f
from tests.telegram.conftest import Factory
from tests.telegram.fakes import FakeClock, RecordingApi

COMPLAINT = "Mon colis est arrivé cassé, le flacon a fui partout. Inadmissible !"


async def events(database: Database, kind: str) -> list[dict[str, object]]:
    async with database.session() as session:
        rows = await session.scalars(select(Event).where(Event.kind == kind).order_by(Event.id))
        return [dict(r.payload) for r in rows]


async def opened(runtime: object, store: Store, uid: int = 222, message_id: int = 120) -> int:
    await runtime.feed(f.comment(COMPLAINT, uid=uid, message_id=message_id))  # type: ignore[attr-defined]
    await runtime.drain(30)  # type: ignore[attr-defined]
    case = await store.case_by_key(f"telegram:{f.GROUP}:{message_id}")
    assert case is not None
    return case.id


async def test_a_non_staff_press_and_a_forged_press_are_refused_and_logged(
    make_runtime: Factory, api: RecordingApi, database: Database
) -> None:
    store = Store(database)
    runtime = await make_runtime()
    case_id = await opened(runtime, store)
    other = await opened(runtime, store, uid=223, message_id=121)
    await runtime.feed(press(runtime, "cv", case_id, uid=999))  # not staff
    good = press(runtime, "cv", case_id)
    forged = dict(good)
    forged["callback_query"] = {
        **good["callback_query"],
        "data": good["callback_query"]["data"].replace(f":{case_id}:", f":{other}:"),
    }
    forged["update_id"] += 1
    await runtime.feed(forged)
    await runtime.drain(30)
    for case in (await store.case(case_id), await store.case(other)):
        assert case is not None and case.status == "waiting_customer"
    refused = await events(database, "refused")
    assert [r["what"] for r in refused] == ["button cv", "invalid button"]
    answers = [c.params.get("text") for c in api.sent("answerCallbackQuery")]
    assert answers == ["Only staff can do this.", "This button is not valid."]


async def test_take_over_silences_the_bot_until_handed_back(
    make_runtime: Factory, api: RecordingApi, database: Database
) -> None:
    store = Store(database)
    runtime = await make_runtime()
    case_id = await opened(runtime, store)
    await runtime.feed(press(runtime, "ct", case_id))
    await runtime.drain(30)
    await runtime.feed(f.private_message("Toujours rien reçu, c'est scandaleux !", uid=222))
    await runtime.drain(30)
    assert sent_to(api, 222) == []  # the bot stays silent
    relayed = sent_to(api, f.STAFF_CHAT)[-1]
    assert "Toujours rien reçu" in relayed["text"] and f"Case #{case_id}" in relayed["text"]
    # The agent answers the relayed message; it reaches the customer.
    note_id = await store.card_message_id(str(f.STAFF_CHAT), case_id)
    assert note_id is not None
    await runtime.feed(staff_reply("Je m'en occupe personnellement.", note_id))
    await runtime.drain(30)
    assert [p["text"] for p in sent_to(api, 222)] == ["Je m'en occupe personnellement."]
    await runtime.feed(f.private_message(f"/handback {case_id}", uid=42, message_id=8))
    await runtime.feed(
        f.private_message("Toujours rien reçu, c'est scandaleux !", uid=222, message_id=9)
    )
    await runtime.drain(30)
    assert len(sent_to(api, 222)) == 2  # the bot answers again
    kinds = [e.kind for e in await store.case_events(case_id)]
    assert kinds.count("taken_over") == 1 and kinds.count("handed_back") == 1


@pytest.mark.teaches
async def test_reclassify_is_learned_and_changes_the_next_verdict_without_restart(
    make_runtime: Factory, api: RecordingApi, database: Database
) -> None:
    store = Store(database)
    runtime = await make_runtime()
    text = "Le flacon est arrivé cassé, inadmissible"
    await runtime.feed(f.comment(text, uid=300, message_id=130))
    await runtime.drain(30)
    case = await store.case_by_key(f"telegram:{f.GROUP}:130")
    assert case is not None and case.category == "complaint"
    await runtime.feed(press(runtime, "cr", case.id))
    await runtime.drain(30)
    offered = [b["text"] for b in buttons(sent_to(api, f.STAFF_CHAT)[-1])]
    assert "praise" in offered and "complaint" not in offered
    await runtime.feed(press(runtime, "cc", case.id, "praise"))
    await runtime.drain(30)
    assert await store.corrections() == [(text, "praise")]
    await runtime.feed(
        f.comment("LE FLACON est arrive casse, Inadmissible", uid=301, message_id=131)
    )
    await runtime.drain(30)
    verdict = await store.last_category("telegram", str(f.GROUP), "131")
    assert verdict == "praise"
    assert await store.case_by_key(f"telegram:{f.GROUP}:131") is None


@pytest.mark.teaches
async def test_mark_spam_learns_and_closes_the_case(
    make_runtime: Factory, database: Database
) -> None:
    store = Store(database)
    runtime = await make_runtime()
    case_id = await opened(runtime, store)
    await runtime.feed(press(runtime, "cp", case_id))
    await runtime.drain(30)
    case = await store.case(case_id)
    assert case is not None and case.status == "closed" and case.category == "spam"
    assert await store.corrections() == [(COMPLAINT, "spam")]
    assert await store.jobs(kind="case_sla") == []


async def test_staff_commands_list_and_show_cases_and_refuse_others(
    make_runtime: Factory, api: RecordingApi, database: Database
) -> None:
    store = Store(database)
    runtime = await make_runtime()
    case_id = await opened(runtime, store)
    await runtime.feed(press(runtime, "ca", case_id))
    await runtime.feed(f.private_message("/cases", uid=42, message_id=10))
    await runtime.feed(f.private_message("/mycases", uid=42, message_id=11))
    await runtime.feed(f.private_message(f"/case {case_id}", uid=42, message_id=12))
    await runtime.feed(f.private_message("/case 999", uid=42, message_id=13))
    await runtime.feed(f.private_message("/cases", uid=555, message_id=14))
    await runtime.drain(30)
    listing, mine, history, missing = (p["text"] for p in sent_to(api, 42))
    assert f"#{case_id}" in listing and f"#{case_id}" in mine
    assert "opened" in history and "claimed" in history
    assert "no case #999" in missing
    (refusal,) = sent_to(api, 555)
    assert "staff only" in refusal["text"]
    assert (await events(database, "refused"))[-1]["what"] == "/cases"


async def test_sla_reminder_then_breach_when_nobody_answers(
    make_runtime: Factory, api: RecordingApi, clock: FakeClock, database: Database
) -> None:
    store = Store(database)
    runtime = await make_runtime(triage={"shadow_mode": True})  # nothing sent: no first response
    case_id = await opened(runtime, store)
    case = await store.case(case_id)
    assert case is not None and case.first_response_at is None
    clock.now += 19 * 60
    assert await runtime.run_due_jobs() == 0
    clock.now += 2 * 60  # 10 minutes before the 30-minute first response
    await runtime.run_due_jobs()
    await runtime.drain(30)
    assert "due in 9 min" in sent_to(api, f.STAFF_CHAT)[-1]["text"]
    clock.now += 10 * 60
    await runtime.run_due_jobs()
    await runtime.drain(30)
    breach = sent_to(api, f.STAFF_CHAT)[-1]
    assert "first response SLA is breached" in breach["text"]
    assert breach["reply_parameters"]["message_id"] == int(await card_id(store, case_id))
    kinds = [e.kind for e in await store.case_events(case_id)]
    assert kinds.count("sla_warning") == 1 and kinds.count("sla_breach") == 1


async def test_twenty_complaints_on_one_product_raise_one_spike_alert(
    make_runtime: Factory, api: RecordingApi, clock: FakeClock, database: Database
) -> None:
    store = Store(database)
    runtime = await make_runtime()
    for i in range(6):  # another product: its own topic
        text = f"Le Sérum Nuit m'a brûlé le visage, inadmissible ({i})"
        await runtime.feed(f.comment(text, uid=3000 + i, message_id=1000 + i))
    for i in range(25):
        text = f"La Crème Éclat m'a donné des rougeurs, inadmissible ! ({i})"
        await runtime.feed(f.comment(text, uid=4000 + i, message_id=2000 + i))
        clock.now += 20  # 25 complaints in about 8 minutes
    await runtime.drain(60)
    await runtime.run_due_jobs()  # the next tick posts the alert
    await runtime.drain(60)
    alerts = [p for p in sent_to(api, f.STAFF_CHAT) if "Spike" in p["text"]]
    assert len(alerts) == 1
    (alert,) = alerts
    assert "20 complaint cases about Crème Éclat</b> in 10 minutes" in alert["text"]
    assert alert["text"].count("• #") == 3 and "rougeurs" in alert["text"]
    assert len(await events(database, "spike_alert")) == 1
    assert len(await store.cases(topic="Sérum Nuit")) == 6
    # After the cooldown, a new wave raises a new alert.
    clock.now += 3600
    for i in range(20):
        text = f"La Crème Éclat m'a encore donné des rougeurs, inadmissible ! ({i})"
        await runtime.feed(f.comment(text, uid=5000 + i, message_id=3000 + i))
    await runtime.drain(60)
    await runtime.run_due_jobs()
    assert len(await events(database, "spike_alert")) == 2


async def test_a_drafted_answer_waits_for_send_or_reject_on_the_case_card(
    make_runtime: Factory, api: RecordingApi, database: Database
) -> None:
    store = Store(database)
    runtime = await make_runtime()
    question = (
        "Pouvez-vous me dire si la livraison en point relais est possible pour une commande "
        "groupée ?"
    )
    await runtime.feed(f.comment(question, uid=801, message_id=140))
    await runtime.feed(f.comment(question + " Merci", uid=802, message_id=141))
    await runtime.drain(30)
    assert sent_to(api, f.GROUP) == []  # nothing sent before a human says so
    first = await store.case_by_key(f"telegram:{f.GROUP}:140")
    second = await store.case_by_key(f"telegram:{f.GROUP}:141")
    assert first is not None and second is not None and first.draft and first.status == "new"
    card = sent_to(api, f.STAFF_CHAT)[0]
    assert [b["text"] for b in buttons(card)][:3] == ["✅ Send", "✏️ Edit", "✖️ Reject"]
    await runtime.feed(press(runtime, "cs", first.id))
    await runtime.feed(press(runtime, "cx", second.id))
    await runtime.drain(30)
    (sent,) = sent_to(api, f.GROUP)
    assert sent["reply_parameters"] == {"message_id": 140} and sent["text"] == first.draft
    first, second = await store.case(first.id), await store.case(second.id)
    assert first is not None and first.status == "waiting_customer" and first.draft is None
    assert first.first_response_at is not None
    assert second is not None and second.status == "waiting_staff" and second.draft is None
    await runtime.feed(press(runtime, "cs", second.id))
    await runtime.drain(30)
    assert len(sent_to(api, f.GROUP)) == 1  # a rejected draft is never sent
    # The cards were edited to show the state now: no draft buttons any more.
    edits = [c.params for c in api.sent("editMessageText")]
    assert len(edits) == 2 and all("Status: waiting_" in e["text"] for e in edits)
    assert all("Send" not in b["text"] for e in edits for b in buttons(e))
    await runtime.feed(press(runtime, "ca", first.id))
    await runtime.drain(30)
    assert "assigned to 42" in api.sent("editMessageText")[-1].params["text"]


async def test_processing_an_update_again_opens_no_second_case(
    make_runtime: Factory, api: RecordingApi, database: Database
) -> None:
    store = Store(database)
    runtime = await make_runtime()
    update = f.comment(COMPLAINT, uid=222, message_id=120)
    await runtime.feed(update)
    await runtime.drain(30)
    # As after a crash before the batch was saved: the same stored update, processed again.
    await runtime.processor.process([(1, update)])
    cases = await store.cases()
    assert len(cases) == 1
    kinds = [e.kind for e in await store.case_events(cases[0].id)]
    assert kinds.count("opened") == 1 and kinds.count("acknowledged") == 1
    pending = {j.key for j in await store.jobs(kind="case_sla")}
    assert pending == {f"case:{cases[0].id}:sla:resolution:{s}" for s in ("warning", "breach")}
    assert len(sent_to(api, f.GROUP)) == 1  # the replies planned again were never saved


async def test_a_non_staff_reply_to_a_card_is_not_relayed_and_is_logged(
    make_runtime: Factory, api: RecordingApi, database: Database
) -> None:
    store = Store(database)
    runtime = await make_runtime()
    case_id = await opened(runtime, store, uid=222)
    await runtime.feed(
        staff_reply("Je vous rembourse tout !", await card_id(store, case_id), uid=999)
    )
    await runtime.drain(30)
    assert [p["text"] for p in sent_to(api, 222)] == []
    assert len(sent_to(api, f.GROUP)) == 1  # only the bot's acknowledgement
    refused = await events(database, "refused")
    assert refused == [{"what": "case reply", "user_id": "999", "case_id": case_id}]


async def test_sla_timers_survive_a_restart(
    make_runtime: Factory, api: RecordingApi, clock: FakeClock, database: Database
) -> None:
    store = Store(database)
    first = await make_runtime()
    case_id = await opened(first, store)
    await first.stop()
    second = await make_runtime()
    clock.now += 48 * 3600
    await second.run_due_jobs()
    await second.drain(30)
    reminders = [p["text"] for p in sent_to(api, f.STAFF_CHAT) if f"Case #{case_id}:" in p["text"]]
    # Both reminders were due while the bot was down: the late warning is skipped.
    assert len(reminders) == 1 and "resolution SLA is breached" in reminders[0]
