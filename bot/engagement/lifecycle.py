"""Drafts, previews, launch, pause, resume and stop of polls, quizzes and contests."""

from __future__ import annotations

from datetime import datetime

from bot.engagement.common import (
    CHECK,
    CLOSE,
    QUIZ_END,
    START,
    EngagementError,
    job_prefix,
    schedule,
)
from bot.engagement.contest_texts import how_to_enter
from bot.engagement.definitions import (
    ContestDef,
    Definition,
    PollDef,
    QuizDef,
    as_data,
    deadline_problem,
)
from bot.storage.store_engagement import ItemRow
from bot.telegram.effects import escape_html
from bot.telegram.routing import Context


def _refuse_late(definition: Definition, now: datetime) -> None:
    problem = deadline_problem(definition, now)
    if problem is not None:
        raise EngagementError(f"{problem[0]}: {problem[1]}")


async def create_draft(ctx: Context, definition: Definition, created_by: str) -> int:
    _refuse_late(definition, ctx.now_dt)
    return await ctx.store.create_item(
        definition.kind,
        definition.title,
        as_data(definition),
        target_chat=str(definition.chat),
        created_by=created_by,
    )


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else "now"


def preview(definition: Definition, item_id: int, now: datetime) -> str:
    """What the staff confirm (HTML, escaped)."""
    e = escape_html
    start = definition.start(now) if definition.starts_at else None
    lines = [f"<b>Preview of {definition.kind} #{item_id}</b> in chat {e(str(definition.chat))}"]
    if isinstance(definition, PollDef):
        lines.append(f"❓ {e(definition.question)}")
        lines += [f"  ▫️ {e(o)}" for o in definition.options]
        kind = "multiple answers" if definition.multiple else "one answer"
        anon = "anonymous" if definition.anonymous else "not anonymous (per-user votes recorded)"
        lines.append(f"{kind}, {anon}; closes {_when(definition.deadline(now))}")
    elif isinstance(definition, QuizDef):
        lines.append(f"🧠 {e(definition.title)}: {len(definition.questions)} questions,"
                     f" {definition.seconds_per_question}s each")  # fmt: skip
        for i, q in enumerate(definition.questions):
            lines.append(f"  {i + 1}. {e(q.question)} → {e(q.options[q.correct_index()])}")
    elif isinstance(definition, ContestDef):
        lines.append(f"🎁 {e(definition.title)}; {definition.winners} winner(s)")
        lines.append(e(how_to_enter(definition)))
        lines.append(f"eligibility: member of {e(str(definition.eligibility_chat))}")
        lines.append(f"draw {_when(definition.deadline(now))}")
    lines.append(f"starts {_when(start)}")
    return "\n".join(lines)


async def launch(ctx: Context, item: ItemRow, definition: Definition) -> datetime:
    """Schedule the start of a draft; returns when it starts."""
    if item.status != "draft":
        raise EngagementError(f"#{item.id} is {item.status}, not a draft")
    _refuse_late(definition, ctx.now_dt)
    start = definition.start(ctx.now_dt)
    closes = definition.deadline(ctx.now_dt)
    await schedule(ctx, START, item.id, start, "start")
    await ctx.store.update_item(item.id, status="scheduled", scheduled_at=start, closes_at=closes)
    return start


async def pause(ctx: Context, item: ItemRow) -> int:
    """Set aside the item's pending jobs (they resume shifted by the pause)."""
    if item.state.get("paused_at"):
        raise EngagementError(f"#{item.id} is already paused")
    jobs = [j for j in await ctx.store.jobs() if j.key.startswith(job_prefix(item.id))]
    await ctx.store.cancel_jobs(prefix=job_prefix(item.id))
    saved = [[j.kind, j.key, j.due_at.isoformat(), j.payload] for j in jobs]
    state = {**item.state, "paused_at": ctx.now_dt.isoformat(), "paused_jobs": saved}
    await ctx.store.update_item(item.id, state=state)
    return len(jobs)


async def resume(ctx: Context, item: ItemRow) -> int:
    paused = item.state.get("paused_at")
    if not paused:
        raise EngagementError(f"#{item.id} is not paused")
    shift = ctx.now_dt - datetime.fromisoformat(paused)
    jobs = item.state.get("paused_jobs", [])
    for kind, key, due, payload in jobs:
        await ctx.store.schedule_job(kind, key, datetime.fromisoformat(due) + shift, payload)
    if item.closes_at is not None:
        await ctx.store.update_item(item.id, closes_at=item.closes_at + shift)
    state = {k: v for k, v in item.state.items() if k not in ("paused_at", "paused_jobs")}
    await ctx.store.update_item(item.id, state=state)
    return len(jobs)


async def stop(ctx: Context, item: ItemRow) -> str:
    """End now: a poll closes with its results, a quiz ends with its leaderboard, a contest
    is cancelled without a draw (use /draw to draw early), a draft or scheduled item is
    cancelled."""
    await ctx.store.cancel_jobs(prefix=job_prefix(item.id))
    if item.status in ("draft", "scheduled") or (item.kind == "contest" and item.status == "open"):
        await ctx.store.update_item(item.id, status="cancelled", closed_at=ctx.now_dt)
        return "cancelled"
    if item.status == "open":
        kind = CLOSE if item.kind == "poll" else QUIZ_END
        name = "close" if item.kind == "poll" else "end"
        await schedule(ctx, kind, item.id, ctx.now_dt, name)
        return "closing now"
    raise EngagementError(f"#{item.id} is already {item.status}")


async def draw_now(ctx: Context, item: ItemRow) -> None:
    if item.kind != "contest" or item.status != "open":
        raise EngagementError(f"#{item.id} is not an open contest")
    await schedule(ctx, CHECK, item.id, ctx.now_dt, "check")
