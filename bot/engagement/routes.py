"""The engagement feature's commands, buttons, jobs and hooks in the Telegram runtime."""

from __future__ import annotations

from bot.engagement import contest_texts, contests, entries, polls, quizzes
from bot.engagement.common import (
    CHECK,
    CLOSE,
    DRAW,
    QUESTION,
    QUIZ_END,
    START,
    display_name,
    load_item,
)
from bot.engagement.definitions import ContestDef, PollDef, QuizDef
from bot.engagement.staff_commands import register
from bot.storage.store_jobs import Job
from bot.telegram.effects import send_text
from bot.telegram.routing import Command, Context, Press, Reaction, Router, Triaged
from bot.telegram.updates import ParsedUpdate, UpdateKind

router = Router("engagement")
register(router)


@router.job(START)
async def started(ctx: Context, job: Job) -> Reaction:
    item, definition = await load_item(ctx, job.payload["item"])
    if item.status != "scheduled":
        return Reaction()
    if isinstance(definition, PollDef):
        return await polls.start_poll(ctx, item, definition)
    if isinstance(definition, QuizDef):
        return await quizzes.start_quiz(ctx, item, definition)
    return await contests.start_contest(ctx, item, definition)


@router.job(CLOSE)
async def poll_deadline(ctx: Context, job: Job) -> Reaction:
    item, definition = await load_item(ctx, job.payload["item"])
    assert isinstance(definition, PollDef)
    return await polls.close_poll(ctx, item, definition)


@router.job(QUESTION)
async def next_question(ctx: Context, job: Job) -> Reaction:
    item, definition = await load_item(ctx, job.payload["item"])
    assert isinstance(definition, QuizDef)
    return await quizzes.ask(ctx, item, definition, int(job.payload["question"]))


@router.job(QUIZ_END)
async def quiz_end(ctx: Context, job: Job) -> Reaction:
    item, definition = await load_item(ctx, job.payload["item"])
    assert isinstance(definition, QuizDef)
    return await quizzes.end_quiz(ctx, item, definition)


@router.job(CHECK)
async def contest_deadline(ctx: Context, job: Job) -> Reaction:
    item, definition = await load_item(ctx, job.payload["item"])
    assert isinstance(definition, ContestDef)
    return await contests.close_entries(ctx, item, definition)


@router.job(DRAW)
async def contest_draw(ctx: Context, job: Job) -> Reaction:
    item, definition = await load_item(ctx, job.payload["item"])
    assert isinstance(definition, ContestDef)
    if item.state.get("rounds"):  # drawn already (the job ran before a crash)
        return Reaction()
    return await contests.run_draw(ctx, item, definition)


@router.on_update
async def poll_answer(ctx: Context, parsed: ParsedUpdate) -> Reaction | None:
    """Record every answer to a poll (votes, quiz answers, contest poll entries)."""
    if parsed.kind is not UpdateKind.POLL_ANSWER:
        return None
    details = parsed.details
    poll_id, user_id = details.get("poll_id"), details.get("user_id")
    if poll_id is None or user_id is None:
        return None
    name = display_name(details.get("first_name"), details.get("username"), str(user_id))
    options = [int(o) for o in details.get("option_ids") or []]
    await ctx.store.record_answer(str(poll_id), str(user_id), options, ctx.now_dt, name)
    found = await ctx.store.poll_item(str(poll_id))
    if found is None and await ctx.store.resolve_polls():
        found = await ctx.store.poll_item(str(poll_id))
    if found is None or not options:
        return None
    item, definition = await load_item(ctx, found[0])
    if isinstance(definition, ContestDef) and item.status == "open":
        _, reaction = await contests.enter(ctx, item, definition, str(user_id), name, "poll")
        return reaction
    return None


@router.on_outcome
async def comment_entry(ctx: Context, triaged: Triaged) -> Reaction | None:
    """A comment (or a photo with a caption) that qualifies for an open contest is an entry."""
    message = triaged.outcome.message
    if message.kind.value != "comment" or not message.user_id:
        return None
    if triaged.outcome.verdict.category == "spam":  # spam never enters a contest
        return None
    posted = entries.posted_from(
        dict(message.extra or {}),
        message.text,
        user_id=message.user_id,
        first_name=message.first_name,
        username=message.username,
        chat_id=message.chat_id,
        thread_id=message.thread_id,
    )
    if posted is None:
        return None
    # Outcome hooks run for the whole batch before its commands and other updates, so the
    # open contests cannot change meanwhile: read them once per batch, not per comment.
    if entries.OPEN not in ctx.memo:
        ctx.memo[entries.OPEN] = await entries.open_contests(ctx)
    return await entries.enter_by_message(ctx, posted, ctx.memo[entries.OPEN])


@router.on_update
async def photo_entry(ctx: Context, parsed: ParsedUpdate) -> Reaction | None:
    """A photo without a caption under a photo contest's post is an entry."""
    if parsed.kind is not UpdateKind.MESSAGE or parsed.ignore != "no text":
        return None
    if not parsed.details.get("has_photo") or parsed.details.get("chat_type") == "private":
        return None
    posted = entries.posted_from(parsed.details)
    return None if posted is None else await entries.enter_by_message(ctx, posted)


@router.callback("ej")
async def join(ctx: Context, press: Press) -> Reaction:
    item, definition = await load_item(ctx, press.args[0])
    if not isinstance(definition, ContestDef) or item.status != "open":
        return Reaction().add(press.answer("This contest is closed."))
    callback = press.callback
    name = display_name(callback.first_name, callback.username, press.user_id)
    entry, reaction = await contests.enter(ctx, item, definition, press.user_id, name, "button")
    text = "You are already in. Good luck!" if entry is None else f"You're in! Entry #{entry}."
    return reaction.add(press.answer(text))


@router.command("start", where={"private"})
async def claim(ctx: Context, cmd: Command) -> Reaction | None:
    """``/start win<id>`` from a winner's deep link; other payloads go on as before."""
    if not cmd.args.startswith(contest_texts.CLAIM_PREFIX):
        return None
    item, definition = await load_item(ctx, cmd.args[len(contest_texts.CLAIM_PREFIX) :])
    if not isinstance(definition, ContestDef):
        return None
    by_user = {e.user_id: e for e in await ctx.store.entries(item.id)}
    winners = {w for r in item.state.get("rounds", []) for w in r}
    mine = by_user.get(cmd.user_id)
    if mine is None or str(mine.id) not in winners:
        text = "This entry did not win this time. Thanks for taking part!"
        return Reaction().add(send_text(cmd.user_id, text, kind="engagement_notice"))
    claimed = sorted({*item.state.get("claimed", []), cmd.user_id})
    await ctx.store.update_item(item.id, state={**item.state, "claimed": claimed})
    out = Reaction().add(contest_texts.winner_message(cmd.user_id, definition, str(mine.id)))
    return out.event("contest_claim", item=item.id, user_id=cmd.user_id, entry=mine.id)
