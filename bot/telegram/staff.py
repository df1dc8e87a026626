"""Staff buttons on drafted replies: send or reject. Only staff may press them."""

from __future__ import annotations

from bot.storage.store_outbound import OutboundChange
from bot.telegram.effects import Effect
from bot.telegram.reactions import APPROVE, REJECT
from bot.telegram.routing import Context, Press, Reaction, Router
from bot.telegram.updates import PLATFORM

router = Router("drafts")


@router.callback(APPROVE, staff_only=True)
async def approve(ctx: Context, press: Press) -> Reaction:
    return await _decide(ctx, press, send=True)


@router.callback(REJECT, staff_only=True)
async def reject(ctx: Context, press: Press) -> Reaction:
    return await _decide(ctx, press, send=False)


async def _decide(ctx: Context, press: Press, *, send: bool) -> Reaction:
    if len(press.args) != 2:
        return Reaction().add(press.answer("This button has expired."))
    chat_id, message_id = press.args
    store = ctx.store
    inbound_id = await store.find_inbound(PLATFORM, chat_id, message_id)
    drafts = await store.outbound_rows(("drafted",), inbound_id=inbound_id) if inbound_id else []
    if not drafts:
        return Reaction().add(press.answer("Already handled."))
    status = "queued" if send else "cancelled"
    await store.set_outbound([OutboundChange(row.id, status) for row in drafts])
    out = Reaction().add(press.answer("Sent ✓" if send else "Rejected ✓"))
    out.event(
        "draft_sent" if send else "draft_rejected",
        chat_id=chat_id,
        message_id=message_id,
        by=press.user_id,
    )
    if send:
        out.later.extend((row.id, Effect.from_row(row)) for row in drafts)
    return out
