"""What the case hooks change in a triaged message's plan, and the SLA timers they arm."""

from __future__ import annotations

from bot.cases.sla import reminders
from bot.storage.case_rows import CaseRow
from bot.telegram.effects import Effect
from bot.telegram.reactions import Planned
from bot.telegram.routing import Context, Triaged

CUSTOMER_KINDS = ("reply", "case_reply")


async def arm_timers(ctx: Context, case: CaseRow) -> None:
    """The case's SLA reminders as scheduled jobs (keyed: arming twice moves, never adds)."""
    due = {"resolution": case.resolution_due_at}
    if case.first_response_at is None:
        due["first_response"] = case.first_response_due_at
    timers = {timer: at for timer, at in due.items() if at is not None}
    for reminder in reminders(timers, case.created_at, ctx.config.cases.sla_warning_minutes):
        payload = {"case_id": case.id, "timer": reminder.timer, "stage": reminder.stage}
        await ctx.store.schedule_job("case_sla", reminder.job_key(case.id), reminder.at, payload)


def sent_reply(triaged: Triaged, chat_id: str) -> str | None:
    """The text of the reply the bot sends now to this message, if any."""
    for planned in triaged.planned:
        effect = planned.effect
        if (
            planned.status == "queued"
            and effect.kind in CUSTOMER_KINDS
            and effect.chat_id == chat_id
        ):
            return effect.text
    return None


def replace_staff_cards(ctx: Context, triaged: Triaged, card: Effect | None) -> None:
    staff = str(ctx.staff_chat_id) if ctx.staff_chat_id is not None else None
    kept = [
        p
        for p in triaged.planned
        if not (p.effect.kind == "staff_card" and p.effect.chat_id == staff)
    ]
    if card is not None:
        kept.append(Planned(card))
    triaged.planned[:] = kept


def drafted_reply(triaged: Triaged) -> str | None:
    """The text of the reply planned for a human's approval, if any."""
    for planned in triaged.planned:
        if planned.status == "drafted" and planned.effect.kind in CUSTOMER_KINDS:
            return planned.effect.text
    return None
