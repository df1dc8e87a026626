"""A realistic month of community activity, written through the store's own recording functions
(raw updates and processed results as the runtime saves them, leads, corrections); cases and
engagement through their models (their own store functions live with those features).

Everything written is also kept as plain Python records, so tests compute the expected report
numbers independently of the SQL.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select, update

from bot.domain import InboundMessage, MessageKind, Sentiment, Verdict
from bot.storage import Store
from bot.storage import models as m
from bot.storage.store_outbound import OutboundRecord
from bot.storage.store_reports import NewLead
from bot.storage.store_runtime import ProcessedUpdate

START = datetime(2026, 10, 1, tzinfo=UTC)
END = datetime(2026, 11, 1, tzinfo=UTC)
GROUP_A, GROUP_B = "-1001000000001", "-1001000000002"
TITLES = {GROUP_A: "Maison Solène — discussion", GROUP_B: "Solène Club"}
CATEGORIES = {"complaint": 18, "question": 30, "lead": 12, "praise": 15, "spam": 10, "other": 15}
PRODUCTS = ["Crème Éclat", "Sérum Nuit", "Baume Lèvres"]
LANGUAGES = ["fr", "fr", "fr", "en", "en", "ru"]
ERASED_USER = "987654321"
ERASED = {"username": "erase_me_please", "first_name": "Zéphyrine", "phone": "+33699887766"}


@dataclass
class Msg:
    inbound_id: int
    user_id: str
    chat_id: str
    kind: str
    received_at: datetime
    category: str
    language: str
    sentiment: str
    product: str | None
    bot_reply: bool = False
    deleted: bool = False
    in_period: bool = True
    message_id: str = ""


@dataclass
class CaseRec:
    msg: Msg
    created_at: datetime
    status: str
    first_response_at: datetime | None
    resolved_at: datetime | None
    first_due: datetime
    resolution_due: datetime
    csat: list[int] = field(default_factory=list)


@dataclass
class LeadRec:
    lead_id: int
    msg: Msg
    status: str
    phone: str | None = None
    consent: bool = False


@dataclass
class Month:
    messages: list[Msg] = field(default_factory=list)
    cases: list[CaseRec] = field(default_factory=list)
    leads: list[LeadRec] = field(default_factory=list)
    hams: int = 0
    # kind -> (item id, contact id, when, chat id) of every vote, answer and entry
    engagement: dict[str, list[tuple[int, int, datetime, str]]] = field(default_factory=dict)


def _when(rng: random.Random, inside: bool) -> datetime:
    if inside:
        return START + timedelta(seconds=rng.uniform(0, (END - START).total_seconds() - 1))
    return rng.choice([START - timedelta(hours=rng.uniform(1, 48)), END + timedelta(hours=1)])


def _sentiment(rng: random.Random, category: str) -> str:
    if category == "complaint":
        return rng.choice(["negative"] * 4 + ["neutral"])
    if category == "praise":
        return "positive"
    return rng.choice(["neutral", "neutral", "positive", "negative"])


async def build_month(store: Store, messages: int = 2400, seed: int = 7) -> Month:
    rng = random.Random(seed)
    month = Month()
    users = [str(1000 + i) for i in range(300)] + [ERASED_USER]
    todo: list[tuple[InboundMessage, Verdict, list[OutboundRecord], Msg]] = []
    for index in range(messages):
        inside = index % 25 != 0  # 4% outside the month
        user = ERASED_USER if index % 97 == 1 else rng.choice(users)
        private = rng.random() < 0.25
        category = rng.choices(list(CATEGORIES), weights=list(CATEGORIES.values()))[0]
        if index % 194 == 1:  # the customer who will ask to be forgotten asks prices in private
            private, category = True, "lead"
        chat = user if private else rng.choice([GROUP_A, GROUP_A, GROUP_B])
        language = rng.choice(LANGUAGES)
        product = rng.choice([*PRODUCTS, None]) if category in ("complaint", "lead") else None
        msg = Msg(
            0,
            user,
            chat,
            "dm" if private else "comment",
            _when(rng, inside),
            category,
            language,
            _sentiment(rng, category),
            product,
            in_period=inside,
            message_id=str(10_000 + index),
        )
        names = ERASED if user == ERASED_USER else {"username": f"u{user}", "first_name": "Ana"}
        inbound = InboundMessage(
            text=f"message {index} about {product or 'things'}",
            kind=MessageKind.DM if private else MessageKind.COMMENT,
            platform="telegram",
            chat_id=chat,
            chat_title=None if private else TITLES[chat],
            message_id=str(10_000 + index),
            thread_id=None if private else str(rng.choice([100, 200, 300])),
            user_id=user,
            username=names["username"],
            first_name=names["first_name"],
            lang_hint=language,
            received_at=msg.received_at,
        )
        variables = {"product": product} if product else {}
        verdict = Verdict(
            category, (category,), language, Sentiment(msg.sentiment), 0.9, (), {}, variables
        )
        calls: list[OutboundRecord] = []
        if category == "question" and rng.random() < 0.6:
            msg.bot_reply = rng.random() < 0.9  # the others stay drafts, never sent
            status = "sent" if msg.bot_reply else "drafted"
            calls.append(OutboundRecord(chat, "reply", "answer", {}, status))
        if category == "spam" and rng.random() < 0.8:
            msg.deleted = True
            calls.append(OutboundRecord(chat, "delete", "delete", {}, "sent"))
        todo.append((inbound, verdict, calls, msg))
    for start in range(0, len(todo), 500):
        await _save(store, todo[start : start + 500], start)
    month.messages = [t[3] for t in todo]
    await _cases(store, month, rng)
    await _leads(store, month, rng)
    await _corrections(store, month)
    await _engagement(store, month, rng)
    return month


async def _save(store: Store, batch: list[Any], offset: int) -> None:
    rows = await store.record_updates(
        "telegram", [(f"m{offset + i}", {"n": offset + i}) for i in range(len(batch))]
    )
    results = []
    for (row_id, _), (inbound, verdict, calls, _msg) in zip(rows, batch, strict=True):
        results.append(ProcessedUpdate(row_id, message=inbound, verdict=verdict, outbound=calls))
    await store.save_processed("telegram", results)
    async with store.db.session("reading ids") as session:
        ids = dict(
            (
                await session.execute(
                    select(m.RawUpdate.id, m.InboundMessage.id)
                    .join(m.InboundMessage, m.InboundMessage.raw_update_id == m.RawUpdate.id)
                    .where(m.RawUpdate.id.in_([r for r, _ in rows]))
                )
            ).all()
        )
    for (row_id, _), item in zip(rows, batch, strict=True):
        item[3].inbound_id = ids[row_id]


async def _cases(store: Store, month: Month, rng: random.Random) -> None:
    async with store.db.session("writing cases") as session:
        chats = dict((await session.execute(select(m.Chat.chat_id, m.Chat.id))).all())
        for msg in month.messages:
            if msg.category not in ("complaint", "question") or rng.random() > 0.7:
                continue
            opened = msg.received_at + timedelta(minutes=1)
            answered = rng.random() < 0.9
            first = opened + timedelta(minutes=rng.expovariate(1 / 45)) if answered else None
            resolved = None
            if answered and rng.random() < 0.75:
                resolved = opened + timedelta(hours=rng.uniform(1, 72))
            status = "resolved" if resolved else rng.choice(["new", "waiting_staff"])
            if resolved and rng.random() < 0.3:
                status = "closed"
            rec = CaseRec(
                msg,
                opened,
                status,
                first,
                resolved,
                opened + timedelta(minutes=60),
                opened + timedelta(hours=48),
            )
            case = m.Case(
                status=status,
                category=msg.category,
                chat_id=chats.get(msg.chat_id),
                first_message_id=msg.inbound_id,
                first_response_due_at=rec.first_due,
                resolution_due_at=rec.resolution_due,
                first_response_at=first,
                resolved_at=resolved,
                created_at=opened,
            )
            session.add(case)
            await session.flush()
            if resolved and rng.random() < 0.6:
                scores = [rng.randint(1, 5)] + ([rng.randint(1, 5)] if rng.random() < 0.1 else [])
                rec.csat = scores
                for score in scores:  # a customer may answer twice: the last answer counts
                    session.add(
                        m.CaseEvent(case_id=case.id, kind="csat_answered", payload={"score": score})
                    )
            session.add(m.CaseEvent(case_id=case.id, kind="opened", payload={}))
            month.cases.append(rec)


async def _leads(store: Store, month: Month, rng: random.Random) -> None:
    for msg in month.messages:
        if msg.category != "lead":
            continue
        lead_id, created = await store.record_lead(
            NewLead(
                "telegram",
                msg.chat_id,
                msg.message_id,
                msg.kind,
                user_id=msg.user_id,
                chat_title=TITLES.get(msg.chat_id),
                language=msg.language,
                product=msg.product,
                campaign=rng.choice(["spring", "community"]),
                created_at=msg.received_at,
            )
        )
        assert created
        status = rng.choices(["new", "contacted", "qualified", "won", "lost"], [4, 3, 2, 2, 2])[0]
        if status != "new":
            await store.set_lead_status(lead_id, status, by="42")
        rec = LeadRec(lead_id, msg, status)
        month.leads.append(rec)
        if msg.kind == "dm" and (msg.user_id == ERASED_USER or rng.random() < 0.5):
            phone = ERASED["phone"] if msg.user_id == ERASED_USER else f"+3361{lead_id:07d}"
            name = ERASED["first_name"] if msg.user_id == ERASED_USER else "Ana"
            got = await store.record_lead_contact("telegram", msg.user_id, phone, name, START)
            # The phone goes to the user's newest lead (by when it came).
            mine = [r for r in month.leads if r.msg.user_id == msg.user_id]
            newest = max(mine, key=lambda r: (r.msg.received_at, r.lead_id))
            assert got == newest.lead_id
            newest.phone, newest.consent = phone, True


async def _corrections(store: Store, month: Month) -> None:
    for i in range(9):
        label = "ham" if i % 3 else "spam"
        await store.record_correction(f"correction {i}", label, "fr")
        month.hams += label == "ham"
    async with store.db.session("dating corrections") as session:
        await session.execute(update(m.Correction).values(created_at=START + timedelta(days=3)))


async def _engagement(store: Store, month: Month, rng: random.Random) -> None:
    async with store.db.session("writing engagement") as session:
        chats = dict((await session.execute(select(m.Chat.chat_id, m.Chat.id))).all())
        for kind, count, record_kind in (
            ("poll", 4, "vote"),
            ("quiz", 2, "answer"),
            ("contest", 1, "entry"),
        ):
            for n in range(count):
                chat = GROUP_B if kind == "contest" else GROUP_A
                item = m.EngagementItem(
                    kind=kind,
                    title=f"{kind} {n}",
                    definition={},
                    status="closed",
                    chat_id=chats[chat],
                )
                session.add(item)
                await session.flush()
                records = month.engagement.setdefault(kind, [])
                for _ in range(rng.randint(20, 60)):
                    contact = rng.randint(1, 250)
                    when = _when(rng, rng.random() < 0.95)
                    contact_id = await session.scalar(
                        select(m.Contact.id).where(m.Contact.user_id == str(1000 + contact))
                    )
                    session.add(
                        m.EngagementRecord(
                            item_id=item.id,
                            contact_id=contact_id,
                            kind=record_kind,
                            created_at=when,
                        )
                    )
                    records.append((item.id, contact_id or 0, when, chat))
                # a draw is recorded too, and is not taking part
                session.add(m.EngagementRecord(item_id=item.id, kind="draw", created_at=START))
