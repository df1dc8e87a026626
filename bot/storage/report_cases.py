"""The cases of a report: one row per case opened in the period, with its last CSAT score.

Times are compared in Python (medians, percentiles, SLA deadlines: see
:mod:`bot.reports.metrics`); a month holds thousands of cases, not millions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage import models as m

SATISFIED = 4  # CSAT answers are 1-5; 4 and 5 are satisfied customers
CSAT_KINDS = ("csat_answered",)  # recorded by bot.cases.customer (score 1-5)


@dataclass(frozen=True)
class ReportFilter:
    start: datetime
    end: datetime  # exclusive
    chat_id: str | None = None
    language: str | None = None


def _cases(flt: ReportFilter, *columns: Any) -> Select[Any]:
    query = (
        select(*columns)
        .select_from(m.Case)
        .outerjoin(m.Verdict, m.Verdict.inbound_id == m.Case.first_message_id)
        .where(m.Case.created_at >= flt.start, m.Case.created_at < flt.end)
    )
    if flt.chat_id is not None:
        query = query.join(m.Chat, m.Chat.id == m.Case.chat_id).where(m.Chat.chat_id == flt.chat_id)
    if flt.language is not None:
        query = query.where(m.Verdict.language == flt.language)
    return query


async def case_rows(session: AsyncSession, flt: ReportFilter) -> list[dict[str, Any]]:
    """One dict per case opened in the period, with its last CSAT score (or None)."""
    columns = (
        m.Case.id,
        m.Case.category,
        m.Case.status,
        m.Case.created_at,
        m.Case.first_response_at,
        m.Case.resolved_at,
        m.Case.first_response_due_at,
        m.Case.resolution_due_at,
        m.Verdict.sentiment,
    )
    cases: dict[int, dict[str, Any]] = {}
    for row in await session.execute(_cases(flt, *columns).order_by(m.Case.id)):
        cases.setdefault(row.id, dict(row._mapping) | {"csat": None})
    ids = _cases(flt, m.Case.id).scalar_subquery()
    csat = (
        select(m.CaseEvent.case_id, m.CaseEvent.payload)
        .where(m.CaseEvent.kind.in_(CSAT_KINDS), m.CaseEvent.case_id.in_(ids))
        .order_by(m.CaseEvent.id)
    )
    for case_id, payload in await session.execute(csat):
        score = csat_score(payload)
        if score is not None and case_id in cases:
            cases[case_id]["csat"] = score
    return list(cases.values())


def csat_score(payload: Any) -> float | None:
    """The 1-5 score of a CSAT case event (``{"score": 5}``), or None."""
    if not isinstance(payload, dict):
        return None
    for key in ("score", "rating", "value"):
        value = payload.get(key)
        if isinstance(value, int | float) and not isinstance(value, bool) and 1 <= value <= 5:
            return float(value)
    return None
