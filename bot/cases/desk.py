"""The case card's buttons (staff only; the router refuses and logs anyone else, and the
signature stops data changed to point at another case)."""

from __future__ import annotations

from datetime import timedelta

from bot.cases import service
from bot.cases.cards import RECLASS_TO
from bot.cases.lifecycle import CLOSED, OPEN, RESOLVED, WAITING_CUSTOMER, WAITING_STAFF
from bot.errors import CaseError
from bot.storage.case_rows import CaseRow
from bot.storage.store_outbound import OutboundChange, OutboundRow
from bot.telegram.effects import Effect, escape_html
from bot.telegram.routing import Context, Press, Reaction
from bot.telegram.updates import PLATFORM


async def _case(ctx: Context, press: Press) -> CaseRow:
    if not press.args:
        raise CaseError("this button names no case")
    return await service.load(ctx, press.args[0])


def _refusal(press: Press, exc: CaseError) -> Reaction:
    return Reaction().add(press.answer(str(exc)[:190]))


async def drafted_rows(ctx: Context, case: CaseRow) -> list[OutboundRow]:
    ref = case.details.get("draft_ref")
    if not ref:
        return []
    inbound_id = await ctx.store.find_inbound(PLATFORM, str(ref[0]), str(ref[1]))
    if inbound_id is None:
        return []
    return await ctx.store.outbound_rows(("drafted",), inbound_id=inbound_id)


async def _drop_draft(ctx: Context, case: CaseRow, **details: object) -> None:
    details = {"draft_ref": None, **details}
    await ctx.store.update_case(case.id, ctx.now_dt, draft=None, details=details)


async def cancel_draft(ctx: Context, case: CaseRow, **details: object) -> None:
    """The pending draft dropped, its stored (drafted) reply cancelled; ``details`` also set."""
    rows = await drafted_rows(ctx, case)
    await ctx.store.set_outbound([OutboundChange(row.id, "cancelled") for row in rows])
    await _drop_draft(ctx, case, **details)


async def _note(ctx: Context, out: Reaction, case_id: int, html_text: str, **kw: object) -> None:
    note = await service.staff_note(ctx, case_id, html_text, **kw)  # type: ignore[arg-type]
    if note is not None:
        out.add(note)


async def _refresh(ctx: Context, out: Reaction, case_id: int) -> Reaction:
    card = await service.refreshed_card(ctx, case_id)
    return out.add(card) if card is not None else out


async def send(ctx: Context, press: Press) -> Reaction:
    """Send the pending draft as it is."""
    try:
        case = await _case(ctx, press)
    except CaseError as exc:
        return _refusal(press, exc)
    if not case.draft or case.status not in OPEN:
        return Reaction().add(press.answer("Nothing to send: no pending draft."))
    out = Reaction()
    rows = await drafted_rows(ctx, case)
    if rows:
        await ctx.store.set_outbound([OutboundChange(row.id, "queued") for row in rows])
        out.later.extend((row.id, Effect.from_row(row)) for row in rows)
    else:
        out.add(service.to_customer(case, case.draft))
    await _drop_draft(ctx, case)
    await service.record(ctx, case.id, "draft_sent", press.user_id, text=case.draft)
    await service.responded(ctx, case, press.user_id, case.draft)
    await service.move(ctx, case, WAITING_CUSTOMER, press.user_id)
    await _note(ctx, out, case.id, f"✅ Case #{case.id}: draft sent by {press.user_id}.")
    out.add(press.answer("Sent ✓")).event("case_draft_sent", case_id=case.id)
    return await _refresh(ctx, out, case.id)


async def edit(ctx: Context, press: Press) -> Reaction:
    """Ask the agent for their version; their reply is sent instead of the draft."""
    try:
        case = await _case(ctx, press)
    except CaseError as exc:
        return _refusal(press, exc)
    await ctx.store.update_case(case.id, ctx.now_dt, details={"editing_by": press.user_id})
    await service.record(ctx, case.id, "edit_started", press.user_id)
    out = Reaction().add(press.answer("Reply to the card with your text."))
    await _note(
        ctx,
        out,
        case.id,
        f"✏️ Case #{case.id}: reply to this message with your version of the answer; it is "
        "sent to the customer instead of the draft.",
    )
    return out


async def reject(ctx: Context, press: Press) -> Reaction:
    try:
        case = await _case(ctx, press)
    except CaseError as exc:
        return _refusal(press, exc)
    if not case.draft:
        return Reaction().add(press.answer("No pending draft."))
    await cancel_draft(ctx, case)
    await service.record(ctx, case.id, "draft_rejected", press.user_id, text=case.draft)
    if case.status in OPEN:
        await service.move(ctx, case, WAITING_STAFF, press.user_id)
    out = Reaction().add(press.answer("Rejected ✓")).event("case_draft_rejected", case_id=case.id)
    return await _refresh(ctx, out, case.id)


async def reclassify(ctx: Context, press: Press) -> Reaction:
    """Offer the categories as buttons."""
    try:
        case = await _case(ctx, press)
    except CaseError as exc:
        return _refusal(press, exc)
    names = [c for c in sorted(ctx.playbooks.categories) if c != case.category]
    buttons = [ctx.button(name, RECLASS_TO, case.id, name) for name in names]
    rows = [buttons[i : i + 3] for i in range(0, len(buttons), 3)]
    out = Reaction().add(press.answer())
    await _note(ctx, out, case.id, f"🏷 Case #{case.id}: what is it really?", buttons=rows)
    return out


async def reclassify_to(ctx: Context, press: Press) -> Reaction:
    """Learn the correction (the next verdict on a similar message uses it, no restart)."""
    try:
        case = await _case(ctx, press)
    except CaseError as exc:
        return _refusal(press, exc)
    label = press.args[1] if len(press.args) > 1 else ""
    if label not in ctx.playbooks.categories:
        return Reaction().add(press.answer(f"Unknown category {label!r}."))
    return await _correct(ctx, press, case, label)


async def _correct(ctx: Context, press: Press, case: CaseRow, label: str) -> Reaction:
    text = case.text or ""
    if text and not case.details.get("erased"):
        await ctx.pipeline.correct(text, label, case.language)
        if ctx.pipeline.store is None:  # the runtime's pipeline stores nothing itself
            await ctx.store.record_correction(text, label, case.language, source="staff")
    await ctx.store.update_case(case.id, ctx.now_dt, category=label)
    await service.record(
        ctx, case.id, "reclassified", press.user_id, **{"from": case.category, "to": label}
    )
    out = Reaction().add(press.answer(f"Learned: {label} ✓"))
    out.event("correction", case_id=case.id, label=label, by=press.user_id)
    if label == "spam" and case.status != CLOSED:
        await ctx.store.cancel_jobs(prefix=f"case:{case.id}:")
        await service.move(ctx, case, CLOSED, press.user_id, reason="spam")
    return await _refresh(ctx, out, case.id)


async def claim(ctx: Context, press: Press) -> Reaction:
    try:
        case = await _case(ctx, press)
    except CaseError as exc:
        return _refusal(press, exc)
    await ctx.store.update_case(case.id, ctx.now_dt, assignee=press.user_id)
    await service.record(ctx, case.id, "claimed", press.user_id, previous=case.assignee)
    if case.status == "new":
        await service.move(ctx, case, WAITING_STAFF, press.user_id)
    return await _refresh(ctx, Reaction().add(press.answer(f"Case #{case.id} is yours ✓")), case.id)


async def resolve(ctx: Context, press: Press) -> Reaction:
    try:
        case = await _case(ctx, press)
        case = await service.move(ctx, case, RESOLVED, press.user_id)
    except CaseError as exc:
        return _refusal(press, exc)
    out = Reaction().add(press.answer(f"Case #{case.id} resolved ✓"))
    return out.extend(await after_resolution(ctx, case, press.user_id))


async def after_resolution(ctx: Context, case: CaseRow, actor: str) -> Reaction:
    """Stop the SLA timers; follow up with the CSAT question later (or close now when the
    customer cannot be reached in private or the category has no CSAT reply)."""
    await ctx.store.cancel_jobs(prefix=f"case:{case.id}:sla:")
    settings = ctx.config.cases
    out = Reaction().event("case_resolved", case_id=case.id, by=actor)
    if case.private_chat_id and service.ladder_reply(ctx, case, "csat_reply"):
        due = ctx.now_dt + timedelta(hours=settings.csat_delay_hours)
        await ctx.store.schedule_job("case_csat", f"case:{case.id}:csat", due, {"case_id": case.id})
        await service.record(ctx, case.id, "csat_scheduled", "bot", due_at=due.isoformat())
    else:
        await service.move(ctx, case, CLOSED, "bot", reason="no private chat for a follow-up")
    await _note(ctx, out, case.id, f"✔️ Case #{case.id} resolved by {escape_html(actor)}.")
    return await _refresh(ctx, out, case.id)


async def mark_spam(ctx: Context, press: Press) -> Reaction:
    try:
        case = await _case(ctx, press)
    except CaseError as exc:
        return _refusal(press, exc)
    return await _correct(ctx, press, case, "spam")


async def take_over(ctx: Context, press: Press) -> Reaction:
    try:
        case = await _case(ctx, press)
    except CaseError as exc:
        return _refusal(press, exc)
    await ctx.store.update_case(case.id, ctx.now_dt, taken_over=True, assignee=press.user_id)
    await service.record(ctx, case.id, "taken_over", press.user_id)
    out = Reaction().add(press.answer("The bot is silent with this customer ✓"))
    await _note(
        ctx,
        out,
        case.id,
        f"🤝 Case #{case.id} taken over by {escape_html(press.user_id)}: the bot no longer "
        f"answers this customer. Reply to the card to write to them; /handback {case.id} "
        "gives them back to the bot.",
    )
    out.event("case_taken_over", case_id=case.id, by=press.user_id)
    return await _refresh(ctx, out, case.id)


async def hand_back(ctx: Context, press: Press) -> Reaction:
    try:
        case = await _case(ctx, press)
    except CaseError as exc:
        return _refusal(press, exc)
    return (await handed_back(ctx, case, press.user_id)).add(press.answer("Handed back ✓"))


async def handed_back(ctx: Context, case: CaseRow, actor: str) -> Reaction:
    if not case.taken_over:
        return Reaction()
    await ctx.store.update_case(case.id, ctx.now_dt, taken_over=False)
    await service.record(ctx, case.id, "handed_back", actor)
    out = Reaction().event("case_handed_back", case_id=case.id, by=actor)
    return await _refresh(ctx, out, case.id)
