"""Scheduled jobs of cases: SLA reminders (a warning before the due time, then the breach),
the CSAT question after resolution, and closing a resolved case nobody rated."""

from __future__ import annotations

from datetime import timedelta

from bot.cases import service
from bot.cases.customer import CSAT
from bot.cases.lifecycle import CLOSED, RESOLVED
from bot.cases.sla import FIRST_RESPONSE, RESOLUTION
from bot.storage.store_jobs import Job
from bot.telegram.effects import escape_html
from bot.telegram.routing import Context, Reaction

TIMER_NAMES = {FIRST_RESPONSE: "first response", RESOLUTION: "resolution"}


async def sla(ctx: Context, job: Job) -> Reaction:
    case = await ctx.store.case(int(job.payload["case_id"]))
    timer, stage = job.payload.get("timer"), job.payload.get("stage")
    if case is None or case.status in (RESOLVED, CLOSED):
        return Reaction()
    if timer == FIRST_RESPONSE and case.first_response_at is not None:
        return Reaction()
    due = case.first_response_due_at if timer == FIRST_RESPONSE else case.resolution_due_at
    who = "staff"
    if case.assignee and case.assignee.isdigit():
        who = f'<a href="tg://user?id={case.assignee}">the assignee</a>'
    name = TIMER_NAMES.get(str(timer), str(timer))
    if stage == "warning" and due is not None and due <= ctx.now_dt:
        return Reaction()  # late (the bot was down): the breach reminder says it all
    if stage == "warning":
        minutes = max(0, round((due - ctx.now_dt).total_seconds() / 60)) if due else 0
        text = f"⏰ Case #{case.id}: the {name} is due in {minutes} min ({who})."
    else:
        text = f"🚨 Case #{case.id}: the {name} SLA is breached ({who})."
    await service.record(
        ctx, case.id, f"sla_{stage}", "system", f"{job.key}:{job.due_at}", timer=timer
    )
    out = Reaction().event("sla_reminder", case_id=case.id, timer=timer, stage=stage)
    note = await service.staff_note(ctx, case.id, f"{text} {escape_html(case.priority)} priority.")
    if note is not None:
        out.add(note)
    return out


async def csat(ctx: Context, job: Job) -> Reaction:
    case = await ctx.store.case(int(job.payload["case_id"]))
    if case is None or case.status != RESOLVED or not case.private_chat_id:
        return Reaction()
    draft = service.ladder_draft(ctx, case, "csat_reply")
    if draft is None:
        return Reaction()
    buttons = [[ctx.button(str(n), CSAT, case.id, n) for n in range(1, 6)]]
    effect = service.to_customer(case, draft.text, kind="csat", buttons=buttons)
    await service.record(ctx, case.id, "csat_sent", "bot", f"{job.key}:sent")
    close_at = ctx.now_dt + timedelta(hours=ctx.config.cases.csat_close_hours)
    await ctx.store.schedule_job(
        "case_close", f"case:{case.id}:close", close_at, {"case_id": case.id}
    )
    return Reaction().add(effect).event("csat_sent", case_id=case.id)


async def close(ctx: Context, job: Job) -> Reaction:
    case = await ctx.store.case(int(job.payload["case_id"]))
    if case is None or case.status != RESOLVED:
        return Reaction()
    await service.move(ctx, case, CLOSED, "bot", reason="no CSAT answer")
    return Reaction().event("case_closed", case_id=case.id, reason="no CSAT answer")
