"""PNG charts of a report (matplotlib, Agg backend): volumes over time, categories,
first-response times and sentiment. Each PNG carries its title in its ``Title`` text chunk."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

CATEGORY_COLOURS = {
    "complaint": "#d9534f",
    "question": "#5b8def",
    "lead": "#f0ad4e",
    "praise": "#5cb85c",
    "spam": "#888888",
    "other": "#c9c9c9",
}
SENTIMENT_COLOURS = {"negative": "#d9534f", "neutral": "#9e9e9e", "positive": "#5cb85c"}


@dataclass(frozen=True)
class Chart:
    name: str  # file stem: volumes, categories, response_times, sentiment
    title: str
    png: bytes


def _figure() -> tuple[Any, Any]:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    figure = Figure(figsize=(8, 4), dpi=100, layout="constrained")
    return figure, figure.add_subplot()


def _png(figure: Any, title: str) -> bytes:
    out = io.BytesIO()
    figure.savefig(out, format="png", metadata={"Title": title, "Software": "cmbot"})
    return out.getvalue()


def _empty(axes: Any) -> None:
    axes.text(0.5, 0.5, "no data in this period", ha="center", va="center", color="#777")
    axes.set_xticks([])
    axes.set_yticks([])


def volumes_chart(report: dict[str, Any]) -> Chart:
    title = "Messages per day, by category"
    figure, axes = _figure()
    daily: dict[str, dict[str, int]] = report["messages"]["daily"]
    days = sorted(daily)
    if days:
        categories = sorted({c for counts in daily.values() for c in counts})
        bottom = [0] * len(days)
        labels = [d[5:] for d in days]
        for category in categories:
            values = [daily[d].get(category, 0) for d in days]
            colour = CATEGORY_COLOURS.get(category, "#6f42c1")
            axes.bar(labels, values, bottom=bottom, label=category, color=colour)
            bottom = [b + v for b, v in zip(bottom, values, strict=True)]
        axes.legend(fontsize=8, ncols=3)
        axes.tick_params(axis="x", labelrotation=60, labelsize=7)
        axes.set_ylabel("messages")
    else:
        _empty(axes)
    axes.set_title(title)
    return Chart("volumes", title, _png(figure, title))


def categories_chart(report: dict[str, Any]) -> Chart:
    title = "Messages by category"
    figure, axes = _figure()
    counts: dict[str, int] = report["messages"]["by_category"]
    if counts:
        names = sorted(counts, key=lambda c: counts[c])
        values = [counts[c] for c in names]
        colours = [CATEGORY_COLOURS.get(c, "#6f42c1") for c in names]
        bars = axes.barh(names, values, color=colours)
        axes.bar_label(bars, fontsize=8, padding=2)
        axes.set_xlabel("messages")
    else:
        _empty(axes)
    axes.set_title(title)
    return Chart("categories", title, _png(figure, title))


def response_chart(report: dict[str, Any]) -> Chart:
    title = "First-response time (minutes)"
    figure, axes = _figure()
    minutes: list[float] = report["cases"].get("first_response_minutes") or []
    if minutes:
        axes.hist(minutes, bins=min(40, max(5, len(minutes) // 10)), color="#5b8def")
        timing = report["cases"]["first_response"]
        for key, label, style in (("median_minutes", "median", "-"), ("p90_minutes", "p90", "--")):
            value = timing[key]
            if value is not None:
                axes.axvline(value, color="#333", linestyle=style, label=f"{label} {value:.0f} min")
        axes.legend(fontsize=8)
        axes.set_xlabel("minutes from case opened to first answer")
        axes.set_ylabel("cases")
    else:
        _empty(axes)
    axes.set_title(title)
    return Chart("response_times", title, _png(figure, title))


def sentiment_chart(report: dict[str, Any]) -> Chart:
    title = "Sentiment over time"
    figure, axes = _figure()
    daily: dict[str, dict[str, int]] = report["messages"]["sentiment_daily"]
    days = sorted(daily)
    if days:
        labels = [d[5:] for d in days]
        for sentiment, colour in SENTIMENT_COLOURS.items():
            values = [daily[d].get(sentiment, 0) for d in days]
            axes.plot(labels, values, marker="o", markersize=3, label=sentiment, color=colour)
        axes.legend(fontsize=8)
        axes.tick_params(axis="x", labelrotation=60, labelsize=7)
        axes.set_ylabel("messages")
    else:
        _empty(axes)
    axes.set_title(title)
    return Chart("sentiment", title, _png(figure, title))


def all_charts(report: dict[str, Any]) -> list[Chart]:
    return [
        volumes_chart(report),
        categories_chart(report),
        response_chart(report),
        sentiment_chart(report),
    ]
