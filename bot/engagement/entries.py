"""Contest entries made by a message: a comment with the keyword, or a photo (with the keyword
in its caption when one is set), in the entry chat and under the entry post when given."""

from __future__ import annotations

from dataclasses import dataclass

from bot.engagement import contests
from bot.engagement.common import display_name
from bot.engagement.definitions import ContestDef, from_data
from bot.storage.store_engagement import ItemRow
from bot.telegram.routing import Context, Reaction

OPEN = "engagement.open_contests"  # ctx.memo: the open contests, read once per batch


@dataclass(frozen=True)
class Posted:
    """What matters about a message for contest entries."""

    user_id: str
    name: str
    chat_id: str | None
    text: str
    has_photo: bool
    reply_to: str | None
    thread: str | None


def matches(definition: ContestDef, posted: Posted) -> bool:
    entry = definition.entry
    if entry.action not in ("comment", "photo"):
        return False
    if entry.action == "photo" and not posted.has_photo:
        return False
    if entry.chat is not None and str(entry.chat) != str(posted.chat_id):
        return False
    if entry.post and str(entry.post) not in (str(posted.reply_to), str(posted.thread)):
        return False
    return not entry.keyword or entry.keyword.casefold() in posted.text.casefold()


async def open_contests(ctx: Context) -> list[tuple[ItemRow, ContestDef]]:
    found = []
    for item in await ctx.store.items(("open",)):
        definition = from_data(item.definition) if item.kind == "contest" else None
        if isinstance(definition, ContestDef):
            found.append((item, definition))
    return found


async def enter_by_message(
    ctx: Context, posted: Posted, candidates: list[tuple[ItemRow, ContestDef]] | None = None
) -> Reaction:
    """Enter ``posted``'s author into every open contest (``candidates``, else read now) the
    message qualifies for."""
    out = Reaction()
    for item, definition in await open_contests(ctx) if candidates is None else candidates:
        if matches(definition, posted):
            how = definition.entry.action
            _, reaction = await contests.enter(
                ctx, item, definition, posted.user_id, posted.name, how
            )
            out.extend(reaction)
    return out


def posted_from(details: dict[str, object], text: str = "", **known: str | None) -> Posted | None:
    """A :class:`Posted` from an update's ``details`` (plus what the message already says)."""
    user_id = known.get("user_id") or details.get("user_id")
    if not user_id:
        return None
    name = display_name(
        known.get("first_name") or _text(details.get("first_name")),
        known.get("username") or _text(details.get("username")),
        str(user_id),
    )
    return Posted(
        user_id=str(user_id),
        name=name,
        chat_id=known.get("chat_id") or _text(details.get("chat_id")),
        text=text,
        has_photo=bool(details.get("has_photo")),
        reply_to=_text(details.get("reply_to_message_id")),
        thread=known.get("thread_id") or _text(details.get("message_thread_id")),
    )


def _text(value: object) -> str | None:
    return None if value is None else str(value)
