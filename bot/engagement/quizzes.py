"""Quizzes: native quiz polls one after another (each next question is a scheduled job), scores
and speed per player, a leaderboard at the end and on demand. Anyone may join late: they
answer the questions that remain."""

from __future__ import annotations

from datetime import timedelta

from bot.engagement.common import QUESTION, QUIZ_END, label, schedule, staff_note
from bot.engagement.definitions import QuizDef
from bot.engagement.tally import Standing, leaderboard, leaderboard_text
from bot.storage.store_engagement import POLL_CALL, ItemRow
from bot.telegram.effects import send_poll, send_text
from bot.telegram.routing import Context, Reaction


def intro(definition: QuizDef) -> str:
    n = len(definition.questions)
    return (
        f"🧠 Quiz: {definition.title}\n"
        f"{n} question{'s' if n != 1 else ''}, {definition.seconds_per_question} seconds each."
        " Answers are not anonymous: the leaderboard shows who answered right, and fastest."
        " Joining late? Answer the questions that remain."
    )


async def start_quiz(ctx: Context, item: ItemRow, definition: QuizDef) -> Reaction:
    chat = item.target_chat or str(definition.chat)
    step = definition.seconds_per_question + definition.pause_seconds
    ends = ctx.now_dt + timedelta(seconds=step * len(definition.questions))
    await ctx.store.update_item(item.id, status="open", closes_at=ends)
    out = Reaction().add(send_text(chat, intro(definition), kind="engagement_notice"))
    out.extend(await ask(ctx, item, definition, 0))
    return out.event("engagement_started", item=item.id, what="quiz", chat=chat)


async def ask(ctx: Context, item: ItemRow, definition: QuizDef, index: int) -> Reaction:
    """Send question ``index`` and schedule what follows it."""
    if item.status in ("closed", "cancelled") or index >= len(definition.questions):
        return Reaction()
    chat = item.target_chat or str(definition.chat)
    question = definition.questions[index]
    await ctx.store.open_poll(item.id, index, ctx.now_dt)
    step = timedelta(seconds=definition.seconds_per_question + definition.pause_seconds)
    if index + 1 < len(definition.questions):
        await schedule(
            ctx, QUESTION, item.id, ctx.now_dt + step, f"q{index + 1}", question=index + 1
        )
    else:
        await schedule(ctx, QUIZ_END, item.id, ctx.now_dt + step, "end")
    effect = send_poll(
        chat,
        f"{index + 1}/{len(definition.questions)}. {question.question}"[:300],
        list(question.options),
        kind=POLL_CALL,
        quiz_correct=question.correct_index(),
        explanation=question.explanation,
        open_period=definition.seconds_per_question,
        extra={"item": item.id, "question": index},
    )
    return Reaction().add(effect).event("quiz_question", item=item.id, question=index)


async def standings(ctx: Context, item: ItemRow, definition: QuizDef) -> list[Standing]:
    await ctx.store.resolve_polls()
    polls = [p for p in await ctx.store.polls_of(item.id) if p.poll_id]
    correct = {
        p.poll_id: definition.questions[p.question].correct_index() for p in polls if p.poll_id
    }
    opened = {p.poll_id: p.opened_at for p in polls if p.poll_id}
    answers = await ctx.store.answers(list(correct))
    return leaderboard(correct, opened, answers)


async def board_text(ctx: Context, item: ItemRow, definition: QuizDef) -> str:
    board = await standings(ctx, item, definition)
    return leaderboard_text(definition.title, board, len(definition.questions))


async def end_quiz(ctx: Context, item: ItemRow, definition: QuizDef) -> Reaction:
    if item.status in ("closed", "cancelled"):
        return Reaction()
    board = await standings(ctx, item, definition)
    text = leaderboard_text(definition.title, board, len(definition.questions))
    chat = item.target_chat or str(definition.chat)
    await ctx.store.update_item(
        item.id,
        status="closed",
        closed_at=ctx.now_dt,
        state={**item.state, "players": len(board), "top": [s.user_id for s in board[:10]]},
    )
    out = Reaction().add(send_text(chat, text, kind="engagement_results"))
    staff_note(ctx, f"Ended {label(item)}: {len(board)} players.", out)
    return out.event(
        "engagement_closed",
        item=item.id,
        what="quiz",
        leaderboard=[[s.user_id, s.score, s.seconds] for s in board],
    )
