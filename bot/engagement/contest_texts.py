"""What contests say in public and in private (plain text: no parse mode, nothing to escape)."""

from __future__ import annotations

from typing import Any

from bot.engagement.definitions import ContestDef
from bot.storage.store_engagement import ItemRow
from bot.telegram.effects import Effect, deep_link, send_text
from bot.telegram.routing import Context

CLAIM_PREFIX = "win"
MAX_CHUNK = 3500


def how_to_enter(definition: ContestDef) -> str:
    entry = definition.entry
    if entry.action == "comment":
        where = f" under post {entry.post}" if entry.post else ""
        return f"Comment with {entry.keyword}{where} to enter."
    if entry.action == "photo":
        where = f" under post {entry.post}" if entry.post else ""
        caption = f" with {entry.keyword} in the caption" if entry.keyword else ""
        return f"Send a photo{caption}{where} to enter."
    if entry.action == "poll":
        return "Answer the poll below to enter (the poll is not anonymous)."
    return "Press “Join” below to enter."


def announcement(ctx: Context, item: ItemRow, definition: ContestDef, commitment: str) -> str:
    deadline = item.closes_at.strftime("%Y-%m-%d %H:%M UTC") if item.closes_at else "?"
    lines = [f"🎁 {definition.title}"]
    if definition.prize:
        lines.append(f"Prize: {definition.prize}")
    lines += [
        how_to_enter(definition),
        f"{definition.winners} winner(s), drawn on {deadline} among the members of the community"
        " (one entry per person; staff cannot win).",
        *(
            [f"Only for members who wrote at least {definition.min_messages} comments before."]
            if definition.min_messages
            else []
        ),
    ]
    if definition.rules:
        lines += ["", f"Rules: {definition.rules}"]
    lines += [
        "",
        f"Verifiable draw: commitment SHA-256 {commitment}. The secret seed is revealed at the"
        " draw; anyone can recompute the winners from it and the list of entries.",
        "",
        ctx.config.engagement.disclosure,
    ]
    return "\n".join(lines)


def winner_message(user_id: str, definition: ContestDef, entry_id: str) -> Effect:
    prize = f" ({definition.prize})" if definition.prize else ""
    text = (
        f"🎉 Congratulations! Your entry #{entry_id} won “{definition.title}”{prize}."
        " Reply here and the team will tell you how to receive your prize."
    )
    return send_text(user_id, text, kind="engagement_winner", user_id=user_id)


def result_texts(
    ctx: Context,
    item: ItemRow,
    definition: ContestDef,
    state: dict[str, Any],
    winners: list[str],
    entries: dict[str, Any],
    opened: set[str],
) -> list[str]:
    round_ = len(state["rounds"]) - 1
    title = "Winners" if round_ == 0 else f"Reroll {round_}: new winners"
    lines = [f"🏆 {title} of “{definition.title}”:"]
    for w in winners:
        entry = entries[w]
        lines.append(f"• entry #{w}: {entry.payload.get('name') or 'participant'}")
    if not winners:
        lines.append("• no eligible entries")
    unopened = [w for w in winners if entries[w].user_id not in opened]
    link = (
        deep_link(ctx.identity.username, f"{CLAIM_PREFIX}{item.id}")
        if ctx.identity.username
        else ""
    )
    if unopened and link:
        lines.append(f"Winners, open {link} to claim your prize.")
    previous = [w for r in state["rounds"][:-1] for w in r]
    lines += [
        "",
        f"Seed: {state['seed']}",
        f"Commitment: {state['commitment']} (SHA-256 of the seed)",
        f"Round {round_}; excluded earlier winners: {', '.join(previous) or 'none'}",
        f"{len(state['eligible'])} eligible entries (ids, sorted):",
    ]
    text = "\n".join(lines)
    chunks = [text]
    ids = ", ".join(state["eligible"]) or "none"
    while ids:
        cut = ids if len(ids) <= MAX_CHUNK else ids[: ids.rfind(",", 0, MAX_CHUNK) + 1]
        chunks.append(cut.strip())
        ids = ids[len(cut) :].strip()
    return chunks
