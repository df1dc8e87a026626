"""Realistic Bot API Update JSON for the fake server: the shapes Telegram really sends.

Every builder returns plain dicts (Bot API JSON). :class:`UpdateFactory` numbers updates and
messages the way Telegram does: ``update_id`` increases by one, ``message_id`` increases per
chat (shared with the messages the bot sends, so ids never collide).
"""

from __future__ import annotations

import itertools
import time
from collections import defaultdict
from typing import Any

JSON = dict[str, Any]

# Telegram's service account that posts the automatic forwards of channel posts.
TELEGRAM_SERVICE_USER: JSON = {"id": 777000, "is_bot": False, "first_name": "Telegram"}


def user(
    user_id: int,
    first_name: str = "Alex",
    *,
    language_code: str | None = "en",
    username: str | None = None,
    is_bot: bool = False,
) -> JSON:
    out: JSON = {"id": user_id, "is_bot": is_bot, "first_name": first_name}
    if username:
        out["username"] = username
    if language_code:
        out["language_code"] = language_code
    return out


def private_chat(of: JSON) -> JSON:
    chat: JSON = {"id": of["id"], "type": "private", "first_name": of["first_name"]}
    if "username" in of:
        chat["username"] = of["username"]
    return chat


def group_chat(chat_id: int, title: str = "Brand community", *, kind: str = "supergroup") -> JSON:
    return {"id": chat_id, "type": kind, "title": title}


def channel_chat(chat_id: int, title: str = "Brand channel", username: str = "brand") -> JSON:
    return {"id": chat_id, "type": "channel", "title": title, "username": username}


class UpdateFactory:
    """Builds updates with increasing ``update_id`` and per-chat ``message_id``."""

    def __init__(self, first_update_id: int = 1) -> None:
        self._update_ids = itertools.count(first_update_id)
        self._query_ids = itertools.count(1)
        self._message_ids: defaultdict[int, itertools.count[int]] = defaultdict(
            lambda: itertools.count(1)
        )

    def next_update_id(self) -> int:
        return next(self._update_ids)

    def next_message_id(self, chat_id: int) -> int:
        return next(self._message_ids[chat_id])

    def message(
        self,
        chat: JSON,
        sender: JSON | None,
        text: str | None = None,
        **extra: Any,
    ) -> JSON:
        out: JSON = {
            "message_id": self.next_message_id(chat["id"]),
            "date": int(time.time()),
            "chat": chat,
        }
        if sender is not None:
            out["from"] = sender
        if text is not None:
            out["text"] = text
        out.update({k: v for k, v in extra.items() if v is not None})
        return out

    def update(self, kind: str, payload: JSON) -> JSON:
        return {"update_id": self.next_update_id(), kind: payload}

    # -- the updates cmbot handles ---------------------------------------------------------

    def private_message(self, sender: JSON, text: str) -> JSON:
        return self.update("message", self.message(private_chat(sender), sender, text))

    def group_message(self, chat: JSON, sender: JSON, text: str, **extra: Any) -> JSON:
        return self.update("message", self.message(chat, sender, text, **extra))

    def automatic_forward(self, discussion: JSON, channel: JSON, text: str) -> JSON:
        """A channel post as it appears in the linked discussion group (the thread root)."""
        channel_post_id = self.next_message_id(channel["id"])
        return self.update(
            "message",
            self.message(
                discussion,
                TELEGRAM_SERVICE_USER,
                text,
                sender_chat=channel,
                is_automatic_forward=True,
                forward_origin={
                    "type": "channel",
                    "chat": channel,
                    "message_id": channel_post_id,
                    "date": int(time.time()),
                },
            ),
        )

    def comment(self, forward: JSON, sender: JSON, text: str) -> JSON:
        """A comment under a channel post: a reply in the thread of its automatic forward."""
        root = forward["message"]
        return self.update(
            "message",
            self.message(
                root["chat"],
                sender,
                text,
                message_thread_id=root["message_id"],
                reply_to_message=root,
            ),
        )

    def edited(self, original: JSON, text: str) -> JSON:
        kind = "business_message" if "business_message" in original else "message"
        message = {**original[kind], "text": text, "edit_date": int(time.time())}
        edited_kind = "edited_business_message" if kind == "business_message" else "edited_message"
        return self.update(edited_kind, message)

    def callback_query(self, sender: JSON, message: JSON, data: str) -> JSON:
        return self.update(
            "callback_query",
            {
                "id": f"{sender['id']}-{next(self._query_ids)}",
                "from": sender,
                "message": message,
                "chat_instance": str(-abs(message["chat"]["id"])),
                "data": data,
            },
        )

    def new_member(self, chat: JSON, member: JSON) -> list[JSON]:
        """The service message and the chat_member update a join produces."""
        service = self.update(
            "message", self.message(chat, member, None, new_chat_members=[member])
        )
        now = int(time.time())
        change = self.update(
            "chat_member",
            {
                "chat": chat,
                "from": member,
                "date": now,
                "old_chat_member": {"status": "left", "user": member},
                "new_chat_member": {"status": "member", "user": member},
            },
        )
        return [service, change]

    def business_connection(self, owner: JSON, connection_id: str = "biz-1") -> JSON:
        return self.update(
            "business_connection",
            {
                "id": connection_id,
                "user": owner,
                "user_chat_id": owner["id"],
                "date": int(time.time()),
                "is_enabled": True,
                "rights": {"can_reply": True, "can_read_messages": True},
            },
        )

    def business_message(self, customer: JSON, text: str, connection_id: str = "biz-1") -> JSON:
        message = self.message(
            private_chat(customer), customer, text, business_connection_id=connection_id
        )
        return self.update("business_message", message)

    def poll_answer(self, poll_id: str, voter: JSON, option_ids: list[int]) -> JSON:
        return self.update(
            "poll_answer",
            {
                "poll_id": poll_id,
                "user": voter,
                "option_ids": option_ids,
                "option_persistent_ids": [str(i) for i in option_ids],
            },
        )
