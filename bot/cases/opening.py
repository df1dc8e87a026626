"""The outcome hook: a complaint (or anything escalated to a human) opens one case per message;
a customer's later messages join their open case; a taken-over customer gets no bot reply.

The case card replaces the plain staff card the runtime planned. Writes are keyed by the
message (case key, event keys, job keys), so processing an update again changes nothing but
plans the same effects again.
"""

from __future__ import annotations

from bot.cases import followups, service, spike
from bot.cases.lifecycle import NEW, RESOLVED, WAITING_CUSTOMER, WAITING_STAFF
from bot.cases.planning import arm_timers, drafted_reply, replace_staff_cards, sent_reply
from bot.cases.priority import case_priority
from bot.cases.sla import due_times
from bot.decide import Action
from bot.domain import MessageKind
from bot.pipeline import Outcome
from bot.storage.case_rows import CaseRow, NewCase
from bot.telegram.routing import Context, Reaction, Triaged
from bot.telegram.updates import PLATFORM

MEMO, SEEN = "cases.for_message", "cases.seen_users"


async def before_outcomes(ctx: Context, outcomes: list[Outcome]) -> None:
    """Read the cases every message of the batch needs in one round trip."""
    wanted = [
        (service.message_key(m.chat_id, m.message_id), m.user_id)
        for m in (o.message for o in outcomes)
        if m.user_id and m.chat_id and m.message_id
    ]
    ctx.memo[MEMO] = await ctx.store.cases_for_messages(wanted, PLATFORM, (RESOLVED,))


async def _cases_for(
    ctx: Context, key: str, user_id: str
) -> tuple[CaseRow | None, CaseRow | None, CaseRow | None]:
    """The message's own case, the customer's open one and their resolved one: from the batch's
    read, unless an earlier message of the same customer in this batch may have changed them."""
    seen: set[str] = ctx.memo.setdefault(SEEN, set())
    found = ctx.memo.get(MEMO, {}).get(key)
    fresh = user_id not in seen
    seen.add(user_id)
    if found is not None and fresh:
        return found
    return await ctx.store.cases_for_message(key, PLATFORM, user_id, (RESOLVED,))


async def on_outcome(ctx: Context, triaged: Triaged) -> Reaction | None:
    outcome = triaged.outcome
    message, decision = outcome.message, outcome.decision
    if not (message.user_id and message.chat_id and message.message_id):
        return None
    if decision.action == Action.MODERATE:
        return None
    key = service.message_key(message.chat_id, message.message_id)
    own, current, resolved = await _cases_for(ctx, key, message.user_id)
    if own is not None:
        if triaged.parsed.edited:
            return None  # an edit of a message that already has its case
        return await _open(ctx, triaged, key)  # processed again: the same case and effects
    if current is None and message.kind == MessageKind.DM:
        current = resolved  # a resolved (not yet closed) case: writing again may reopen it
    if current is not None and current.taken_over:
        return await followups.handed_over(ctx, triaged, current, key)
    if current is not None and current.status == RESOLVED and not decision.escalate:
        # A "thank you" after the resolution is recorded; it does not reopen the case.
        text = message.text[:2000]
        await service.record(ctx, current.id, "customer_message", message.user_id, key, text=text)
        return None
    if current is not None and (message.kind == MessageKind.DM or decision.escalate):
        return await followups.attach(ctx, triaged, current, key)
    policy = service.policy_for(ctx, outcome.verdict.category)
    if decision.escalate or policy.open:
        return await _open(ctx, triaged, key)
    return None


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
    drafted = drafted_reply(triaged)
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
        await arm_timers(ctx, case)
        sent = sent_reply(triaged, message.chat_id or "")
        if sent is not None:
            await service.record(ctx, case.id, "acknowledged", "bot", f"{key}:ack", text=sent)
            await service.responded(ctx, case, "bot", sent)
            case = await service.move(ctx, case, WAITING_CUSTOMER, "bot")
        elif not pending:
            case = await service.move(ctx, case, WAITING_STAFF, "bot")
    case = await service.load(ctx, case.id)
    replace_staff_cards(ctx, triaged, service.card(ctx, case))
    if opened:
        out.extend(await spike.check(ctx, case))
    out.event("case_opened", case_id=case.id, category=case.category, priority=priority)
    return out
