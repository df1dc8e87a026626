"""The customer's side in private: /start with and without a payload, the menu, the CSAT
buttons (only the case's customer) and /forget (SQLite and PostgreSQL)."""

from __future__ import annotations

from sqlalchemy import select

from bot.storage import Database, Store
from bot.storage.models import Contact, Event, InboundMessage, OutboundMessage, Verdict
from tests.cases.conftest import buttons, press, sent_to
from tests.telegram import fakes as f
from tests.telegram.conftest import Factory
from tests.telegram.fakes import FakeClock, RecordingApi


async def test_start_without_payload_shows_the_menu_and_talk_to_a_person_opens_a_case(
    make_runtime: Factory, api: RecordingApi, database: Database
) -> None:
    store = Store(database)
    runtime = await make_runtime()
    await runtime.feed(f.private_message("/start", uid=501, message_id=1))
    await runtime.drain(30)
    (menu,) = sent_to(api, 501)
    assert menu["text"].startswith("Bonjour Léa")
    choices = buttons(menu)
    assert [b["text"] for b in choices] == [
        "❓ Poser une question",
        "⚠️ Signaler un problème",
        "🙋 Parler à une personne",
    ]
    await runtime.feed(f.callback(choices[1]["callback_data"], uid=501, chat_id=501))
    await runtime.drain(30)
    assert "/forget" in sent_to(api, 501)[-1]["text"]  # consent before collecting details
    await runtime.feed(f.callback(choices[2]["callback_data"], uid=501, chat_id=501))
    await runtime.drain(30)
    (case,) = await store.cases()
    assert case.status == "waiting_staff" and case.private_chat_id == "501"
    assert "talk to a person" in sent_to(api, f.STAFF_CHAT)[-1]["text"]
    assert "personne de l'équipe" in sent_to(api, 501)[-1]["text"]


async def test_start_with_someone_elses_payload_does_not_take_their_case(
    make_runtime: Factory, api: RecordingApi, database: Database
) -> None:
    store = Store(database)
    runtime = await make_runtime()
    await runtime.feed(
        f.comment("Mon colis est arrivé cassé, inadmissible !", uid=222, message_id=120)
    )
    await runtime.feed(f.private_message(f"/start c{f.GROUP}_120", uid=777, message_id=1))
    await runtime.drain(30)
    case = await store.case_by_key(f"telegram:{f.GROUP}:120")
    assert case is not None and case.private_chat_id is None
    assert buttons(sent_to(api, 777)[0])  # the menu


async def test_only_the_customer_can_rate_and_a_low_score_gets_no_review_invitation(
    make_runtime: Factory, api: RecordingApi, clock: FakeClock, database: Database
) -> None:
    store = Store(database)
    runtime = await make_runtime(cases={"csat_delay_hours": 2})
    await runtime.feed(f.private_message("Mon colis est arrivé cassé, inadmissible !", uid=600))
    await runtime.drain(30)
    (case,) = await store.cases()
    await runtime.feed(press(runtime, "cv", case.id))
    await runtime.drain(30)
    clock.now += 2 * 3600
    await runtime.run_due_jobs()
    await runtime.drain(30)
    scores = buttons(sent_to(api, 600)[-1])
    await runtime.feed(f.callback(scores[4]["callback_data"], uid=601, chat_id=601))
    await runtime.drain(30)
    assert (await store.case(case.id)).csat is None  # type: ignore[union-attr]
    sent_before = len(sent_to(api, 600))
    await runtime.feed(f.callback(scores[1]["callback_data"], uid=600, chat_id=600))
    await runtime.drain(30)
    closed = await store.case(case.id)
    assert closed is not None and closed.csat == 2 and closed.status == "closed"
    assert len(sent_to(api, 600)) == sent_before + 1  # thanks only


async def test_a_resolved_case_nobody_rates_is_closed_later(
    make_runtime: Factory, api: RecordingApi, clock: FakeClock, database: Database
) -> None:
    store = Store(database)
    runtime = await make_runtime()
    await runtime.feed(f.private_message("Mon colis est arrivé cassé, inadmissible !", uid=602))
    await runtime.drain(30)
    (case,) = await store.cases()
    await runtime.feed(press(runtime, "cv", case.id))
    await runtime.drain(30)
    clock.now += 24 * 3600
    await runtime.run_due_jobs()
    clock.now += 72 * 3600
    await runtime.run_due_jobs()
    closed = await store.case(case.id)
    assert closed is not None and closed.status == "closed" and closed.csat is None


async def test_forget_erases_identity_and_texts_and_closes_the_cases(
    make_runtime: Factory, api: RecordingApi, database: Database
) -> None:
    store = Store(database)
    runtime = await make_runtime()
    secret = "Ma commande MS-482913 est arrivée cassée, inadmissible !"
    await runtime.feed(f.private_message(secret, uid=700, message_id=1))
    await runtime.drain(30)
    (case,) = await store.cases()
    await runtime.feed(f.private_message("/forget", uid=700, message_id=2))
    await runtime.drain(30)
    assert "effacées" in sent_to(api, 700)[-1]["text"]
    async with database.session() as session:
        texts = (await session.scalars(select(InboundMessage.text))).all()
        contact = await session.scalar(select(Contact).where(Contact.user_id == "700"))
        logged = (await session.scalars(select(Event).where(Event.kind == "forgotten"))).all()
    assert secret not in texts and all("erased" in t for t in texts)
    async with database.session() as session:
        variables = (await session.scalars(select(Verdict.variables))).all()
        to_them = (
            await session.scalars(
                select(OutboundMessage.text).where(OutboundMessage.platform_chat_id == "700")
            )
        ).all()
    assert variables and all(v == {} for v in variables)
    assert to_them and all("erased" in t for t in to_them[:-1])  # the last: the confirmation
    assert contact is not None and contact.erased and contact.first_name is None
    assert len(logged) == 1 and logged[0].payload["cases"] == [case.id]
    erased = await store.case(case.id)
    assert erased is not None and erased.status == "closed" and secret not in (erased.text or "")
    assert await store.jobs(kind="case_sla") == []


async def test_a_thank_you_after_resolution_keeps_the_case_resolved_a_new_problem_reopens(
    make_runtime: Factory, api: RecordingApi, database: Database
) -> None:
    store = Store(database)
    runtime = await make_runtime()
    await runtime.feed(f.private_message("Mon colis est arrivé cassé, inadmissible !", uid=610))
    await runtime.drain(30)
    (case,) = await store.cases()
    await runtime.feed(press(runtime, "cv", case.id))
    await runtime.drain(30)
    await runtime.feed(f.private_message("Merci beaucoup, super service !", uid=610, message_id=6))
    await runtime.drain(30)
    thanked = await store.case(case.id)
    assert thanked is not None and thanked.status == "resolved"
    assert [e.kind for e in await store.case_events(case.id)][-1] == "customer_message"
    await runtime.feed(
        f.private_message(
            "Le nouveau flacon est encore arrivé cassé, inadmissible !", uid=610, message_id=7
        )
    )
    await runtime.drain(30)
    reopened = await store.case(case.id)
    assert reopened is not None and reopened.status == "waiting_staff"
    moves = [
        (e.payload["from"], e.payload["to"])
        for e in await store.case_events(case.id)
        if e.kind == "status"
    ]
    assert moves[-1] == ("resolved", "waiting_staff")
    assert await store.jobs(kind="case_csat") == []  # no follow-up while it is open again
    timers = {j.key.rsplit(":", 2)[-2] for j in await store.jobs(kind="case_sla")}
    assert timers == {"resolution"}
