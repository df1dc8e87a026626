"""The chats, members and messages behind the fake Bot API, and the errors it answers with."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from tests.fakes.updates import JSON, UpdateFactory, user

ADMIN_RIGHTS = (
    "can_manage_chat", "can_delete_messages", "can_manage_video_chats", "can_restrict_members",
    "can_promote_members", "can_change_info", "can_invite_users", "can_post_stories",
    "can_edit_stories", "can_delete_stories", "can_send_welcome_messages",
)  # fmt: skip
SEND_PERMISSIONS = (
    "can_send_messages", "can_send_audios", "can_send_documents", "can_send_photos",
    "can_send_videos", "can_send_video_notes", "can_send_voice_notes", "can_send_polls",
    "can_send_other_messages", "can_add_web_page_previews", "can_react_to_messages",
    "can_edit_tag", "can_change_info", "can_invite_users", "can_pin_messages",
    "can_manage_topics",
)  # fmt: skip


class ApiError(Exception):
    """An error answer: HTTP status = ``error_code``, Telegram's description."""

    def __init__(self, code: int, description: str, parameters: JSON | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters

    def envelope(self) -> JSON:
        out: JSON = {"ok": False, "error_code": self.code, "description": self.description}
        if self.parameters:
            out["parameters"] = self.parameters
        return out


def bad_request(what: str) -> ApiError:
    return ApiError(400, f"Bad Request: {what}")


def too_many_requests(retry_after: int) -> ApiError:
    return ApiError(
        429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after}
    )


def administrator(member: JSON, **rights: bool) -> JSON:
    out: JSON = {"status": "administrator", "user": member, "can_be_edited": False}
    out["is_anonymous"] = False
    out.update({name: rights.get(name, True) for name in ADMIN_RIGHTS})
    return out


@dataclass
class BotState:
    """What the fake server knows: the bot, its chats, members, messages and settings."""

    factory: UpdateFactory
    me: JSON
    chats: dict[int, JSON] = field(default_factory=dict)
    users: dict[int, JSON] = field(default_factory=dict)
    members: dict[tuple[int, int], JSON] = field(default_factory=dict)
    messages: dict[tuple[int, int], JSON] = field(default_factory=dict)
    sent: list[JSON] = field(default_factory=list)  # every message the bot sent, in order
    deleted: list[tuple[int, int]] = field(default_factory=list)
    blocked_by: set[int] = field(default_factory=set)  # users who blocked the bot
    commands: dict[str, list[JSON]] = field(default_factory=dict)
    polls: dict[str, JSON] = field(default_factory=dict)
    answered_callbacks: list[JSON] = field(default_factory=list)

    # -- what pushed updates teach the server ----------------------------------------------

    def learn(self, update: JSON) -> None:
        for value in update.values():
            if isinstance(value, dict):
                self._learn_object(value)

    def _learn_object(self, obj: JSON) -> None:
        chat = obj.get("chat")
        if isinstance(chat, dict):
            self.chats.setdefault(chat["id"], chat)
            if "message_id" in obj:
                self.messages[(chat["id"], obj["message_id"])] = obj
        for key in ("from", "user"):
            if isinstance(obj.get(key), dict):
                self.users.setdefault(obj[key]["id"], obj[key])
        for nested in ("reply_to_message", "message"):
            if isinstance(obj.get(nested), dict):
                self._learn_object(obj[nested])

    def set_bot_member(self, chat_id: int, member: JSON) -> None:
        self.members[(chat_id, self.me["id"])] = member

    # -- lookups that fail like Telegram ---------------------------------------------------

    def chat(self, chat_id: Any) -> JSON:
        if isinstance(chat_id, str) and chat_id.startswith("@"):
            for chat in self.chats.values():
                if chat.get("username") == chat_id[1:]:
                    return chat
            raise bad_request("chat not found")
        try:
            return self.chats[int(chat_id)]
        except (KeyError, TypeError, ValueError):
            raise bad_request("chat not found") from None

    def member(self, chat_id: int, user_id: int) -> JSON:
        found = self.members.get((chat_id, user_id))
        if found is not None:
            return found
        if user_id == self.me["id"]:
            if self.chats.get(chat_id, {}).get("type") == "private":
                return {"status": "member", "user": self.me}
            return administrator(self.me)
        person = self.users.get(user_id) or user(user_id, "User", language_code=None)
        return {"status": "member", "user": person}

    def bot_can(self, chat_id: int, right: str) -> bool:
        mine = self.member(chat_id, self.me["id"])
        return mine["status"] == "creator" or bool(mine.get(right))

    def message(self, chat_id: int, message_id: Any, missing: str) -> JSON:
        try:
            return self.messages[(chat_id, int(message_id))]
        except (KeyError, TypeError, ValueError):
            raise bad_request(missing) from None

    # -- effects ---------------------------------------------------------------------------

    def new_bot_message(self, chat: JSON, params: JSON, **content: Any) -> JSON:
        if chat["type"] == "private" and chat["id"] in self.blocked_by:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        out: JSON = {
            "message_id": self.factory.next_message_id(chat["id"]),
            "from": self.me,
            "chat": chat,
            "date": int(time.time()),
            **content,
        }
        thread = params.get("message_thread_id")
        if thread is not None:
            out["message_thread_id"] = int(thread)
        reply = params.get("reply_parameters") or {}
        reply_to = reply.get("message_id", params.get("reply_to_message_id"))
        if reply_to is not None:
            target = self.messages.get((chat["id"], int(reply_to)))
            if target is None and not reply.get("allow_sending_without_reply"):
                raise bad_request("message to be replied not found")
            if target is not None:
                out["reply_to_message"] = target
                if "message_thread_id" in target and "message_thread_id" not in out:
                    out["message_thread_id"] = target["message_thread_id"]
        for key in ("reply_markup", "business_connection_id"):
            if params.get(key):
                out[key] = params[key]
        if "inline_keyboard" not in (out.get("reply_markup") or {}):
            out.pop("reply_markup", None)  # Telegram returns only inline keyboards
        self.messages[(chat["id"], out["message_id"])] = out
        self.sent.append(out)
        return out

    def restrict(self, chat_id: int, user_id: int, member: JSON) -> None:
        if not self.bot_can(chat_id, "can_restrict_members"):
            raise bad_request("not enough rights to restrict/unrestrict chat member")
        self.members[(chat_id, user_id)] = member
