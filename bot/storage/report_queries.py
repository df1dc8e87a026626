"""The SQL behind reports: grouped counts on SQLite and PostgreSQL, no personal data.

Messages are counted by when they were received (``inbound_messages.received_at``), cases by
when they opened, leads by when they came, engagement by when people took part. A filter's
chat is the platform's chat id; its language is the verdict's (for cases, the verdict of their
first message; for leads, the lead's).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, distinct, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage import models as m
from bot.storage.report_cases import SATISFIED, ReportFilter, case_rows

__all__ = ["SATISFIED", "ReportFilter", "report_data"]

HAM_LABELS = ("ham", "not_spam")
# What counts as taking part, per kind of engagement (draws and announcements do not).
PARTAKING = {"poll": "vote", "quiz": "answer", "contest": "entry"}


def day(column: Any, backend: str) -> Any:
    """The UTC calendar day of a timestamp column."""
    if backend == "postgresql":
        return func.date(func.timezone("UTC", column))
    return func.date(column)


def _day_key(value: Any) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)[:10]


def _messages(flt: ReportFilter, *columns: Any) -> Select[Any]:
    query = (
        select(*columns)
        .select_from(m.Verdict)
        .join(m.InboundMessage, m.Verdict.inbound_id == m.InboundMessage.id)
        .where(m.InboundMessage.received_at >= flt.start, m.InboundMessage.received_at < flt.end)
    )
    if flt.chat_id is not None:
        query = query.where(m.InboundMessage.platform_chat_id == flt.chat_id)
    if flt.language is not None:
        query = query.where(m.Verdict.language == flt.language)
    return query


def _outbound(kind: str) -> ColumnElement[bool]:
    return exists().where(
        m.OutboundMessage.inbound_id == m.Verdict.inbound_id,
        m.OutboundMessage.kind == kind,
        m.OutboundMessage.status == "sent",
    )


async def _pairs(session: AsyncSession, query: Select[Any]) -> dict[str, int]:
    return {str(k): int(n) for k, n in (await session.execute(query)).all()}


async def message_numbers(session: AsyncSession, flt: ReportFilter) -> dict[str, Any]:
    """Three passes over the period's messages: one grouped by day, category, sentiment and
    language; one for complaints by product and topic; one for questions and spam."""
    backend = session.get_bind().dialect.name
    count = func.count(m.Verdict.id)
    bucket = day(m.InboundMessage.received_at, backend)
    keys = (m.Verdict.category, m.Verdict.sentiment, m.Verdict.language)
    by_category: Counter[str] = Counter()
    by_sentiment: Counter[str] = Counter()
    by_language: Counter[str] = Counter()
    daily: dict[str, Counter[str]] = defaultdict(Counter)
    sentiment_daily: dict[str, Counter[str]] = defaultdict(Counter)
    grouped = _messages(flt, bucket, *keys, count).group_by(bucket, *keys)
    for d, category, sentiment, language, n in await session.execute(grouped):
        key, n = _day_key(d), int(n)
        by_category[category] += n
        by_sentiment[sentiment] += n
        by_language[language] += n
        daily[key][category] += n
        sentiment_daily[key][sentiment] += n
    product = func.coalesce(m.Verdict.variables["product"].as_string(), "unspecified")
    topic = func.coalesce(m.Verdict.variables["topic"].as_string(), m.Verdict.faq_id, "unspecified")
    by_product: Counter[str] = Counter()
    by_topic: Counter[str] = Counter()
    complaints = _messages(flt, product, topic, count).where(m.Verdict.category == "complaint")
    for name, subject, n in await session.execute(complaints.group_by(product, topic)):
        by_product[str(name)] += int(n)
        by_topic[str(subject)] += int(n)
    human = exists().where(
        m.Case.first_message_id == m.Verdict.inbound_id, m.Case.first_response_at.is_not(None)
    )
    bot_reply, deleted = _outbound("reply"), _outbound("delete")
    answered = _messages(
        flt,
        m.Verdict.category,
        count,
        count.filter(bot_reply),
        count.filter(human),
        count.filter(and_(~bot_reply, ~human)),
        count.filter(deleted),
    ).where(m.Verdict.category.in_(("question", "spam")))
    found = {
        row[0]: [int(v) for v in row[1:]]
        for row in await session.execute(answered.group_by(m.Verdict.category))
    }
    questions = found.get("question", [0] * 5)
    spam = found.get("spam", [0] * 5)
    corrections = select(func.count(m.Correction.id)).where(
        m.Correction.label.in_(HAM_LABELS),
        m.Correction.created_at >= flt.start,
        m.Correction.created_at < flt.end,
    )
    if flt.language is not None:
        corrections = corrections.where(m.Correction.language == flt.language)
    return {
        "total": sum(by_category.values()),
        "by_category": dict(by_category),
        "by_sentiment": dict(by_sentiment),
        "by_language": dict(by_language),
        "daily": {k: dict(daily[k]) for k in sorted(daily)},
        "sentiment_daily": {k: dict(sentiment_daily[k]) for k in sorted(sentiment_daily)},
        "complaints_by_product": dict(by_product),
        "complaints_by_topic": dict(by_topic),
        "questions": {
            "total": questions[0],
            "answered_by_bot": questions[1],
            "answered_by_humans": questions[2],
            "unanswered": questions[3],
        },
        "spam": {
            "detected": spam[0],
            "removed": spam[4],
            "false_positives_corrected": int(await session.scalar(corrections) or 0),
        },
    }


async def lead_numbers(session: AsyncSession, flt: ReportFilter) -> dict[str, Any]:
    def leads(*columns: Any) -> Select[Any]:
        query = select(*columns).where(m.Lead.created_at >= flt.start, m.Lead.created_at < flt.end)
        if flt.chat_id is not None:
            query = query.where(m.Lead.platform_chat_id == flt.chat_id)
        if flt.language is not None:
            query = query.where(m.Lead.language == flt.language)
        return query

    count = func.count(m.Lead.id)
    by_source = await _pairs(session, leads(m.Lead.source, count).group_by(m.Lead.source))
    by_status = await _pairs(session, leads(m.Lead.status, count).group_by(m.Lead.status))
    campaign = func.coalesce(m.Lead.campaign, "none")
    by_campaign = await _pairs(session, leads(campaign, count).group_by(campaign))
    product = func.coalesce(m.Lead.product, "unspecified")
    by_product = await _pairs(session, leads(product, count).group_by(product))
    chat = func.coalesce(m.Lead.chat_title, m.Lead.platform_chat_id, "?")
    # Private chats are people: counted under one name, never by their chat id.
    public = leads(chat, count).where(m.Lead.source != "dm").group_by(chat)
    by_chat = await _pairs(session, public)
    private = by_source.get("dm", 0)
    if private:
        by_chat["private chats"] = private
    with_phone = int(await session.scalar(leads(count).where(m.Lead.consent.is_(True))) or 0)
    total = sum(by_status.values())
    won = by_status.get("won", 0)
    return {
        "total": total,
        "by_source": by_source,
        "by_status": by_status,
        "by_campaign": by_campaign,
        "by_product": by_product,
        "by_chat": by_chat,
        "with_consent": with_phone,
        "won": won,
        "conversion_rate": won / total if total else None,
    }


async def engagement_numbers(session: AsyncSession, flt: ReportFilter) -> dict[str, Any]:
    item, record = m.EngagementItem, m.EngagementRecord
    query = (
        select(
            item.kind,
            func.count(record.id),
            func.count(distinct(record.contact_id)),
            func.count(distinct(record.item_id)),
        )
        .select_from(record)
        .join(item, item.id == record.item_id)
        .where(record.created_at >= flt.start, record.created_at < flt.end)
        .where(or_(*(and_(item.kind == k, record.kind == r) for k, r in PARTAKING.items())))
        .group_by(item.kind)
    )
    if flt.chat_id is not None:
        query = query.join(m.Chat, m.Chat.id == item.chat_id).where(m.Chat.chat_id == flt.chat_id)
    out: dict[str, Any] = {
        kind: {"records": 0, "people": 0, "items": 0} for kind in ("poll", "quiz", "contest")
    }
    for kind, records, people, items in await session.execute(query):
        out[str(kind)] = {"records": int(records), "people": int(people), "items": int(items)}
    polls = out["poll"]
    out["poll_turnout"] = polls["records"] / polls["items"] if polls["items"] else None
    out["quiz_participants"] = out["quiz"]["people"]
    out["contest_entries"] = out["contest"]["records"]
    return out


async def report_data(session: AsyncSession, flt: ReportFilter) -> dict[str, Any]:
    return {
        "messages": await message_numbers(session, flt),
        "cases": await case_rows(session, flt),
        "leads": await lead_numbers(session, flt),
        "engagement": await engagement_numbers(session, flt),
    }
