"""Contests and giveaways: announcement with a commitment, entries, eligibility, the draw.

At the start cmbot draws a secret seed and publishes its SHA-256 (:mod:`bot.engagement.draw`).
Entries (one per person) are checked with getChatMember when they are made and again at the
deadline; staff never win. The draw reveals the seed and the sorted list of eligible entry
ids, so anyone can recompute the winners (``cmbot contest verify``).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

from bot.engagement import draw as drawing
from bot.engagement.common import CHECK, DRAW, NotReady, label, schedule, staff_note
from bot.engagement.contest_texts import announcement, result_texts, winner_message
from bot.engagement.definitions import ContestDef
from bot.storage.store_engagement import MEMBER_CALL, POLL_CALL, EntryRow, ItemRow
from bot.telegram.effects import escape_html, get_chat_member, send_poll, send_text
from bot.telegram.routing import Context, Reaction
from bot.telegram.updates import PLATFORM

MEMBER = frozenset({"creator", "administrator", "member", "restricted"})


class Randomness:
    """The random source of new seeds; tests replace ``source`` with a deterministic one."""

    source: drawing.RandomSource = drawing.SystemRandom()


async def start_contest(ctx: Context, item: ItemRow, definition: ContestDef) -> Reaction:
    chat = item.target_chat or str(definition.chat)
    seed = item.state.get("seed") or drawing.new_seed(Randomness.source)
    commitment = drawing.commitment(seed)
    deadline = item.closes_at or definition.deadline(ctx.now_dt) or ctx.now_dt
    deadline = max(deadline, ctx.now_dt + timedelta(seconds=5))
    state = {**item.state, "seed": seed, "commitment": commitment, "rounds": []}
    await ctx.store.update_item(item.id, status="open", closes_at=deadline, state=state)
    await schedule(ctx, CHECK, item.id, deadline, "check")
    item = replace(item, status="open", closes_at=deadline, state=state)
    buttons = None
    if definition.entry.action == "button":
        buttons = [[ctx.button("🎉 Join", "ej", item.id)]]
    out = Reaction().add(
        send_text(
            chat,
            announcement(ctx, item, definition, commitment),
            kind="engagement_announce",
            buttons=buttons,
        )
    )
    if definition.entry.action == "poll":
        await ctx.store.open_poll(item.id, 0, ctx.now_dt)
        assert definition.entry.question and definition.entry.options
        out.add(
            send_poll(
                chat,
                definition.entry.question,
                list(definition.entry.options),
                kind=POLL_CALL,
                extra={"item": item.id, "question": 0},
            )
        )
    return out.event("engagement_started", item=item.id, what="contest", commitment=commitment)


async def enter(
    ctx: Context, item: ItemRow, definition: ContestDef, user_id: str, name: str, how: str
) -> tuple[int | None, Reaction]:
    """Record ``user_id``'s entry (None when they already entered) and check membership."""
    staff = ctx.is_staff(user_id)
    payload: dict[str, Any] = {"name": name, "how": how, "staff": staff}
    entry_id = await ctx.store.add_entry(item.id, user_id, payload)
    out = Reaction()
    if entry_id is None:
        return None, out
    out.event("contest_entry", item=item.id, entry=entry_id, user_id=user_id, how=how, staff=staff)
    if not staff:
        out.add(member_check(item.id, definition, user_id, "entry"))
    return entry_id, out


def member_check(item_id: int, definition: ContestDef, user_id: str, phase: str) -> Any:
    chat = str(definition.eligibility_chat)
    text = f"contest {item_id} {phase} {user_id}"
    return get_chat_member(chat, user_id, kind=MEMBER_CALL, text=text)


async def close_entries(ctx: Context, item: ItemRow, definition: ContestDef) -> Reaction:
    """At the deadline: no more entries; check every entrant again, then draw."""
    if item.status != "open":
        return Reaction()
    await ctx.store.update_item(item.id, status="closed", closed_at=ctx.now_dt)
    out = Reaction()
    entries = await ctx.store.entries(item.id)
    for entry in entries:
        if not entry.payload.get("staff"):
            out.add(member_check(item.id, definition, entry.user_id, "draw"))
            if ctx.staff_chat_id is not None:  # members of the staff chat are staff
                chat = str(ctx.staff_chat_id)
                text = f"contest {item.id} staff {entry.user_id}"
                out.add(get_chat_member(chat, entry.user_id, kind=MEMBER_CALL, text=text))
    due = ctx.now_dt + timedelta(seconds=ctx.config.engagement.draw_check_seconds)
    await schedule(ctx, DRAW, item.id, due, "draw")
    return out.event("contest_closed", item=item.id, entries=len(entries))


async def eligibility(
    ctx: Context, item: ItemRow, definition: ContestDef, entries: list[EntryRow]
) -> tuple[list[str], dict[str, str]]:
    """The eligible ``entries`` ids and, for the others, why not. Raises :class:`NotReady`
    while a membership check is unanswered."""
    checks = await ctx.store.member_checks(item.id)
    eligible: list[str] = []
    excluded: dict[str, str] = {}
    counts: dict[str, int] = {}
    if definition.min_messages:
        began = item.scheduled_at or item.created_at
        counts = await ctx.store.comment_counts(PLATFORM, [e.user_id for e in entries], began)
    for entry in entries:
        key = str(entry.id)
        if counts.get(entry.user_id, 0) < definition.min_messages:
            excluded[key] = f"fewer than {definition.min_messages} comments before the contest"
            continue
        if entry.payload.get("staff"):
            excluded[key] = "staff"
            continue
        at_entry = checks.get((entry.user_id, "entry"), "unchecked")
        at_draw = checks.get((entry.user_id, "draw"), "unchecked")
        in_staff = checks.get((entry.user_id, "staff"), "unchecked")
        if at_entry is None or at_draw is None or in_staff is None:
            raise NotReady(f"membership checks of contest #{item.id} are not all answered")
        if in_staff in MEMBER:
            excluded[key] = "staff (a member of the staff chat)"
            continue
        if at_entry not in MEMBER:
            excluded[key] = f"not a member when entering ({at_entry})"
        elif at_draw not in MEMBER:
            excluded[key] = f"not a member at the draw ({at_draw})"
        else:
            eligible.append(key)
    return drawing.ordered(eligible), excluded


async def run_draw(
    ctx: Context, item: ItemRow, definition: ContestDef, count: int | None = None
) -> Reaction:
    """Draw round ``len(rounds)``: the first draw, or a reroll excluding earlier winners."""
    if item.status == "cancelled":
        return Reaction()
    state = dict(item.state)
    rounds: list[list[str]] = [list(r) for r in state.get("rounds", [])]
    rows = await ctx.store.entries(item.id)
    if rounds:
        eligible = list(state["eligible"])
    else:
        eligible, excluded = await eligibility(ctx, item, definition, rows)
        state.update(eligible=eligible, excluded=excluded)
    previous = [w for r in rounds for w in r]
    n = definition.winners if count is None else count
    winners = drawing.draw(state["seed"], eligible, n, round=len(rounds), exclude=previous)
    rounds.append(winners)
    state.update(rounds=rounds, revealed=True)
    await ctx.store.update_item(item.id, state=state)
    entries = {str(e.id): e for e in rows}
    users = [entries[w].user_id for w in winners]
    opened = await ctx.store.opened_bot(PLATFORM, users) | set(state.get("claimed", []))
    chat = item.target_chat or str(definition.chat)
    out = Reaction()
    for text in result_texts(ctx, item, definition, state, winners, entries, opened):
        out.add(send_text(chat, text, kind="engagement_results"))
    for w in winners:
        if entries[w].user_id in opened:
            out.add(winner_message(entries[w].user_id, definition, w))
    names = ", ".join(str(entries[w].payload.get("name")) for w in winners) or "nobody"
    names = escape_html(names)
    staff_note(
        ctx,
        f"Draw {len(rounds) - 1} of {label(item)}: {len(eligible)} eligible; winners {names}.",
        out,
    )
    return out.event(
        "contest_draw",
        item=item.id,
        round=len(rounds) - 1,
        seed=state["seed"],
        commitment=state["commitment"],
        entries=eligible,
        winners=winners,
        excluded=previous,
    )
