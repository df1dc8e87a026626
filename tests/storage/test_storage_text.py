"""Any text a customer can send is stored and given back exactly."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.domain import InboundMessage
from bot.storage import Store
from bot.storage import models as m
from bot.storage.types import REPLACEMENT, clean_text, exact_bytes, restore_text

ODD_TEXTS = {
    "empty": "",
    "nul": "before\x00after\x00",
    "only_nul": "\x00",
    "emoji": "😀👍🏽👨‍👩‍👧‍👦🇫🇷 ❤️",
    "rtl_and_combining": "مرحبا שלום e\u0301 \u200b\u200d\u2066x\u2069",
    "controls": "\t\r\n\x01\x1b[31m\x7f\x85\u2028\u2029",
    "cjk_and_astral": "你好 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𠜎",
    "lone_surrogate": "broken \ud83d here",
    "quotes_and_sql": "'; DROP TABLE inbound_messages; -- \" \\ %s %(x)s ?",
    "bom_and_nonchars": "\ufeff\ufffe\uffff\ufdd0",
}


@pytest.mark.parametrize("name", sorted(ODD_TEXTS))
async def test_odd_text_round_trip(store: Store, name: str) -> None:
    text = ODD_TEXTS[name]
    message = InboundMessage(
        text=text,
        user_id="1",
        username=text[:50],
        first_name=text[:50],
        chat_id="-1",
        chat_title=text[:50],
        extra={"raw": text, text: [text]},
    )
    inbound_id = await store.record_inbound(message)
    back = await store.inbound_message(inbound_id)
    assert back is not None
    assert back.text == text
    assert back.extra == {"raw": text, text: [text]}  # JSON keeps NUL and surrogates too
    # Short fields are only guaranteed clean (NUL and lone surrogates become U+FFFD).
    assert back.username == clean_text(text[:50])
    assert (await store.recent_verdicts(1)) == []


async def test_clean_column_and_exact_copy(store: Store) -> None:
    inbound_id = await store.record_inbound(InboundMessage(text="a\x00b"))
    plain_id = await store.record_inbound(InboundMessage(text="plain ✓"))
    async with store.db.session() as session:
        nul = await session.get_one(m.InboundMessage, inbound_id)
        plain = await session.get_one(m.InboundMessage, plain_id)
        found = await session.scalar(
            select(m.InboundMessage.id).where(m.InboundMessage.text.contains(f"a{REPLACEMENT}b"))
        )
    assert nul.text == f"a{REPLACEMENT}b" and nul.text_exact == b"a\x00b"
    assert plain.text == "plain ✓" and plain.text_exact is None
    assert found == inbound_id  # the clean column stays searchable


async def test_one_megabyte_message(store: Store) -> None:
    text = ("Ça ne marche pas 😡 " * 60_000)[:1_100_000]
    assert len(text.encode()) > 1_000_000
    inbound_id = await store.record_inbound(InboundMessage(text=text, user_id="1"))
    back = await store.inbound_message(inbound_id)
    assert back is not None and back.text == text
    nul_text = text[:600_000] + "\x00" + text[600_000:]
    nul_id = await store.record_inbound(InboundMessage(text=nul_text))
    back = await store.inbound_message(nul_id)
    assert back is not None and back.text == nul_text


async def test_odd_text_in_verdicts_outbound_corrections_events(store: Store) -> None:
    odd = "x\x00y \ud800 😀"
    inbound_id = await store.record_inbound(InboundMessage(text=odd))
    await store.record_outbound("-1", odd, "reply", inbound_id=inbound_id, detail={"q": odd})
    await store.record_correction(odd, "spam")
    await store.record_event("odd", {"text": odd})
    assert await store.corrections() == [(clean_text(odd), "spam")]
    async with store.db.session() as session:
        event = (await session.scalars(select(m.Event))).one()
        outbound = (await session.scalars(select(m.OutboundMessage))).one()
    assert event.payload == {"text": odd}
    assert outbound.text == clean_text(odd) and outbound.detail == {"q": odd}


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
@pytest.mark.parametrize("text", [pytest.param(v, id=k) for k, v in ODD_TEXTS.items()])
def test_clean_text_rules(text: str, backend: str) -> None:
    # Pure functions; parametrized by backend only to keep the package's convention.
    cleaned = clean_text(text)
    assert "\x00" not in cleaned
    cleaned.encode("utf-8")  # always valid UTF-8
    assert restore_text(cleaned, exact_bytes(text)) == text
    assert (exact_bytes(text) is None) == (cleaned == text)
