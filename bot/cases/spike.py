"""Spike alert: many new cases on one topic in a short window raise ONE alert with examples
(``cases.spike_*``), then none on that topic for the cooldown.

When a new case makes its topic spike, the alert is scheduled as a job (stored at once, so a
crash in the rest of the batch does not lose it) and the time is kept in the bot state (so
neither the next cases nor a restart alert again); the job posts the alert at the next tick,
saved together with its own completion.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.cases.lifecycle import STATUSES
from bot.storage.case_rows import CaseRow
from bot.storage.store_jobs import Job
from bot.telegram.effects import escape_html
from bot.telegram.routing import Context, Reaction

JOB = "case_spike"


def state_key(topic: str) -> str:
    return f"cases:spike:{topic}"[:100]


async def check(ctx: Context, case: CaseRow) -> Reaction | None:
    """Schedule an alert when ``case`` (just opened) makes its topic spike."""
    settings = ctx.config.cases
    if case.category not in settings.spike_categories or not case.topic:
        return None
    since = ctx.now_dt - timedelta(minutes=settings.spike_window_minutes)
    count = await ctx.store.count_cases(topic=case.topic, since=since)
    if count < settings.spike_threshold:
        return None
    last = await ctx.store.get_state(state_key(case.topic))
    quiet = max(settings.spike_cooldown_minutes, settings.spike_window_minutes) * 60
    if last is not None and ctx.now - float(last) < quiet:
        return None
    payload = {
        "topic": case.topic,
        "category": case.category,
        "count": count,
        "since": since.isoformat(),
    }
    await ctx.store.schedule_job(JOB, f"{state_key(case.topic)}:{ctx.now:.0f}", ctx.now_dt, payload)
    await ctx.store.set_state(state_key(case.topic), repr(ctx.now))
    return Reaction().event("spike_detected", topic=case.topic, count=count, case_id=case.id)


async def alert(ctx: Context, job: Job) -> Reaction:
    """The alert in the staff chat: how many, on what, and a few examples."""
    settings = ctx.config.cases
    topic, count = str(job.payload["topic"]), int(job.payload["count"])
    since = datetime.fromisoformat(str(job.payload["since"]))
    examples = await ctx.store.cases(
        STATUSES, topic=topic, since=since, limit=settings.spike_examples
    )
    lines = [
        f"📈 <b>Spike: {count} {escape_html(str(job.payload.get('category', '')))} cases "
        f"about {escape_html(topic)}</b> in {settings.spike_window_minutes:g} minutes.",
        "Answer fast and consistently; consider a public statement.",
    ]
    for example in examples:
        text = (example.text or "").replace("\n", " ")[:200]
        lines.append(f"• #{example.id}: <i>{escape_html(text)}</i>")
    out = Reaction().event("spike_alert", topic=topic, count=count)
    effect = ctx.to_staff("\n".join(lines))
    return out.add(effect) if effect is not None else out
