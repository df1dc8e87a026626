"""An agent's reply to a case card (or to a note about the case) in the staff chat goes to the
customer through the bot. With a draft pending, the agent's text replaces it and the pair
(draft, edit) is kept as a training signal."""

from __future__ import annotations

from bot.cases import service
from bot.cases.desk import cancel_draft
from bot.cases.lifecycle import CLOSED, RESOLVED, WAITING_CUSTOMER
from bot.telegram.effects import send_text
from bot.telegram.routing import Context, Reaction, StaffMessage


async def on_staff_message(ctx: Context, staff: StaffMessage) -> Reaction | None:
    if staff.reply_to is None or ctx.staff_chat_id is None:
        return None
    case_id = await ctx.store.case_of_staff_message(str(ctx.staff_chat_id), staff.reply_to)
    if case_id is None:
        return None
    message = staff.message
    agent = message.user_id or ""
    if not ctx.is_staff(agent, message.chat_id):
        return Reaction().event("refused", what="case reply", user_id=agent, case_id=case_id)
    case = await service.load(ctx, case_id)
    text = message.text.strip()
    if not text:
        return None
    staff_chat = str(ctx.staff_chat_id)
    if case.status == CLOSED:
        notice = f"Case #{case.id} is closed: nothing was sent."
        return Reaction().add(send_text(staff_chat, notice, reply_to=message.message_id))
    out = Reaction()
    key = f"staff:{message.chat_id}:{message.message_id}"
    if case.draft:
        await cancel_draft(ctx, case, editing_by=None)
        signal = {
            "category": case.category,
            "language": case.language,
            "reply_id": case.details.get("draft_reply_id"),
            "draft": case.draft,
            "edited": text,
            "by": agent,
        }
        await service.record(ctx, case.id, "draft_edited", agent, f"{key}:edit", **signal)
        out.event("draft_edit", case_id=case.id, **signal)  # the training signal, in the event log
    # Recorded once; planned again if the update is processed again (its effects were lost).
    await service.record(ctx, case.id, "agent_reply", agent, key, text=text)
    out.add(service.to_customer(case, text))
    await service.responded(ctx, case, agent, text)
    if case.assignee is None:
        await ctx.store.update_case(case.id, ctx.now_dt, assignee=agent)
    if case.status != RESOLVED:
        await service.move(ctx, case, WAITING_CUSTOMER, agent)
    confirm = send_text(
        staff_chat, f"✓ Sent to the customer (case #{case.id}).", reply_to=message.message_id
    )
    out.add(confirm).event("case_reply_relayed", case_id=case.id, by=agent)
    card = await service.refreshed_card(ctx, case.id)
    return out.add(card) if card is not None else out
