"""Staff commands: /cases, /mycases, /case N, /handback N (staff only: the router refuses and
logs anyone else)."""

from __future__ import annotations

from bot.cases import service
from bot.cases.cards import summary_line
from bot.cases.desk import handed_back
from bot.errors import CaseError
from bot.telegram.effects import send_text
from bot.telegram.routing import Command, Context, Reaction

LIST_LIMIT = 30


def _reply(cmd: Command, html_text: str) -> Reaction:
    effect = send_text(cmd.chat_id, html_text, reply_to=cmd.message.message_id, parse_mode="HTML")
    return Reaction().add(effect)


async def open_cases(ctx: Context, cmd: Command) -> Reaction:
    cases = await ctx.store.cases(limit=LIST_LIMIT)
    if not cases:
        return _reply(cmd, "No open cases 🎉")
    lines = [f"<b>Open cases ({len(cases)})</b>", *(summary_line(c) for c in cases)]
    return _reply(cmd, "\n".join(lines))


async def my_cases(ctx: Context, cmd: Command) -> Reaction:
    cases = await ctx.store.cases(assignee=cmd.user_id, limit=LIST_LIMIT)
    if not cases:
        return _reply(cmd, "You have no open cases.")
    lines = [f"<b>Your open cases ({len(cases)})</b>", *(summary_line(c) for c in cases)]
    return _reply(cmd, "\n".join(lines))


async def show_case(ctx: Context, cmd: Command) -> Reaction:
    """The case's card again (with its buttons) and its history."""
    try:
        case = await service.load(ctx, cmd.args.strip().lstrip("#"))
    except CaseError as exc:
        return _reply(cmd, f"Usage: /case N ({exc}).")
    events = await ctx.store.case_events(case.id)
    history = [
        f"{e.at:%m-%d %H:%M} {e.kind}" + (f" ({e.actor})" if e.actor else "") for e in events
    ]
    out = Reaction()
    card = service.card(ctx, case)
    if card is not None and cmd.where == "staff":
        out.add(card)
    text = f"<b>Case #{case.id} history</b>\n" + "\n".join(history[-25:])
    return out.extend(_reply(cmd, text))


async def hand_back(ctx: Context, cmd: Command) -> Reaction:
    try:
        case = await service.load(ctx, cmd.args.strip().lstrip("#"))
    except CaseError as exc:
        return _reply(cmd, f"Usage: /handback N ({exc}).")
    if not case.taken_over:
        return _reply(cmd, f"Case #{case.id} is not taken over: the bot already answers.")
    out = await handed_back(ctx, case, cmd.user_id)
    return out.extend(_reply(cmd, f"Case #{case.id} handed back to the bot ✓"))
