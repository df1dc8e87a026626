"""What the poll, quiz and contest runners share: job keys, items, names, staff notes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.engagement.definitions import Definition, from_data
from bot.errors import CmbotError
from bot.storage.store_engagement import ItemRow
from bot.telegram.effects import escape_html
from bot.telegram.routing import Context, Reaction

START, CLOSE, QUESTION, QUIZ_END, CHECK, DRAW = (
    "eng_start",
    "eng_close",
    "eng_question",
    "eng_quiz_end",
    "eng_check",
    "eng_draw",
)


class EngagementError(CmbotError):
    """A poll, quiz or contest cannot do what was asked (unknown id, wrong state...)."""


class NotReady(EngagementError):
    """What a job needs has not happened yet (a poll not sent, checks unanswered): the job
    is retried later."""


def job_key(item_id: int, name: str) -> str:
    return f"eng:{item_id}:{name}"


def job_prefix(item_id: int) -> str:
    return f"eng:{item_id}:"


async def schedule(
    ctx: Context, kind: str, item_id: int, due: datetime, name: str, **payload: Any
) -> None:
    await ctx.store.schedule_job(kind, job_key(item_id, name), due, {"item": item_id, **payload})


async def load_item(ctx: Context, item_id: int | str) -> tuple[ItemRow, Definition]:
    try:
        number = int(str(item_id).lstrip("#"))
    except ValueError:
        raise EngagementError(
            f"{item_id!r} is not an engagement number (see /engagements)"
        ) from None
    item = await ctx.store.item(number)
    if item is None:
        raise EngagementError(f"no poll, quiz or contest #{number} (see /engagements)")
    return item, from_data(item.definition)


def display_name(name: str | None, username: str | None, user_id: str) -> str:
    if username:
        return f"@{username}"
    return name or f"user {user_id}"


def staff_note(ctx: Context, html_text: str, reaction: Reaction | None = None) -> Reaction:
    out = reaction or Reaction()
    effect = ctx.to_staff(html_text)
    if effect is not None:
        out.add(effect)
    return out


def label(item: ItemRow) -> str:
    return f"{item.kind} #{item.id} “{escape_html(item.title)}”"
