"""A month of activity on SQLite and PostgreSQL: every report number against the same number
computed in Python from what was written."""

from __future__ import annotations

import pytest

from bot.config import GoalConfig
from bot.reports.metrics import build_report
from bot.reports.period import Period, parse_period
from bot.storage import Store
from tests.reports.expected import expected
from tests.reports.month import END, GROUP_A, START, Month, build_month

MONTH = Period(START, END, "2026-10")


def check(report: dict, want: dict) -> None:
    msgs = report["messages"]
    assert msgs["total"] == want["total"]
    for key in ("by_category", "by_sentiment", "by_language", "complaints_by_product"):
        assert msgs[key] == want[key], key
    daily = {(d, c): n for d, counts in msgs["daily"].items() for c, n in counts.items()}
    assert daily == dict(want["daily"])
    assert msgs["questions"] == want["questions"]
    spam = dict(want["spam"])
    if spam["false_positives_corrected"] is None:
        del spam["false_positives_corrected"]
        del msgs["spam"]["false_positives_corrected"]
    assert msgs["spam"] == spam
    cases, wc = report["cases"], want["cases"]
    assert cases["opened"] == wc["opened"] and cases["complaints"] == wc["complaints"]
    assert cases["csat_answers"] == wc["csat_answers"]
    for got, key in (
        (cases["first_response"]["median_minutes"], "first_median"),
        (cases["first_response"]["p90_minutes"], "first_p90"),
        (cases["first_response"]["sla_rate"], "first_sla_rate"),
        (cases["resolution"]["median_minutes"], "resolution_median"),
        (cases["resolution"]["p90_minutes"], "resolution_p90"),
        (cases["resolution"]["sla_rate"], "resolution_sla_rate"),
        (cases["share_resolved"], "share_resolved"),
        (cases["csat_average"], "csat_average"),
        (cases["negative_to_satisfied_rate"], "negative_to_satisfied_rate"),
    ):
        assert got == pytest.approx(wc[key], abs=1e-3), key
    leads, wl = report["leads"], want["leads"]
    for key in ("total", "by_source", "by_status", "won", "with_consent"):
        assert leads[key] == wl[key], key
    assert leads["conversion_rate"] == pytest.approx(wl["conversion_rate"])
    eng = report["engagement"]
    for kind, numbers in want["engagement"].items():
        assert eng[kind] == numbers, kind
    assert eng["poll_turnout"] == pytest.approx(
        want["engagement"]["poll"]["records"] / want["engagement"]["poll"]["items"]
    )


async def test_a_month_of_activity_adds_up(store: Store) -> None:
    month: Month = await build_month(store)
    assert len(month.messages) >= 2400 and len(month.cases) > 300 and len(month.leads) > 200
    goals = [
        GoalConfig(name="Leads", metric="leads", target=100),
        GoalConfig(metric="first_response_median_minutes", target=5),
    ]
    report = await build_report(store, MONTH, goals=goals)
    want = expected(month)
    check(report, want)
    assert report["goals"][0]["value"] == want["leads"]["total"]
    assert report["goals"][0]["met"] is True
    assert report["goals"][1]["met"] is False  # a median of ~30 min is not 5
    check(await build_report(store, MONTH, chat_id=GROUP_A), expected(month, chat=GROUP_A))
    check(await build_report(store, MONTH, language="ru"), expected(month, language="ru"))


async def test_an_empty_database_gives_an_empty_report(store: Store) -> None:
    report = await build_report(store, parse_period("2026-10", START))
    assert report["messages"]["total"] == 0 and report["messages"]["by_category"] == {}
    assert report["cases"]["first_response"]["median_minutes"] is None
    assert report["cases"]["csat_average"] is None
    assert report["leads"]["conversion_rate"] is None
    assert report["engagement"]["poll_turnout"] is None
