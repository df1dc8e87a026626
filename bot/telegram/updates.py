"""Bot API Update JSON → a neutral :class:`ParsedUpdate` (with an ``InboundMessage``).

One place knows the shape of Telegram's JSON; everything after works on neutral data. Unknown
kinds and fields never raise: an update that cannot be understood is ``OTHER``. Messages that
must not be triaged say why in ``ignore`` (the bot's own messages, the channel's automatic
forwards into its discussion group, anonymous admins, staff, commands, media without text);
``protected`` messages are triaged but never moderated.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from bot.domain import InboundMessage, MessageKind
from bot.telegram.senders import full_name, ignore_reason, member_join

PLATFORM = "telegram"


class UpdateKind(StrEnum):
    MESSAGE = "message"
    EDITED_MESSAGE = "edited_message"
    CHANNEL_POST = "channel_post"
    EDITED_CHANNEL_POST = "edited_channel_post"
    BUSINESS_MESSAGE = "business_message"
    EDITED_BUSINESS_MESSAGE = "edited_business_message"
    BUSINESS_CONNECTION = "business_connection"
    CALLBACK_QUERY = "callback_query"
    CHAT_MEMBER = "chat_member"
    MY_CHAT_MEMBER = "my_chat_member"
    POLL_ANSWER = "poll_answer"
    POLL = "poll"
    OTHER = "other"


MESSAGE_KINDS = {
    UpdateKind.MESSAGE,
    UpdateKind.EDITED_MESSAGE,
    UpdateKind.CHANNEL_POST,
    UpdateKind.EDITED_CHANNEL_POST,
    UpdateKind.BUSINESS_MESSAGE,
    UpdateKind.EDITED_BUSINESS_MESSAGE,
}
EDITED_KINDS = {
    UpdateKind.EDITED_MESSAGE,
    UpdateKind.EDITED_CHANNEL_POST,
    UpdateKind.EDITED_BUSINESS_MESSAGE,
}


@dataclass(frozen=True)
class ParseContext:
    bot_id: int | None = None
    staff_user_ids: frozenset[int] = frozenset()
    staff_chat_id: int | None = None
    bot_username: str = ""  # commands addressed to another bot (/cmd@other_bot) are not ours
    watched_chats: frozenset[int] = frozenset()  # empty: every chat
    # (chat id, user id, unix time) -> is this one of a new member's first messages?
    is_new_member: Callable[[str, str, float], bool] = lambda _c, _u, _t: False


@dataclass(frozen=True)
class Callback:
    id: str
    user_id: str
    data: str
    chat_id: str | None = None
    message_id: str | None = None
    username: str | None = None
    first_name: str | None = None


@dataclass(frozen=True)
class ParsedUpdate:
    update_id: int | None
    kind: UpdateKind
    message: InboundMessage | None = None  # for message kinds with text or a caption
    edited: bool = False
    ignore: str | None = None  # why the message is not triaged
    protected: bool = False  # triaged, never moderated
    joins: tuple[tuple[str, str], ...] = ()  # (chat id, user id) of members who joined
    callback: Callback | None = None
    command: tuple[str, str] | None = None  # ("start", payload): a command to this bot
    details: dict[str, Any] = field(default_factory=dict)


def _id(value: Any) -> str | None:
    return None if value is None else str(value)


def _lang(code: Any) -> str | None:
    if not isinstance(code, str) or not code:
        return None
    return code.split("-")[0].split("_")[0].lower()[:8] or None


def _when(message: Mapping[str, Any], edited: bool) -> datetime:
    stamp: Any = message.get("edit_date") if edited else None
    stamp = stamp or message.get("date")
    try:
        return datetime.fromtimestamp(float(stamp), UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return datetime.now(UTC)


def update_kind(update: Mapping[str, Any]) -> UpdateKind:
    for kind in UpdateKind:
        if kind is not UpdateKind.OTHER and isinstance(update.get(kind.value), dict):
            return kind
    return UpdateKind.OTHER


def parse_update(update: Mapping[str, Any], ctx: ParseContext | None = None) -> ParsedUpdate:
    """Parse one Update; never raises on unknown or partial data."""
    ctx = ctx or ParseContext()
    raw_id = update.get("update_id")
    update_id = raw_id if isinstance(raw_id, int) else None
    kind = update_kind(update)
    body = update.get(kind.value) if kind is not UpdateKind.OTHER else None
    if not isinstance(body, dict):
        return ParsedUpdate(update_id, UpdateKind.OTHER)
    if kind in MESSAGE_KINDS:
        return _parse_message(update_id, kind, body, ctx)
    if kind is UpdateKind.CALLBACK_QUERY:
        message = body.get("message") or {}
        chat = message.get("chat") or {}
        callback = Callback(
            id=str(body.get("id", "")),
            user_id=str((body.get("from") or {}).get("id", "")),
            data=str(body.get("data") or ""),
            chat_id=_id(chat.get("id")),
            message_id=_id(message.get("message_id")),
            username=(body.get("from") or {}).get("username"),
            first_name=(body.get("from") or {}).get("first_name"),
        )
        return ParsedUpdate(update_id, kind, callback=callback)
    if kind is UpdateKind.CHAT_MEMBER:
        return ParsedUpdate(update_id, kind, joins=member_join(body))
    if kind is UpdateKind.BUSINESS_CONNECTION:
        details = {
            "business_connection_id": body.get("id"),
            "user_id": (body.get("user") or {}).get("id"),
            "is_enabled": body.get("is_enabled"),
        }
        return ParsedUpdate(update_id, kind, details=details)
    if kind is UpdateKind.POLL_ANSWER:
        voter = body.get("user") or {}
        details = {
            "poll_id": body.get("poll_id"),
            "user_id": voter.get("id"),
            "option_ids": body.get("option_ids") or [],
            "username": voter.get("username"),
            "first_name": voter.get("first_name"),
        }
        return ParsedUpdate(update_id, kind, details=details)
    if kind is UpdateKind.POLL:
        details = {
            "poll_id": body.get("id"),
            "is_closed": bool(body.get("is_closed")),
            "total_voter_count": body.get("total_voter_count"),
            "options": [
                {"text": o.get("text"), "voter_count": o.get("voter_count")}
                for o in body.get("options") or []
                if isinstance(o, dict)
            ],
        }
        return ParsedUpdate(update_id, kind, details=details)
    return ParsedUpdate(update_id, kind)


NEVER_COMMANDS = {"channel post", "own message", "automatic forward", "bot", "anonymous admin"}


def _command(text: str | None, ignore: str | None, ctx: ParseContext) -> tuple[str, str] | None:
    """``(name, args)`` of ``/name[@bot] args`` addressed to this bot (or to no bot)."""
    if not text or not text.startswith("/") or ignore in NEVER_COMMANDS:
        return None
    head, _, args = text[1:].partition(" ")
    name, _, target = head.partition("@")
    if target and ctx.bot_username and target.lower() != ctx.bot_username.lower():
        return None
    if not name or not name.replace("_", "").isalnum():
        return None
    return name.lower(), args.strip()


def _parse_message(
    update_id: int | None, kind: UpdateKind, msg: Mapping[str, Any], ctx: ParseContext
) -> ParsedUpdate:
    chat = msg.get("chat") or {}
    sender = msg.get("from") or {}
    sender_chat = msg.get("sender_chat") or {}
    chat_id, chat_type = chat.get("id"), str(chat.get("type") or "")
    user_id = sender.get("id")
    edited = kind in EDITED_KINDS
    business = kind in (UpdateKind.BUSINESS_MESSAGE, UpdateKind.EDITED_BUSINESS_MESSAGE)
    when = _when(msg, edited)
    joins = tuple(
        (str(chat_id), str(u["id"]))
        for u in msg.get("new_chat_members") or []
        if isinstance(u, dict) and u.get("id") is not None and not u.get("is_bot")
    )
    text = msg.get("text")
    if not isinstance(text, str):
        text = msg.get("caption") if isinstance(msg.get("caption"), str) else None
    dm = chat_type == "private" or business
    ignore = ignore_reason(kind, msg, ctx, text, business, chat_id, chat_type, user_id)
    protected = ignore is not None or bool(sender_chat) or user_id in ctx.staff_user_ids
    command = _command(text, ignore, ctx)
    details: dict[str, Any] = {"chat_type": chat_type, "update_kind": kind.value}
    reply_to = msg.get("reply_to_message")
    if isinstance(reply_to, dict) and reply_to.get("message_id") is not None:
        details["reply_to_message_id"] = reply_to["message_id"]
    contact = msg.get("contact")
    if isinstance(contact, dict):
        details["contact"] = {
            k: contact.get(k) for k in ("phone_number", "user_id", "first_name", "last_name")
        }
    if msg.get("photo"):
        details["has_photo"] = True
    if text is None:  # no message below: say whose it is for the update hooks
        details.update(
            chat_id=_id(chat_id), user_id=_id(user_id), message_id=_id(msg.get("message_id"))
        )
        if sender.get("language_code"):
            details["lang_hint"] = _lang(sender.get("language_code"))
        for key in ("username", "first_name"):
            if sender.get(key):
                details[key] = sender[key]
    for key in ("business_connection_id", "message_thread_id", "is_topic_message"):
        if msg.get(key) is not None:
            details[key] = msg[key]
    if sender_chat:
        details["sender_chat_id"] = sender_chat.get("id")
    if edited:
        details["edited"] = True
    message = None
    if text is not None and chat_id is not None:
        is_new = False
        if ignore is None and not dm and user_id is not None and not edited:
            is_new = ctx.is_new_member(str(chat_id), str(user_id), when.timestamp())
        message = InboundMessage(
            text=text,
            kind=MessageKind.DM if dm else MessageKind.COMMENT,
            platform=PLATFORM,
            chat_id=str(chat_id),
            chat_title=chat.get("title") or full_name(chat) or None,
            message_id=_id(msg.get("message_id")),
            thread_id=_id(msg.get("message_thread_id")),
            user_id=_id(user_id),
            username=sender.get("username"),
            first_name=sender.get("first_name"),
            lang_hint=_lang(sender.get("language_code")),
            received_at=when,
            is_new_member=is_new,
            extra=details,
        )
    return ParsedUpdate(
        update_id,
        kind,
        message=message,
        edited=edited,
        ignore=ignore,
        protected=protected,
        joins=joins,
        command=command,
        details=details,
    )
