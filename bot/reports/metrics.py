"""A report: the store's numbers for a period plus what is derived from them (response-time
percentiles, SLA compliance, CSAT, the negative→satisfied rate, progress towards goals)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from bot.config import GoalConfig
from bot.reports.period import Period
from bot.storage import Store
from bot.storage.report_queries import SATISFIED, ReportFilter

RESOLVED = ("resolved", "closed")


def percentile(values: Sequence[float], q: float) -> float | None:
    """The ``q`` percentile (0-100) by linear interpolation between closest ranks."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def _minutes(later: datetime | None, earlier: datetime) -> float | None:
    return None if later is None else (later - earlier).total_seconds() / 60


def _timing(values: list[float], within: int, with_due: int) -> dict[str, Any]:
    return {
        "count": len(values),
        "median_minutes": percentile(values, 50),
        "p90_minutes": percentile(values, 90),
        "within_sla": within,
        "with_sla": with_due,
        "sla_rate": within / with_due if with_due else None,
    }


def case_numbers(cases: list[dict[str, Any]]) -> dict[str, Any]:
    """Response and resolution times (median, p90, within SLA), resolution, CSAT."""
    first: list[float] = []
    resolution: list[float] = []
    first_in = first_due = res_in = res_due = 0
    for case in cases:
        opened = case["created_at"]
        minutes = _minutes(case["first_response_at"], opened)
        if minutes is not None:
            first.append(minutes)
        if case["first_response_due_at"] is not None:
            first_due += 1
            done = case["first_response_at"]
            first_in += done is not None and done <= case["first_response_due_at"]
        minutes = _minutes(case["resolved_at"], opened)
        if minutes is not None:
            resolution.append(minutes)
        if case["resolution_due_at"] is not None:
            res_due += 1
            done = case["resolved_at"]
            res_in += done is not None and done <= case["resolution_due_at"]
    complaints = [c for c in cases if c["category"] == "complaint"]
    resolved = [c for c in complaints if _resolved(c)]
    scores = [c["csat"] for c in cases if c["csat"] is not None]
    negative = [c for c in cases if c["sentiment"] == "negative"]
    turned = [c for c in negative if c["csat"] is not None and c["csat"] >= SATISFIED]
    by_status: dict[str, int] = {}
    for case in cases:
        by_status[case["status"]] = by_status.get(case["status"], 0) + 1
    return {
        "opened": len(cases),
        "by_status": by_status,
        "first_response": _timing(first, first_in, first_due),
        "resolution": _timing(resolution, res_in, res_due),
        "complaints": len(complaints),
        "complaints_resolved": len(resolved),
        "share_resolved": len(resolved) / len(complaints) if complaints else None,
        "csat_answers": len(scores),
        "csat_average": sum(scores) / len(scores) if scores else None,
        "negative": len(negative),
        "negative_satisfied": len(turned),
        "negative_to_satisfied_rate": len(turned) / len(negative) if negative else None,
        "first_response_minutes": first,  # for the distribution chart; dropped from JSON
    }


def _resolved(case: dict[str, Any]) -> bool:
    return case["status"] in RESOLVED or case["resolved_at"] is not None


def goal_value(metric: str, report: dict[str, Any]) -> float | None:
    """The report's value for a goal metric (see README); :class:`KeyError` when unknown."""
    cases, leads = report["cases"], report["leads"]
    values: dict[str, Any] = {
        "messages": report["messages"]["total"],
        "leads": leads["total"],
        "leads_won": leads["won"],
        "conversion_rate": leads["conversion_rate"],
        "csat_average": cases["csat_average"],
        "share_resolved": cases["share_resolved"],
        "negative_to_satisfied_rate": cases["negative_to_satisfied_rate"],
        "first_response_median_minutes": cases["first_response"]["median_minutes"],
        "resolution_median_hours": _hours(cases["resolution"]["median_minutes"]),
        "first_response_sla_rate": cases["first_response"]["sla_rate"],
        "poll_turnout": report["engagement"]["poll_turnout"],
        "contest_entries": report["engagement"]["contest_entries"],
        "quiz_participants": report["engagement"]["quiz_participants"],
    }
    value = values[metric]
    return None if value is None else float(value)


LOWER_IS_BETTER = {"first_response_median_minutes", "resolution_median_hours"}


def _hours(minutes: float | None) -> float | None:
    return None if minutes is None else minutes / 60


def goal_progress(goals: Sequence[GoalConfig], report: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for goal in goals:
        try:
            value = goal_value(goal.metric, report)
        except KeyError:
            out.append({"name": goal.name or goal.metric, "metric": goal.metric, "error": True})
            continue
        lower = goal.metric in LOWER_IS_BETTER
        met = value is not None and (value <= goal.target if lower else value >= goal.target)
        progress = None
        if value is not None and goal.target:
            progress = goal.target / value if lower and value else value / goal.target
        out.append(
            {
                "name": goal.name or goal.metric,
                "metric": goal.metric,
                "target": goal.target,
                "value": value,
                "progress": progress,
                "met": met,
                "deadline": goal.deadline.isoformat() if goal.deadline else None,
            }
        )
    return out


async def build_report(
    store: Store,
    period: Period,
    *,
    chat_id: str | None = None,
    language: str | None = None,
    goals: Sequence[GoalConfig] = (),
    now: datetime | None = None,
) -> dict[str, Any]:
    """The whole report as JSON-ready data (plus ``cases.first_response_minutes``)."""
    flt = ReportFilter(period.start, period.end, chat_id, language)
    data = await store.report_data(flt)
    report: dict[str, Any] = {
        "period": {
            "label": period.label,
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
            "chat_id": chat_id,
            "language": language,
            "generated_at": (now or datetime.now(UTC)).isoformat(),
        },
        "messages": data["messages"],
        "cases": case_numbers(data["cases"]),
        "leads": data["leads"],
        "engagement": data["engagement"],
    }
    report["goals"] = goal_progress(goals, report)
    return report


def as_json(report: dict[str, Any]) -> dict[str, Any]:
    """The report without the raw response times (only their percentiles)."""
    cases = {k: v for k, v in report["cases"].items() if k != "first_response_minutes"}
    return {**report, "cases": cases}
