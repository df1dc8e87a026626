"""Fakes at the transport seam: a fake clock and a recording Bot API; Update JSON builders.

The Update shapes follow the Bot API documentation (https://core.telegram.org/bots/api#update).
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from bot.errors import TransportError

BOT_ID = 7000000001
BOT_USERNAME = "maison_solene_bot"
GROUP = -1001234567890
CHANNEL = -1009876543210
STAFF_CHAT = -1005550000000
DATE = 1_700_000_000


class FakeClock:
    """Virtual time: ``sleep`` moves the clock forward instead of waiting."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self.slept: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def time(self) -> float:
        return DATE + self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += max(0.0, seconds)
        await asyncio.sleep(0)


@dataclass(frozen=True)
class Call:
    method: str
    params: dict[str, Any]
    at: float
    ok: bool


Match = Callable[[str, Mapping[str, Any]], bool]


class RecordingApi:
    """Records every call with the (fake) time it was made; fails on demand."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.calls: list[Call] = []
        self._failures: list[tuple[Match, TransportError | Exception]] = []
        self._ids = itertools.count(1000)

    def fail(
        self,
        error: TransportError | Exception,
        *,
        method: str | None = None,
        chat_id: int | str | None = None,
        times: int = 1,
    ) -> None:
        def match(m: str, params: Mapping[str, Any]) -> bool:
            if method is not None and m != method:
                return False
            return chat_id is None or str(params.get("chat_id")) == str(chat_id)

        self._failures.extend([(match, error)] * times)

    async def call(self, method: str, params: Mapping[str, Any]) -> Any:
        for index, (match, error) in enumerate(self._failures):
            if match(method, params):
                del self._failures[index]
                self.calls.append(Call(method, dict(params), self.clock.now, False))
                raise error
        self.calls.append(Call(method, dict(params), self.clock.now, True))
        if method == "getMe":
            return {"id": BOT_ID, "is_bot": True, "first_name": "Solène", "username": BOT_USERNAME}
        if method.startswith("send"):
            return {
                "message_id": next(self._ids),
                "date": DATE,
                "chat": {"id": params.get("chat_id")},
                "text": params.get("text"),
            }
        return True

    def sent(self, method: str = "sendMessage") -> list[Call]:
        return [c for c in self.calls if c.ok and c.method == method]


_update_ids = itertools.count(500_000)


def user(uid: int = 111, first_name: str = "Léa", lang: str | None = "fr") -> dict[str, Any]:
    out: dict[str, Any] = {"id": uid, "is_bot": False, "first_name": first_name}
    out["username"] = f"user{uid}"
    if lang:
        out["language_code"] = lang
    return out


def group_chat(chat_id: int = GROUP) -> dict[str, Any]:
    return {"id": chat_id, "title": "Maison Solène — discussion", "type": "supergroup"}


def private_message(text: str, uid: int = 111, message_id: int = 5, **kw: Any) -> dict[str, Any]:
    sender = user(uid, **kw)
    chat = {"id": uid, "first_name": sender["first_name"], "type": "private"}
    chat["username"] = sender["username"]
    return _update(
        "message",
        {"message_id": message_id, "from": sender, "chat": chat, "date": DATE, "text": text},
    )


def channel_post_forward(message_id: int = 100, chat_id: int = GROUP) -> dict[str, Any]:
    """The channel's post, forwarded automatically into its discussion group."""
    channel = {"id": CHANNEL, "title": "Maison Solène", "type": "channel"}
    return _update(
        "message",
        {
            "message_id": message_id,
            "from": {"id": 777000, "is_bot": False, "first_name": "Telegram"},
            "sender_chat": channel,
            "chat": group_chat(chat_id),
            "date": DATE,
            "is_automatic_forward": True,
            "forward_origin": {"type": "channel", "chat": channel, "message_id": 55, "date": DATE},
            "text": "Nouveau : le sérum Éclat est arrivé ! Earn 500$ t.me/xx bit.ly/x",
        },
    )


def comment(
    text: str,
    uid: int = 222,
    message_id: int = 120,
    thread: int | None = 100,
    chat_id: int = GROUP,
    **kw: Any,
) -> dict[str, Any]:
    """A comment under a channel post, in the discussion group's thread of that post."""
    body: dict[str, Any] = {
        "message_id": message_id,
        "from": user(uid, **kw),
        "chat": group_chat(chat_id),
        "date": DATE,
        "text": text,
    }
    if thread is not None:
        body["message_thread_id"] = thread
        body["reply_to_message"] = {
            "message_id": thread,
            "sender_chat": {"id": CHANNEL, "title": "Maison Solène", "type": "channel"},
            "chat": group_chat(chat_id),
            "date": DATE,
            "is_automatic_forward": True,
            "text": "Nouveau : le sérum Éclat",
        }
    return _update("message", body)


def edited(update: dict[str, Any], text: str) -> dict[str, Any]:
    body = dict(update["message"])
    body.update(text=text, edit_date=DATE + 60)
    return _update("edited_message", body)


def new_members(*uids: int, chat_id: int = GROUP, message_id: int = 50) -> dict[str, Any]:
    members = [user(u, lang=None) for u in uids]
    return _update(
        "message",
        {
            "message_id": message_id,
            "from": members[0],
            "chat": group_chat(chat_id),
            "date": DATE,
            "new_chat_members": members,
            "new_chat_member": members[0],
            "new_chat_participant": members[0],
        },
    )


def callback(data: str, uid: int = 42, chat_id: int = STAFF_CHAT) -> dict[str, Any]:
    return _update(
        "callback_query",
        {
            "id": f"cb{next(_update_ids)}",
            "from": user(uid, "Agent", "en"),
            "message": {
                "message_id": 9,
                "from": {"id": BOT_ID, "is_bot": True, "first_name": "Solène"},
                "chat": {"id": chat_id, "title": "Staff", "type": "supergroup"},
                "date": DATE,
                "text": "card",
            },
            "chat_instance": "-8912374",
            "data": data,
        },
    )


def business_message(text: str, uid: int = 333, connection: str = "bc-1") -> dict[str, Any]:
    sender = user(uid, "Marc", "en")
    return _update(
        "business_message",
        {
            "business_connection_id": connection,
            "message_id": 7,
            "from": sender,
            "chat": {"id": uid, "first_name": "Marc", "type": "private"},
            "date": DATE,
            "text": text,
        },
    )


def _update(kind: str, body: dict[str, Any]) -> dict[str, Any]:
    return {"update_id": next(_update_ids), kind: body}
