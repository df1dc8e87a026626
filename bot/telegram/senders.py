"""Who wrote a message, and which messages are never triaged or moderated."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.telegram.updates import ParseContext

CHANNEL_POSTS = ("channel_post", "edited_channel_post")


def member_join(body: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    old = (body.get("old_chat_member") or {}).get("status")
    new = body.get("new_chat_member") or {}
    user = new.get("user") or {}
    chat_id = (body.get("chat") or {}).get("id")
    joined = new.get("status") in ("member", "restricted") and old in ("left", "kicked", None)
    if not joined or chat_id is None or user.get("id") is None or user.get("is_bot"):
        return ()
    return ((str(chat_id), str(user["id"])),)


def full_name(chat: Mapping[str, Any]) -> str:
    return " ".join(str(chat[k]) for k in ("first_name", "last_name") if chat.get(k))


def ignore_reason(
    kind: str,
    msg: Mapping[str, Any],
    ctx: ParseContext,
    text: str | None,
    business: bool,
    chat_id: Any,
    chat_type: str,
    user_id: Any,
) -> str | None:
    sender = msg.get("from") or {}
    sender_chat = msg.get("sender_chat") or {}
    if kind in CHANNEL_POSTS:
        return "channel post"
    if ctx.bot_id is not None and user_id == ctx.bot_id:
        return "own message"
    if msg.get("is_automatic_forward"):
        return "automatic forward"
    if sender_chat and sender_chat.get("id") == chat_id:
        return "anonymous admin"
    if business and (user_id != chat_id or msg.get("sender_business_bot")):
        return "business account's own message"
    if sender.get("is_bot"):
        return "bot"
    if ctx.staff_chat_id is not None and chat_id == ctx.staff_chat_id:
        return "staff chat"
    if user_id is not None and user_id in ctx.staff_user_ids:
        return "staff"
    watched = not ctx.watched_chats or chat_id in ctx.watched_chats
    if chat_type in ("group", "supergroup") and not watched:
        return "chat not watched"
    if text is None:
        return "no text"
    if text.startswith("/"):
        return "command"
    return None
