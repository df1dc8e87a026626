"""Native polls: sent at their start, votes recorded per user, stopped by cmbot at the deadline
(which may be far beyond Telegram's ``open_period``), results posted on close."""

from __future__ import annotations

from datetime import timedelta

from bot.engagement.chart import results_chart
from bot.engagement.common import CLOSE, NotReady, label, schedule, staff_note
from bot.engagement.definitions import PollDef
from bot.engagement.tally import poll_results, results_text
from bot.storage.store_engagement import POLL_CALL, ItemRow
from bot.telegram.effects import send_photo, send_poll, send_text, stop_poll
from bot.telegram.routing import Context, Reaction

PUBLIC_NOTICE = (
    "ℹ️ This poll is not anonymous: cmbot records who voted for what, to report the results."
)


def poll_effect(item_id: int, question: int, chat: str, definition: PollDef) -> Reaction:
    out = Reaction()
    if not definition.anonymous:
        out.add(send_text(chat, PUBLIC_NOTICE, kind="engagement_notice"))
    out.add(
        send_poll(
            chat,
            definition.question,
            list(definition.options),
            kind=POLL_CALL,
            anonymous=definition.anonymous,
            multiple=definition.multiple,
            extra={"item": item_id, "question": question},
        )
    )
    return out


async def start_poll(ctx: Context, item: ItemRow, definition: PollDef) -> Reaction:
    chat = item.target_chat or str(definition.chat)
    await ctx.store.open_poll(item.id, 0, ctx.now_dt)
    deadline = item.closes_at or definition.deadline(ctx.now_dt) or ctx.now_dt
    deadline = max(deadline, ctx.now_dt + timedelta(seconds=5))
    await schedule(ctx, CLOSE, item.id, deadline, "close")
    await ctx.store.update_item(item.id, status="open", closes_at=deadline)
    out = poll_effect(item.id, 0, chat, definition)
    return out.event("engagement_started", item=item.id, what="poll", chat=chat)


async def close_poll(ctx: Context, item: ItemRow, definition: PollDef) -> Reaction:
    """Stop the poll and post its results (once: a closed item is left alone)."""
    if item.status in ("closed", "cancelled"):
        return Reaction()
    await ctx.store.resolve_polls()
    polls = await ctx.store.polls_of(item.id)
    sent = [p for p in polls if p.message_id is not None]
    if polls and not sent:
        raise NotReady(f"poll #{item.id} is not sent yet; closing it later")
    out = Reaction()
    voters = 0
    text = ""
    for poll in sent:
        assert poll.chat_id is not None and poll.message_id is not None
        out.add(stop_poll(poll.chat_id, poll.message_id, kind="engagement_stop"))
        await ctx.store.close_poll(item.id, poll.question, ctx.now_dt)
        answers = await ctx.store.answers([poll.poll_id] if poll.poll_id else [])
        results = poll_results(definition.options, answers)
        voters = sum(1 for a in answers if a.option_ids)
        text = results_text(definition.question, results, voters)
        if definition.results:
            out.add(send_text(poll.chat_id, text, kind="engagement_results"))
            if definition.chart:
                png = results_chart(definition.question, results, voters)
                chart = send_photo(
                    poll.chat_id, png, filename="results.png", caption=definition.question
                )
                out.add(chart)
    await ctx.store.update_item(
        item.id, status="closed", closed_at=ctx.now_dt, state={**item.state, "voters": voters}
    )
    staff_note(ctx, f"Closed {label(item)}: {voters} voters.", out)
    return out.event("engagement_closed", item=item.id, what="poll", voters=voters, results=text)


async def poll_summary(ctx: Context, item: ItemRow, definition: PollDef) -> str:
    await ctx.store.resolve_polls()
    ids = [p.poll_id for p in await ctx.store.polls_of(item.id) if p.poll_id]
    answers = await ctx.store.answers(ids)
    voters = sum(1 for a in answers if a.option_ids)
    return results_text(definition.question, poll_results(definition.options, answers), voters)
