"""Staff-chat commands: create (one line or a YAML definition), preview, confirm, and then
list, pause, resume, stop, results, draw and reroll."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.engagement import contests, guided, lifecycle, polls, quizzes
from bot.engagement.common import EngagementError, label, load_item, staff_note
from bot.engagement.definitions import ContestDef, Definition, PollDef, QuizDef
from bot.engagement.loader import find_definition
from bot.engagement.oneline import parse_contest, parse_poll
from bot.errors import PlaybookError
from bot.storage.store_engagement import ItemRow
from bot.telegram.effects import escape_html, send_text, staff_card
from bot.telegram.routing import Command, Context, Press, Reaction, Router, StaffMessage, Where

STAFF: tuple[Where, ...] = ("staff",)


def reply(
    cmd: Command, html_text: str, buttons: list[list[dict[str, str]]] | None = None
) -> Reaction:
    return Reaction().add(staff_card(cmd.chat_id, html_text, buttons))


async def draft(ctx: Context, chat_id: str, user_id: str, definition: Definition) -> Reaction:
    """Store ``definition`` as a draft and show its preview with Launch / Discard buttons."""
    item_id = await lifecycle.create_draft(ctx, definition, user_id)
    buttons = [[ctx.button("🚀 Launch", "el", item_id), ctx.button("🗑 Discard", "ex", item_id)]]
    text = lifecycle.preview(definition, item_id, ctx.now_dt)
    out = Reaction().add(staff_card(chat_id, text, buttons))
    return out.event("engagement_drafted", item=item_id, what=definition.kind, by=user_id)


async def _draft(ctx: Context, cmd: Command, definition: Definition) -> Reaction:
    return await draft(ctx, cmd.chat_id, cmd.user_id, definition)


def guarded(
    fn: Callable[[Context, Command], Awaitable[Reaction]],
) -> Callable[[Context, Command], Awaitable[Reaction]]:
    """Bad input gets a clear answer in the chat instead of an error in the log."""

    async def run(ctx: Context, cmd: Command) -> Reaction:
        try:
            return await fn(ctx, cmd)
        except (EngagementError, PlaybookError) as exc:
            return reply(cmd, f"⚠️ {escape_html(str(exc))}")

    run.__name__ = fn.__name__
    return run


def register(router: Router) -> None:
    @router.on_staff_message
    async def guided_poll(ctx: Context, message: StaffMessage) -> Reaction | None:
        """The next answer of a staff member's guided /poll."""
        try:
            step = await guided.advance(ctx, message)
        except EngagementError as exc:
            step = (f"⚠️ {exc}", None)
        if step is None:
            return None
        text, definition = step
        chat_id, user_id = message.message.chat_id or "", message.message.user_id or ""
        if definition is None:
            return Reaction().add(staff_card(chat_id, escape_html(text)))
        try:
            return await draft(ctx, chat_id, user_id, definition)
        except EngagementError as exc:
            return Reaction().add(staff_card(chat_id, escape_html(f"⚠️ {exc}")))

    @router.command(
        "poll",
        where=STAFF,
        staff_only=True,
        help="[Q? | A | B --for 2d --in 1h]: a poll (no arguments: step by step)",
    )
    @guarded
    async def poll(ctx: Context, cmd: Command) -> Reaction:
        if not cmd.args.strip():  # the guided flow
            return reply(cmd, escape_html(await guided.start(ctx, cmd.user_id)))
        definition = parse_poll(cmd.args, ctx.now_dt, ctx.config.engagement.default_chat)
        return await _draft(ctx, cmd, definition)

    @router.command(
        "contest",
        where=STAFF,
        staff_only=True,
        help="Title --winners 3 --for 3d [--keyword #win]: a giveaway",
    )
    @guarded
    async def contest(ctx: Context, cmd: Command) -> Reaction:
        definition = parse_contest(cmd.args, ctx.now_dt, ctx.config.engagement.default_chat)
        return await _draft(ctx, cmd, definition)

    @router.command(
        "quiz", where=STAFF, staff_only=True, help="ID: a quiz from playbooks/engagement"
    )
    @guarded
    async def quiz(ctx: Context, cmd: Command) -> Reaction:
        definition = find_definition(ctx.config.playbooks, cmd.args.strip(), ctx.now_dt)
        if not isinstance(definition, QuizDef):
            raise EngagementError(f"{cmd.args.strip()!r} is a {definition.kind}; use /launch")
        return await _draft(ctx, cmd, definition)

    @router.command(
        "launch",
        where=STAFF,
        staff_only=True,
        help="ID: a poll, quiz or contest from playbooks/engagement",
    )
    @guarded
    async def launch_file(ctx: Context, cmd: Command) -> Reaction:
        definition = find_definition(ctx.config.playbooks, cmd.args.strip(), ctx.now_dt)
        return await _draft(ctx, cmd, definition)

    @router.callback("el", staff_only=True)
    async def confirm(ctx: Context, press: Press) -> Reaction:
        try:
            item, definition = await load_item(ctx, press.args[0])
            start = await lifecycle.launch(ctx, item, definition)
        except EngagementError as exc:
            return Reaction().add(press.answer(str(exc)))
        note = f"Launched {label(item)}: starts {start.strftime('%Y-%m-%d %H:%M UTC')}."
        out = (
            Reaction()
            .add(press.answer("Launched."))
            .event("engagement_launched", item=item.id, by=press.user_id)
        )
        return staff_note(ctx, note, out)

    @router.callback("ex", staff_only=True)
    async def discard(ctx: Context, press: Press) -> Reaction:
        item, _ = await load_item(ctx, press.args[0])
        if item.status != "draft":
            return Reaction().add(press.answer(f"#{item.id} is {item.status}; use /eng_stop"))
        await ctx.store.update_item(item.id, status="cancelled")
        return (
            Reaction().add(press.answer("Discarded.")).event("engagement_discarded", item=item.id)
        )

    @router.command("engagements", where=STAFF, staff_only=True, help="polls, quizzes and contests")
    @guarded
    async def listing(ctx: Context, cmd: Command) -> Reaction:
        items = await ctx.store.items(limit=20)
        if not items:
            return reply(cmd, "No polls, quizzes or contests yet: try /poll, /quiz or /contest.")
        lines = ["<b>Polls, quizzes and contests</b>"]
        for item in items:
            paused = " (paused)" if item.state.get("paused_at") else ""
            closes = item.closes_at.strftime("%m-%d %H:%M") if item.closes_at else "-"
            title = escape_html(item.title[:60])
            lines.append(f"#{item.id} {item.kind} {item.status}{paused}, closes {closes}: {title}")
        return reply(cmd, "\n".join(lines))

    @router.command("eng_pause", where=STAFF, staff_only=True, help="ID: pause what is scheduled")
    @guarded
    async def pause(ctx: Context, cmd: Command) -> Reaction:
        item, _ = await load_item(ctx, cmd.args.strip())
        count = await lifecycle.pause(ctx, item)
        return reply(cmd, f"Paused {label(item)} ({count} scheduled step(s) on hold).")

    @router.command("eng_resume", where=STAFF, staff_only=True, help="ID: resume after /eng_pause")
    @guarded
    async def resume(ctx: Context, cmd: Command) -> Reaction:
        item, _ = await load_item(ctx, cmd.args.strip())
        count = await lifecycle.resume(ctx, item)
        return reply(cmd, f"Resumed {label(item)} ({count} step(s), shifted by the pause).")

    @router.command("eng_stop", where=STAFF, staff_only=True, help="ID: end now (contests: cancel)")
    @guarded
    async def stop(ctx: Context, cmd: Command) -> Reaction:
        item, _ = await load_item(ctx, cmd.args.strip())
        what = await lifecycle.stop(ctx, item)
        return reply(cmd, f"{label(item)}: {what}.").event(
            "engagement_stopped", item=item.id, by=cmd.user_id
        )

    @router.command("eng_results", where=STAFF, staff_only=True, help="ID: results so far")
    @guarded
    async def results(ctx: Context, cmd: Command) -> Reaction:
        item, definition = await load_item(ctx, cmd.args.strip())
        return reply(cmd, escape_html(await summary(ctx, item, definition)))

    @router.command("draw", where=STAFF, staff_only=True, help="ID: close a contest and draw now")
    @guarded
    async def draw(ctx: Context, cmd: Command) -> Reaction:
        item, _ = await load_item(ctx, cmd.args.strip())
        await lifecycle.draw_now(ctx, item)
        return reply(cmd, f"Drawing {label(item)}: membership checks first, then the draw.")

    @router.command(
        "reroll",
        where=STAFF,
        staff_only=True,
        help="ID [N]: draw N more, excluding earlier winners",
    )
    @guarded
    async def reroll(ctx: Context, cmd: Command) -> Reaction:
        parts = cmd.args.split()
        item, definition = await load_item(ctx, parts[0] if parts else "")
        if not isinstance(definition, ContestDef) or not item.state.get("rounds"):
            raise EngagementError(f"#{item.id} is not a drawn contest")
        count = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 1
        return await contests.run_draw(ctx, item, definition, count)

    @router.command("leaderboard", where=("staff", "group"), help="a quiz's leaderboard")
    @guarded
    async def board(ctx: Context, cmd: Command) -> Reaction:
        quizzes_ = [i for i in await ctx.store.items(("open", "closed")) if i.kind == "quiz"]
        if cmd.where == "group":
            quizzes_ = [i for i in quizzes_ if i.target_chat == cmd.chat_id]
        if cmd.args.strip():
            quizzes_ = [i for i in quizzes_ if str(i.id) == cmd.args.strip().lstrip("#")]
        if not quizzes_:
            raise EngagementError("no quiz here yet")
        item, definition = await load_item(ctx, quizzes_[0].id)
        assert isinstance(definition, QuizDef)
        text = await quizzes.board_text(ctx, item, definition)
        return Reaction().add(send_text(cmd.chat_id, text, kind="engagement_results"))


async def summary(ctx: Context, item: ItemRow, definition: Definition) -> str:
    if isinstance(definition, PollDef):
        return await polls.poll_summary(ctx, item, definition)
    if isinstance(definition, QuizDef):
        return await quizzes.board_text(ctx, item, definition)
    entries = await ctx.store.entries(item.id)
    rounds = item.state.get("rounds", [])
    lines = [f"Contest #{item.id} {definition.title}: {item.status}, {len(entries)} entries"]
    lines.append(f"commitment {item.state.get('commitment', '-')}")
    for n, winners in enumerate(rounds):
        lines.append(f"round {n}: winners {', '.join(winners) or 'none'}")
    if rounds:
        lines.append(
            f"seed {item.state.get('seed')}; eligible {len(item.state.get('eligible', []))}"
        )
    return "\n".join(lines)
