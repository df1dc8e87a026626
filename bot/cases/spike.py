"""Spike alert: many new cases on one topic in a short window raise ONE alert with examples
(``cases.spike_*``), then none on that topic for the cooldown. The last alert time is kept
in the bot state, so a restart does not alert again."""

from __future__ import annotations

from datetime import timedelta

from bot.storage.store_cases import CaseRow
from bot.telegram.effects import escape_html
from bot.telegram.routing import Context, Reaction


def state_key(topic: str) -> str:
    return f"cases:spike:{topic}"[:100]


async def check(ctx: Context, case: CaseRow) -> Reaction | None:
    """An alert when ``case`` (just opened) makes its topic spike."""
    settings = ctx.config.cases
    if case.category not in settings.spike_categories or not case.topic:
        return None
    since = ctx.now_dt - timedelta(minutes=settings.spike_window_minutes)
    count = await ctx.store.count_cases(topic=case.topic, since=since)
    if count < settings.spike_threshold:
        return None
    last = await ctx.store.get_state(state_key(case.topic))
    cooldown = settings.spike_cooldown_minutes * 60
    if last is not None and ctx.now - float(last) < max(
        cooldown, settings.spike_window_minutes * 60
    ):
        return None
    await ctx.store.set_state(state_key(case.topic), repr(ctx.now))
    examples = await ctx.store.cases(
        ("new", "waiting_customer", "waiting_staff", "resolved", "closed"),
        topic=case.topic,
        since=since,
        limit=settings.spike_examples,
    )
    lines = [
        f"📈 <b>Spike: {count} {escape_html(case.category or '')} cases about "
        f"{escape_html(case.topic)}</b> in the last {settings.spike_window_minutes:g} minutes.",
        "Answer fast and consistently; consider a public statement.",
    ]
    for example in examples:
        text = (example.text or "").replace("\n", " ")[:200]
        lines.append(f"• #{example.id}: <i>{escape_html(text)}</i>")
    out = Reaction()
    alert = ctx.to_staff("\n".join(lines))
    if alert is not None:
        out.add(alert)
    return out.event("spike_alert", topic=case.topic, count=count, case_id=case.id)
