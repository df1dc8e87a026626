"""A report as text (the staff-chat summary), as rows (CSV), as a workbook (XLSX)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

from bot.reports.metrics import as_json

Row = tuple[str, str, Any]


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.0f}%"


def _num(value: float | None, unit: str = "", digits: int = 1) -> str:
    return "–" if value is None else f"{value:.{digits}f}{unit}"


def _duration(minutes: float | None) -> str:
    if minutes is None:
        return "–"
    if minutes < 120:
        return f"{minutes:.0f} min"
    return f"{minutes / 60:.1f} h"


def _top(counts: dict[str, int], n: int = 5) -> str:
    items = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:n]
    return ", ".join(f"{k} {v}" for k, v in items) or "none"


def text_summary(report: dict[str, Any]) -> str:
    """A short plain-text summary (fits one Telegram message)."""
    period, msgs, cases = report["period"], report["messages"], report["cases"]
    leads, eng = report["leads"], report["engagement"]
    first, res = cases["first_response"], cases["resolution"]
    where = ""
    if period["chat_id"]:
        where += f" · chat {period['chat_id']}"
    if period["language"]:
        where += f" · language {period['language']}"
    lines = [
        f"📊 Report {period['label']} ({period['start'][:10]} → {period['end'][:10]}){where}",
        f"Messages: {msgs['total']} — {_top(msgs['by_category'])}",
        f"Sentiment: {_top(msgs['by_sentiment'])}",
        f"Complaints by product: {_top(msgs['complaints_by_product'])}",
        f"Cases: {cases['opened']} opened; first response median "
        f"{_duration(first['median_minutes'])}, p90 {_duration(first['p90_minutes'])}, "
        f"within SLA {_pct(first['sla_rate'])}",
        f"Resolution: median {_duration(res['median_minutes'])}, p90 "
        f"{_duration(res['p90_minutes'])}, within SLA {_pct(res['sla_rate'])}",
        f"Complaints resolved: {cases['complaints_resolved']}/{cases['complaints']} "
        f"({_pct(cases['share_resolved'])}); CSAT {_num(cases['csat_average'], '/5')} "
        f"({cases['csat_answers']} answers); negative → satisfied "
        f"{_pct(cases['negative_to_satisfied_rate'])}",
        f"Questions: {msgs['questions']['total']} — bot {msgs['questions']['answered_by_bot']}, "
        f"humans {msgs['questions']['answered_by_humans']}, "
        f"unanswered {msgs['questions']['unanswered']}",
        f"Spam: {msgs['spam']['detected']} detected, {msgs['spam']['removed']} removed, "
        f"{msgs['spam']['false_positives_corrected']} false positives corrected",
        f"Leads: {leads['total']} ({_top(leads['by_source'])}); won {leads['won']}, "
        f"conversion {_pct(leads['conversion_rate'])}; statuses {_top(leads['by_status'])}",
        f"Engagement: {eng['poll']['records']} votes in {eng['poll']['items']} polls "
        f"(turnout {_num(eng['poll_turnout'])} per poll), {eng['quiz_participants']} quiz "
        f"participants, {eng['contest_entries']} contest entries",
    ]
    for goal in report["goals"]:
        lines.append(goal_line(goal))
    return "\n".join(lines)


def goal_line(goal: dict[str, Any]) -> str:
    if goal.get("error"):
        return f"🎯 {goal['name']}: unknown metric {goal['metric']!r}"
    mark = "✅" if goal["met"] else "⏳"
    deadline = f" by {goal['deadline']}" if goal["deadline"] else ""
    value = "–" if goal["value"] is None else f"{goal['value']:.4g}"
    return (
        f"🎯 {mark} {goal['name']}: {value} of {goal['target']:.4g}{deadline} "
        f"({_pct(goal['progress'])})"
    )


def _flatten(prefix: str, value: Any) -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _flatten(f"{prefix}.{key}" if prefix else str(key), item)
    else:
        yield prefix, value


SERIES = {"daily", "sentiment_daily"}


def rows(report: dict[str, Any]) -> list[Row]:
    """``(section, metric, value)`` for every number of the report (not the daily series)."""
    data = as_json(report)
    out: list[Row] = []
    for section in ("period", "messages", "cases", "leads", "engagement"):
        for key, value in data[section].items():
            if key in SERIES:
                continue
            out.extend((section, name, item) for name, item in _flatten(key, value))
    for goal in data["goals"]:
        for key in ("value", "target", "progress", "met", "deadline"):
            out.append(("goals", f"{goal['name']}.{key}", goal.get(key)))
    return out


def to_csv(report: dict[str, Any]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["section", "metric", "value"])
    for section, metric, value in rows(report):
        writer.writerow([section, metric, "" if value is None else value])
    return out.getvalue()


def daily_table(report: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    """Columns and rows of the per-day series (categories, then sentiments)."""
    msgs = report["messages"]
    daily, sentiment = msgs["daily"], msgs["sentiment_daily"]
    categories = sorted({c for counts in daily.values() for c in counts})
    sentiments = sorted({s for counts in sentiment.values() for s in counts})
    header = ["day", *categories, *(f"sentiment {s}" for s in sentiments)]
    body = []
    for d in sorted(set(daily) | set(sentiment)):
        body.append(
            [
                d,
                *(daily.get(d, {}).get(c, 0) for c in categories),
                *(sentiment.get(d, {}).get(s, 0) for s in sentiments),
            ]
        )
    return header, body
