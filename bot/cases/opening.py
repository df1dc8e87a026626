"""The outcome hook: a complaint (or anything escalated to a human) opens one case per message;
a customer's later messages join their open case; a taken-over customer gets no bot reply.

The case card replaces the plain staff card the runtime planned. Writes are keyed by the
message (case key, event keys, job keys), so processing an update again changes nothing but
plans the same effects again.
"""

from __future__ import annotations

from datetime import timedelta

from bot.cases import service, spike
from bot.cases.lifecycle import NEW, RESOLVED, WAITING_CUSTOMER, WAITING_STAFF
from bot.cases.priority import case_priority
from bot.cases.sla import due_times, reminders
from bot.decide import Action
from bot.domain import MessageKind
from bot.pipeline import Outcome
from bot.storage.store_cases import CaseRow, NewCase
from bot.telegram.effects import escape_html
from bot.telegram.reactions import Planned
from bot.telegram.routing import Context, Reaction, Triaged
from bot.telegram.updates import PLATFORM

CUSTOMER_KINDS = ("reply", "case_reply")


async def on_outcome(ctx: Context, triaged: Triaged) -> Reaction | None:
    outcome = triaged.outcome
    message, decision = outcome.message, outcome.decision
    if not (message.user_id and message.chat_id and message.message_id):
        return None
    if decision.action == Action.MODERATE:
        return None
    key = service.message_key(message.chat_id, message.message_id)
    if await ctx.store.case_by_key(key) is not None:
        if triaged.parsed.edited:
            return None  # an edit of a message that already has its case
        return await _open(ctx, triaged, key)  # processed again: the same case and effects
    current = await ctx.store.open_case_of(PLATFORM, message.user_id)
    if current is None and message.kind == MessageKind.DM:
        current = await _resolved_case(ctx, message.user_id)
    if current is not None and current.taken_over:
        return await _handed_over(ctx, triaged, current, key)
    if current is not None and current.status == RESOLVED and not decision.escalate:
        # A "thank you" after the resolution is recorded; it does not reopen the case.
        text = message.text[:2000]
        await service.record(ctx, current.id, "customer_message", message.user_id, key, text=text)
        return None
    if current is not None and (message.kind == MessageKind.DM or decision.escalate):
        return await _attach(ctx, triaged, current, key)
    policy = service.policy_for(ctx, outcome.verdict.category)
    if decision.escalate or policy.open:
        return await _open(ctx, triaged, key)
    return None


async def _resolved_case(ctx: Context, user_id: str) -> CaseRow | None:
    """A resolved (not yet closed) case of this customer: writing again reopens it."""
    return await ctx.store.open_case_of(PLATFORM, user_id, (RESOLVED,))


def _details(outcome: Outcome) -> dict[str, object]:
    message, verdict = outcome.message, outcome.verdict
    return {
        "first_name": message.first_name,
        "username": message.username,
        "chat_title": message.chat_title,
        "origin": message.kind.value,
        "sentiment": verdict.sentiment.value,
        "confidence": round(verdict.confidence, 3),
        "why": verdict.why(),
        "labels": list(verdict.labels),
        "variables": dict(verdict.variables),
        "last_text": message.text[:2000],
        "decision": outcome.decision.action.value,
    }


async def _open(ctx: Context, triaged: Triaged, key: str) -> Reaction:
    outcome = triaged.outcome
    message, verdict, decision = outcome.message, outcome.verdict, outcome.decision
    policy = service.policy_for(ctx, verdict.category)
    priority, why = case_priority(policy, verdict, message.text)
    opened_at = ctx.now_dt
    due = due_times(policy, opened_at)
    details = _details(outcome) | {"priority_why": why}
    draft = decision.draft
    drafted = _drafted_reply(triaged)
    pending = drafted is not None and draft is not None
    if draft is not None:
        details["draft_fallback"] = draft.fallback_language
        details["draft_reply_id"] = draft.reply_id
        if pending:
            details["draft_ref"] = [message.chat_id, message.message_id]
    new = NewCase(
        key=key,
        platform=PLATFORM,
        category=verdict.category,
        priority=priority,
        platform_chat_id=message.chat_id,
        platform_message_id=message.message_id,
        platform_user_id=message.user_id,
        private_chat_id=message.chat_id if message.kind == MessageKind.DM else None,
        language=verdict.language,
        topic=str(verdict.variables.get("product") or verdict.category),
        text=message.text,
        draft=drafted,
        details=details,
        first_response_due_at=due["first_response"],
        resolution_due_at=due["resolution"],
    )
    case, opened = await ctx.store.open_case(new, opened_at)
    out = Reaction()
    await service.record(ctx, case.id, "opened", "bot", f"{key}:opened", priority=priority, why=why)
    if draft is not None and draft.fallback_language:
        await service.record(
            ctx, case.id, "template_fallback", "bot", f"{key}:fallback", language=draft.language
        )
    if case.status == NEW:  # not yet past opening (also when processed again after a crash)
        await _arm_timers(ctx, case)
        sent = _sent_reply(triaged, message.chat_id or "")
        if sent is not None:
            await service.record(ctx, case.id, "acknowledged", "bot", f"{key}:ack", text=sent)
            await service.responded(ctx, case, "bot", sent)
            case = await service.move(ctx, case, WAITING_CUSTOMER, "bot")
        elif not pending:
            case = await service.move(ctx, case, WAITING_STAFF, "bot")
    case = await service.load(ctx, case.id)
    _replace_staff_cards(ctx, triaged, service.card(ctx, case))
    if opened:
        out.extend(await spike.check(ctx, case))
    out.event("case_opened", case_id=case.id, category=case.category, priority=priority)
    return out


async def _arm_timers(ctx: Context, case: CaseRow) -> None:
    """The case's SLA reminders as scheduled jobs (keyed: arming twice moves, never adds)."""
    due = {"resolution": case.resolution_due_at}
    if case.first_response_at is None:
        due["first_response"] = case.first_response_due_at
    timers = {timer: at for timer, at in due.items() if at is not None}
    for reminder in reminders(timers, case.created_at, ctx.config.cases.sla_warning_minutes):
        payload = {"case_id": case.id, "timer": reminder.timer, "stage": reminder.stage}
        await ctx.store.schedule_job("case_sla", reminder.job_key(case.id), reminder.at, payload)


async def _attach(ctx: Context, triaged: Triaged, case: CaseRow, key: str) -> Reaction:
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
    drafted = _drafted_reply(triaged)
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
        case = await service.load(ctx, case.id)
        await _arm_timers(ctx, case)
    case = await service.move(ctx, case, WAITING_STAFF, "customer")
    _replace_staff_cards(ctx, triaged, service.card(ctx, case, "New message from the customer"))
    out = Reaction()
    if first:
        out.event("case_message", case_id=case.id)
    return out


async def _handed_over(ctx: Context, triaged: Triaged, case: CaseRow, key: str) -> Reaction:
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


def _sent_reply(triaged: Triaged, chat_id: str) -> str | None:
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


def _replace_staff_cards(ctx: Context, triaged: Triaged, card: object) -> None:
    staff = str(ctx.staff_chat_id) if ctx.staff_chat_id is not None else None
    kept = [
        p
        for p in triaged.planned
        if not (p.effect.kind == "staff_card" and p.effect.chat_id == staff)
    ]
    if card is not None:
        kept.append(Planned(card))  # type: ignore[arg-type]
    triaged.planned[:] = kept


def _drafted_reply(triaged: Triaged) -> str | None:
    """The text of the reply planned for a human's approval, if any."""
    for planned in triaged.planned:
        if planned.status == "drafted" and planned.effect.kind in CUSTOMER_KINDS:
            return planned.effect.text
    return None
