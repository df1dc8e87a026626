"""Leads in the runtime: a lead row per message, UTM links, consent and the contact button,
status changes by staff, /report with PNG charts, the weekly report job."""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import parse_qs, urlsplit

from bot.storage import Database, Store
from bot.telegram.effects import FILE_MARK
from bot.telegram.signing import sign
from tests.telegram import fakes as f
from tests.telegram.conftest import Factory
from tests.telegram.fakes import FakeClock, RecordingApi

PNG = b"\x89PNG\r\n\x1a\n"


def sent_to(api: RecordingApi, chat: int | str, method: str = "sendMessage") -> list[Any]:
    return [c.params for c in api.sent(method) if str(c.params.get("chat_id")) == str(chat)]


def contact_update(uid: int, phone: str, owner: int | None = None) -> dict[str, Any]:
    sender = f.user(uid, "Léa", "fr")
    chat = {"id": uid, "first_name": "Léa", "type": "private"}
    contact = {"phone_number": phone, "first_name": "Léa", "user_id": owner or uid}
    body = {"message_id": 77, "from": sender, "chat": chat, "date": f.DATE, "contact": contact}
    return f._update("message", body)


async def test_a_public_lead_is_recorded_once_with_its_source_and_a_utm_link(
    make_runtime: Factory, api: RecordingApi, database: Database
) -> None:
    runtime = await make_runtime()
    update = f.comment("How much is the Radiance Cream?", lang="en")
    await runtime.feed(update)
    await runtime.drain(30)
    store = Store(database)
    (lead,) = await store.leads()
    assert (lead.source, lead.status, lead.language) == ("comment", "new", "en")
    assert (lead.chat_id, lead.thread_id, lead.message_id) == (str(f.GROUP), "100", "120")
    assert lead.chat_title == "Maison Solène — discussion"
    assert lead.campaign == "community" and lead.username == "user222"
    (reply,) = sent_to(api, f.GROUP)
    links = [w for w in reply["text"].split() if "maison-solene.fr/boutique" in w]
    assert links, reply["text"]
    query = parse_qs(urlsplit(links[0].rstrip(".,")).query)  # the word may end the sentence
    assert query["utm_source"] == ["telegram"] and query["utm_medium"] == ["community"]
    assert query["utm_campaign"] == ["community"] and query["utm_content"] == ["post-100"]
    (card,) = sent_to(api, f.STAFF_CHAT)
    assert f"Lead #{lead.id}" in card["text"]
    labels = [b["text"] for row in card["reply_markup"]["inline_keyboard"] for b in row]
    assert "🏆 Won" in labels and "✖️ Lost" in labels
    # The same message again (a redelivery) and an edit make no second lead.
    await runtime.feed(update)
    await runtime.feed(f.edited(update, "How much is the Radiance Cream? In stock?"))
    await runtime.drain(30)
    assert len(await store.leads()) == 1


async def test_in_private_the_consent_text_comes_with_the_contact_button(
    make_runtime: Factory, api: RecordingApi, database: Database
) -> None:
    runtime = await make_runtime()
    await runtime.feed(f.private_message("Je veux acheter le sérum, c'est combien ?", uid=111))
    await runtime.drain(30)
    store = Store(database)
    (lead,) = await store.leads()
    assert lead.source == "dm" and lead.consent is False and lead.phone is None
    asks = [p for p in sent_to(api, 111) if "keyboard" in p.get("reply_markup", {})]
    (ask,) = asks
    assert "/forget" in ask["text"] and "Maison Solène" in ask["text"]
    (button,) = ask["reply_markup"]["keyboard"][0]
    assert button["request_contact"] is True
    # Someone else's number is refused; the user's own is recorded with the consent time.
    await runtime.feed(contact_update(111, "+33600000000", owner=999))
    await runtime.drain(30)
    assert (await store.lead(lead.id)).phone is None  # type: ignore[union-attr]
    assert "propre numéro" in sent_to(api, 111)[-1]["text"]
    await runtime.feed(contact_update(111, "+33611223344"))
    await runtime.drain(30)
    saved = await store.lead(lead.id)
    assert saved is not None and saved.phone == "+33611223344" and saved.consent
    assert saved.consent_at is not None
    assert sent_to(api, 111)[-1]["reply_markup"] == {"remove_keyboard": True}
    assert "+33611223344" in sent_to(api, f.STAFF_CHAT)[-1]["text"]
    # A second lead from the same person is not asked again.
    await runtime.feed(f.private_message("Et le prix du baume ?", uid=111, message_id=6))
    await runtime.drain(30)
    assert len(await store.leads()) == 2
    assert len([p for p in sent_to(api, 111) if "keyboard" in p.get("reply_markup", {})]) == 1
    # /forget erases the number and the name the leads kept.
    await runtime.feed(f.private_message("/forget", uid=111, message_id=7))
    await runtime.drain(30)
    assert all(x.phone is None and x.contact_name is None for x in await store.leads())


async def test_staff_change_a_lead_status_with_the_command_and_the_buttons(
    make_runtime: Factory, api: RecordingApi, database: Database
) -> None:
    runtime = await make_runtime()
    await runtime.feed(f.comment("Where can I buy the serum?", lang="en"))
    await runtime.drain(30)
    store = Store(database)
    (lead,) = await store.leads()
    staff = {"id": f.STAFF_CHAT, "title": "Staff", "type": "supergroup"}

    def staff_says(text: str, uid: int = 42) -> dict[str, Any]:
        sender = f.user(uid, "Agent", "en")
        body = {"message_id": 900, "from": sender, "chat": staff, "date": f.DATE, "text": text}
        return f._update("message", body)

    await runtime.feed(staff_says(f"/lead {lead.id} qualified"))
    await runtime.drain(30)
    assert (await store.lead(lead.id)).status == "qualified"  # type: ignore[union-attr]
    await runtime.feed(staff_says(f"/lead {lead.id} bought"))
    await runtime.drain(30)
    assert "unknown" in sent_to(api, f.STAFF_CHAT)[-1]["text"]
    secret = runtime.processor.secret
    await runtime.feed(f.callback(sign(secret, "ls", lead.id, "w")))
    await runtime.drain(30)
    assert (await store.lead(lead.id)).status == "won"  # type: ignore[union-attr]
    # Not staff: refused, nothing changes.
    await runtime.feed(f.callback(sign(secret, "ls", lead.id, "l"), uid=5))
    await runtime.drain(30)
    assert (await store.lead(lead.id)).status == "won"  # type: ignore[union-attr]


async def test_report_command_answers_with_a_summary_and_png_charts(
    make_runtime: Factory, api: RecordingApi
) -> None:
    runtime = await make_runtime()
    await runtime.feed(f.comment("How much is the Radiance Cream?", lang="en"))
    await runtime.feed(f.comment("My parcel never arrived!", lang="en", uid=5, message_id=121))
    await runtime.drain(30)
    staff = {"id": f.STAFF_CHAT, "title": "Staff", "type": "supergroup"}
    sender = f.user(42, "Agent", "en")
    body = {"message_id": 901, "from": sender, "chat": staff, "date": f.DATE, "text": "/report 7d"}
    await runtime.feed(f._update("message", body))
    await runtime.drain(30)
    summary = sent_to(api, f.STAFF_CHAT)[-1]["text"]
    assert summary.startswith("📊 Report last 7 days") and "Leads: 1" in summary
    photos = sent_to(api, f.STAFF_CHAT, "sendPhoto")
    assert [p["caption"] for p in photos] == [
        "Messages per day, by category",
        "Messages by category",
        "First-response time (minutes)",
        "Sentiment over time",
    ]
    for photo in photos:
        assert base64.b64decode(photo["photo"][FILE_MARK]).startswith(PNG)


async def test_weekly_report_goes_to_staff_and_is_armed_again(
    make_runtime: Factory, api: RecordingApi, clock: FakeClock, database: Database
) -> None:
    runtime = await make_runtime(reports={"weekly_day": 0, "weekly_hour": 8})
    store = Store(database)
    (job,) = await store.jobs(kind="weekly_report")
    assert job.due_at.weekday() == 0 and job.due_at.hour == 8 and job.due_at.minute == 0
    clock.now += job.due_at.timestamp() - clock.time() + 1
    await runtime.run_due_jobs()
    await runtime.drain(30)
    assert sent_to(api, f.STAFF_CHAT)[-1]["text"].startswith("📊 Report week to")
    assert len(sent_to(api, f.STAFF_CHAT, "sendPhoto")) == 4
    (armed,) = await store.jobs(kind="weekly_report")
    assert (armed.due_at - job.due_at).days == 7
    (done,) = await store.jobs(kind="weekly_report", status="done")
    assert done.key == job.key


async def test_a_weekly_report_missed_while_stopped_is_sent_at_the_next_start(
    make_runtime: Factory, api: RecordingApi, clock: FakeClock, database: Database
) -> None:
    first = await make_runtime()
    store = Store(database)
    (job,) = await store.jobs(kind="weekly_report")
    await first.stop(timeout=0)
    clock.now += job.due_at.timestamp() - clock.time() + 3 * 86400  # down over the due time
    runtime = await make_runtime()
    await runtime.run_due_jobs()
    await runtime.drain(30)
    assert sent_to(api, f.STAFF_CHAT)[-1]["text"].startswith("📊 Report week to")
    (done,) = await store.jobs(kind="weekly_report", status="done")
    (armed,) = await store.jobs(kind="weekly_report")
    assert done.key == job.key and (armed.due_at - job.due_at).days == 7


async def test_a_forgotten_customer_is_not_asked_for_a_phone_again(
    make_runtime: Factory, api: RecordingApi, database: Database
) -> None:
    runtime = await make_runtime()
    store = Store(database)
    await store.upsert_contact("telegram", "111", "lea", "Léa")
    assert await store.forget_contact("telegram", "111")
    await runtime.feed(f.private_message("Je veux acheter le sérum, c'est combien ?", uid=111))
    await runtime.drain(30)
    (lead,) = await store.leads()
    assert lead.erased and lead.username is None and lead.first_name is None
    assert not [p for p in sent_to(api, 111) if "keyboard" in p.get("reply_markup", {})]
    # A number shared anyway is not kept.
    await runtime.feed(contact_update(111, "+33611223344"))
    await runtime.drain(30)
    assert (await store.lead(lead.id)).phone is None  # type: ignore[union-attr]
