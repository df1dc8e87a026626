"""A customer's later messages: they join the open case (the remedy is drafted once the
details are in; a resolved case reopens for a new problem), or, when a human took the
customer over, they go to the staff chat and the bot stays silent."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from bot.cases import service
from bot.cases.lifecycle import RESOLVED, WAITING_STAFF
from bot.cases.planning import arm_timers, drafted_reply, replace_staff_cards
from bot.domain import MessageKind
from bot.storage.case_rows import CaseRow
from bot.telegram.effects import escape_html
from bot.telegram.routing import Context, Reaction, Triaged


async def attach(ctx: Context, triaged: Triaged, case: CaseRow, key: str) -> Reaction:
    """A new message of a customer with an open case: recorded on it; the remedy is drafted
    once the details are known, and the staff see an updated card."""
    outcome = triaged.outcome
    message, verdict = outcome.message, outcome.verdict
    first = await service.record(
        ctx, case.id, "customer_message", message.user_id, key, text=message.text[:2000]
    )
    variables = {**(case.details.get("variables") or {}), **verdict.variables}
    changes: dict[str, object] = {
        "details": {"variables": variables, "last_text": message.text[:2000]}
    }
    if message.kind == MessageKind.DM:
        changes["private_chat_id"] = message.chat_id
    await ctx.store.update_case(case.id, ctx.now_dt, **changes)
    case = await service.load(ctx, case.id)
    drafted = drafted_reply(triaged)
    policy = service.policy_for(ctx, case.category)
    remedy = None
    if not case.details.get("remedy_drafted") and variables.get("order_number"):
        remedy = service.draft_for(ctx, case, policy.remedy_reply)
    if remedy is not None:  # the details are in: the remedy is drafted for the agent
        await ctx.store.update_case(
            case.id,
            ctx.now_dt,
            draft=remedy.text,
            details={
                "draft_fallback": remedy.fallback_language,
                "draft_reply_id": remedy.reply_id,
                "draft_ref": None,
                "remedy_drafted": True,
            },
        )
        await service.record(ctx, case.id, "remedy_drafted", "bot", f"{key}:remedy")
        if remedy.fallback_language:
            await service.record(
                ctx,
                case.id,
                "template_fallback",
                "bot",
                f"{key}:fallback",
                language=remedy.language,
            )
    elif drafted is not None and case.draft is None:  # the new message's draft is the case's
        ref = [message.chat_id, message.message_id]
        await ctx.store.update_case(case.id, ctx.now_dt, draft=drafted, details={"draft_ref": ref})
        drafted = None
    if drafted is not None:  # one pending reply at a time: the case's draft
        triaged.planned[:] = [p for p in triaged.planned if p.status != "drafted"]
    case = await service.load(ctx, case.id)
    if case.status == RESOLVED:  # reopened: no follow-up now, the resolution timer again
        await ctx.store.cancel_jobs(f"case:{case.id}:csat", f"case:{case.id}:close")
        due = ctx.now_dt + timedelta(hours=policy.resolution_hours)
        await ctx.store.update_case(case.id, ctx.now_dt, resolution_due_at=due)
        case = dataclasses.replace(case, resolution_due_at=due)
        await arm_timers(ctx, case)
    case = await service.move(ctx, case, WAITING_STAFF, "customer")
    replace_staff_cards(ctx, triaged, service.card(ctx, case, "New message from the customer"))
    out = Reaction()
    if first:
        out.event("case_message", case_id=case.id)
    return out


async def handed_over(ctx: Context, triaged: Triaged, case: CaseRow, key: str) -> Reaction:
    """A human took this customer over: no bot reply; the message goes to the staff."""
    message = triaged.outcome.message
    await service.record(
        ctx, case.id, "customer_message", message.user_id, key, text=message.text[:2000]
    )
    if message.kind == MessageKind.DM:
        await ctx.store.update_case(case.id, ctx.now_dt, private_chat_id=message.chat_id)
    triaged.planned[:] = []  # no reply, no plain card
    note = await service.staff_note(
        ctx,
        case.id,
        f"💬 <b>Case #{case.id}</b> (taken over by {escape_html(case.assignee or '?')}): "
        f"<blockquote>{escape_html(message.text[:1500])}</blockquote>"
        "Reply to this message to answer.",
    )
    out = Reaction()
    if note is not None:
        out.add(note)
    return out.event("case_message", case_id=case.id, taken_over=True)
