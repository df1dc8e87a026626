"""Leads and reports end to end, on aiogram and on PTB, against the fake Bot API over HTTP:
the contact button and the shared contact, /report uploading PNG charts (multipart
sendPhoto) and /leads uploading an XLSX (multipart sendDocument)."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from tests.e2e.conftest import STAFF, Bot, bot, framework  # noqa: F401  (fixtures)
from tests.fakes.updates import private_chat, user

LEA = user(4301, "Léa", language_code="fr")
AGENT = user(4399, "Agent", language_code="en")
PNG = b"\x89PNG\r\n\x1a\n"


def markups(bot: Bot, chat_id: int) -> list[dict]:
    """The reply_markup of every message sent to ``chat_id`` (as the bot asked for it)."""
    return [
        c.params.get("reply_markup") or {}
        for c in bot.server.calls
        if c.method.lower() == "sendmessage"
        and c.status == 200
        and str(c.params.get("chat_id")) == str(chat_id)
    ]


async def test_a_private_lead_shares_a_phone_and_staff_get_charts_and_leads(bot: Bot) -> None:
    server = bot.server
    server.push_update(server.updates.private_message(LEA, "Je veux acheter le sérum, combien ?"))
    await bot.replies_to(LEA["id"], 2)
    (ask,) = [m for m in markups(bot, LEA["id"]) if "keyboard" in m]
    assert ask["keyboard"][0][0]["request_contact"] is True
    contact = {"phone_number": "+33612345678", "first_name": "Léa", "user_id": LEA["id"]}
    message = server.updates.message(private_chat(LEA), LEA, contact=contact)
    server.push_update(server.updates.update("message", message))
    await bot.replies_to(LEA["id"], 3)
    assert markups(bot, LEA["id"])[-1] == {"remove_keyboard": True}
    staff_before = len(server.sent_to(STAFF["id"]))
    server.push_update(server.updates.group_message(STAFF, AGENT, "/report 7d"))
    await bot.replies_to(STAFF["id"], staff_before + 5, timeout=60)
    photos = [c for c in server.calls if c.method.lower() == "sendphoto" and c.status == 200]
    assert len(photos) == 4
    for call in photos:
        assert call.params["photo"]["data"].startswith(PNG)
        assert call.params["photo"]["filename"].endswith(".png")
    summary = next(m for m in server.sent_to(STAFF["id"]) if m.get("text", "").startswith("📊"))
    assert "Leads: 1 (dm 1)" in summary["text"]
    server.push_update(server.updates.group_message(STAFF, AGENT, "/leads 7d"))
    await bot.replies_to(STAFF["id"], staff_before + 6, timeout=60)
    (document,) = [c for c in server.calls if c.method.lower() == "senddocument"]
    assert document.status == 200
    book = load_workbook(io.BytesIO(document.params["document"]["data"]), read_only=True)
    rows = list(book["Leads"].iter_rows(values_only=True))
    assert len(rows) == 2 and "+33612345678" in rows[1]
