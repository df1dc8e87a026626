"""The report's numbers computed from the month's Python records, without SQL."""

from __future__ import annotations

import statistics
from collections import Counter
from typing import Any

from tests.reports.month import END, START, Month, Msg


def _minutes(a: Any, b: Any) -> float:
    return float((a - b).total_seconds() / 60)


def _p90(values: list[float]) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=10, method="inclusive")[-1]


def expected(month: Month, chat: str | None = None, language: str | None = None) -> dict[str, Any]:
    def keep(msg: Msg) -> bool:
        return (
            msg.in_period
            and (chat is None or msg.chat_id == chat)
            and (language is None or msg.language == language)
        )

    msgs = [m for m in month.messages if keep(m)]
    cases = [c for c in month.cases if keep(c.msg) and START <= c.created_at < END]
    answered_by_humans = {c.msg.inbound_id for c in month.cases if c.first_response_at}
    questions = [m for m in msgs if m.category == "question"]
    spam = [m for m in msgs if m.category == "spam"]
    daily: Counter[tuple[str, str]] = Counter(
        (m.received_at.date().isoformat(), m.category) for m in msgs
    )
    first = [_minutes(c.first_response_at, c.created_at) for c in cases if c.first_response_at]
    resolution = [_minutes(c.resolved_at, c.created_at) for c in cases if c.resolved_at]
    complaints = [c for c in cases if c.msg.category == "complaint"]
    resolved = [c for c in complaints if c.status in ("resolved", "closed") or c.resolved_at]
    csat = [c.csat[-1] for c in cases if c.csat]
    negative = [c for c in cases if c.msg.sentiment == "negative"]
    turned = [c for c in negative if c.csat and c.csat[-1] >= 4]
    leads = [r for r in month.leads if keep(r.msg)]
    statuses = Counter(r.status for r in leads)
    engagement = {}
    for kind, records in month.engagement.items():
        # Engagement is per chat (never per language).
        inside = [r for r in records if START <= r[2] < END and chat in (None, r[3])]
        engagement[kind] = {
            "records": len(inside),
            "people": len({r[1] for r in inside if r[1]}),
            "items": len({r[0] for r in inside}),
        }
    return {
        "total": len(msgs),
        "by_category": dict(Counter(m.category for m in msgs)),
        "by_sentiment": dict(Counter(m.sentiment for m in msgs)),
        "by_language": dict(Counter(m.language for m in msgs)),
        "daily": daily,
        "complaints_by_product": dict(
            Counter(m.product or "unspecified" for m in msgs if m.category == "complaint")
        ),
        "questions": {
            "total": len(questions),
            "answered_by_bot": sum(m.bot_reply for m in questions),
            "answered_by_humans": sum(m.inbound_id in answered_by_humans for m in questions),
            "unanswered": sum(
                not m.bot_reply and m.inbound_id not in answered_by_humans for m in questions
            ),
        },
        "spam": {
            "detected": len(spam),
            "removed": sum(m.deleted for m in spam),
            # Corrections have a language (fr here) but no chat.
            "false_positives_corrected": (
                None if chat is not None else month.hams if language in (None, "fr") else 0
            ),
        },
        "cases": {
            "opened": len(cases),
            "first_median": statistics.median(first) if first else None,
            "first_p90": _p90(first),
            "first_sla_rate": sum(
                1 for c in cases if c.first_response_at and c.first_response_at <= c.first_due
            )
            / len(cases),
            "resolution_median": statistics.median(resolution) if resolution else None,
            "resolution_p90": _p90(resolution),
            "resolution_sla_rate": sum(
                1 for c in cases if c.resolved_at and c.resolved_at <= c.resolution_due
            )
            / len(cases),
            "complaints": len(complaints),
            "share_resolved": len(resolved) / len(complaints),
            "csat_average": sum(csat) / len(csat),
            "csat_answers": len(csat),
            "negative_to_satisfied_rate": len(turned) / len(negative),
        },
        "leads": {
            "total": len(leads),
            "by_source": dict(Counter(r.msg.kind for r in leads)),
            "by_status": dict(statuses),
            "won": statuses["won"],
            "conversion_rate": statuses["won"] / len(leads),
            "with_consent": sum(r.consent for r in leads),
        },
        "engagement": engagement,
    }
