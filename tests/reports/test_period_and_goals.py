"""Report periods, percentiles, goals and UTM links: the small pure pieces."""

from __future__ import annotations

import statistics
from datetime import UTC, date, datetime
from urllib.parse import parse_qs, urlsplit

import pytest

from bot.config import GoalConfig, ReportsConfig
from bot.errors import ReportError
from bot.reports.leads import tag_links, utm_url
from bot.reports.metrics import goal_progress, percentile
from bot.reports.period import parse_period

NOW = datetime(2026, 11, 18, 15, 30, tzinfo=UTC)  # a Wednesday


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("7d", datetime(2026, 11, 11, 15, 30, tzinfo=UTC), NOW),
        ("week", datetime(2026, 11, 9, tzinfo=UTC), datetime(2026, 11, 16, tzinfo=UTC)),
        ("month", datetime(2026, 10, 1, tzinfo=UTC), datetime(2026, 11, 1, tzinfo=UTC)),
        ("2025-12", datetime(2025, 12, 1, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC)),
        (
            "2026-02-01..2026-02-28",
            datetime(2026, 2, 1, tzinfo=UTC),
            datetime(2026, 3, 1, tzinfo=UTC),
        ),
    ],
)
def test_periods(text: str, start: datetime, end: datetime) -> None:
    period = parse_period(text, NOW)
    assert (period.start, period.end) == (start, end)


@pytest.mark.parametrize("text", ["0d", "2026-13", "2026-02-30..2026-03-01", "soon", "3-1..2"])
def test_bad_periods_say_what_is_allowed(text: str) -> None:
    with pytest.raises(ReportError, match=repr(text)):
        parse_period(text, NOW)


def test_percentiles_match_the_statistics_module() -> None:
    values = [3.0, 1.0, 4.0, 1.5, 9.0, 2.6, 5.3, 5.8]
    assert percentile(values, 50) == pytest.approx(statistics.median(values))
    p90 = statistics.quantiles(values, n=10, method="inclusive")[-1]
    assert percentile(values, 90) == pytest.approx(p90)
    assert percentile([], 50) is None and percentile([7.0], 90) == 7.0


def test_goals_know_which_way_is_better() -> None:
    report = {
        "messages": {"total": 10},
        "leads": {"total": 50, "won": 5, "conversion_rate": 0.1},
        "cases": {
            "csat_average": 4.5,
            "share_resolved": 0.9,
            "negative_to_satisfied_rate": None,
            "first_response": {"median_minutes": 20.0, "sla_rate": 0.8},
            "resolution": {"median_minutes": 600.0},
        },
        "engagement": {"poll_turnout": 3.0, "contest_entries": 0, "quiz_participants": 1},
    }
    goals = [
        GoalConfig(name="leads", metric="leads", target=100, deadline=date(2026, 12, 31)),
        GoalConfig(metric="first_response_median_minutes", target=30),
        GoalConfig(metric="negative_to_satisfied_rate", target=0.5),
        GoalConfig(metric="followers", target=1000),
    ]
    leads, speed, turned, unknown = goal_progress(goals, report)
    assert leads["progress"] == 0.5 and not leads["met"] and leads["deadline"] == "2026-12-31"
    assert speed["met"] and speed["progress"] == 1.5
    assert turned["value"] is None and not turned["met"]
    assert unknown["error"]


def test_utm_parameters_are_added_without_losing_the_link() -> None:
    config = ReportsConfig(utm={"source": "tg", "medium": "social", "campaign": "noel"})
    url = utm_url("https://shop.example/serum?size=50&utm_source=mail", config, "post-7")
    query = parse_qs(urlsplit(url).query)
    assert query == {
        "size": ["50"],
        "utm_source": ["mail"],  # already attributed: kept
        "utm_medium": ["social"],
        "utm_campaign": ["noel"],
        "utm_content": ["post-7"],
    }
    text = "Voir https://shop.example/serum. Ou https://other.example/x !"
    tagged = tag_links(text, "https://shop.example", config, None)
    assert (
        "https://shop.example/serum?utm_source=tg&utm_medium=social&utm_campaign=noel." in (tagged)
        and "https://other.example/x !" in tagged
    )
