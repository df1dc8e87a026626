"""The Bot API methods cmbot uses, answered from :class:`BotState` with real Bot API JSON.

Each method takes the state and the decoded parameters and returns the ``result`` or raises
:class:`ApiError` with Telegram's own description. The methods that touch the update queue
(getUpdates, setWebhook, deleteWebhook, getWebhookInfo) live in the server.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

from tests.fakes.bot_state import SEND_PERMISSIONS, BotState, bad_request
from tests.fakes.updates import JSON

Method = Callable[[BotState, JSON], Any]
HTML_TAGS = re.compile(
    r"</?(b|strong|i|em|u|ins|s|strike|del|span|tg-spoiler|a|code|pre|blockquote|tg-emoji)"
    r"(\s[^<>]*)?>"
)
HTML_ENTITY = re.compile(r"&(lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);")
MARKDOWN_V2_ALWAYS_ESCAPED = re.compile(r"(?<!\\)[.!#+=|{}-]")


def _check_entities(text: str, parse_mode: str | None) -> None:
    """Refuse text that Telegram could not parse (unescaped user input, mostly)."""
    if parse_mode == "HTML":
        bare = HTML_ENTITY.sub("", HTML_TAGS.sub("", text))
        if "<" in bare or ">" in bare or "&" in bare:
            raise bad_request("can't parse entities: unsupported start tag or bare '<', '&'")
    elif parse_mode == "MarkdownV2":
        match = MARKDOWN_V2_ALWAYS_ESCAPED.search(text)
        if match:
            raise bad_request(
                f"can't parse entities: character '{match.group()}' is reserved and must be"
                " escaped with the preceding '\\'"
            )


def send_message(state: BotState, p: JSON) -> JSON:
    chat = state.chat(p.get("chat_id"))
    text = str(p.get("text") or "")
    if not text.strip():
        raise bad_request("message text is empty")
    if len(text) > 4096:
        raise bad_request("message is too long")
    _check_entities(text, p.get("parse_mode"))
    return state.new_bot_message(chat, p, text=text)


def edit_message_text(state: BotState, p: JSON) -> JSON | bool:
    if p.get("inline_message_id"):
        return True
    chat = state.chat(p.get("chat_id"))
    old = state.message(chat["id"], p.get("message_id"), "message to edit not found")
    text = str(p.get("text") or "")
    _check_entities(text, p.get("parse_mode"))
    if old.get("text") == text and old.get("reply_markup") == p.get("reply_markup"):
        raise bad_request("message is not modified: specified new message content and reply"
                          " markup are exactly the same as a current content and reply markup"
                          " of the message")  # fmt: skip
    new = {**old, "text": text, "edit_date": int(time.time())}
    if p.get("reply_markup"):
        new["reply_markup"] = p["reply_markup"]
    else:
        new.pop("reply_markup", None)
    state.messages[(chat["id"], new["message_id"])] = new
    return new


def delete_message(state: BotState, p: JSON) -> bool:
    chat = state.chat(p.get("chat_id"))
    message = state.message(chat["id"], p.get("message_id"), "message to delete not found")
    own = message.get("from", {}).get("id") == state.me["id"]
    if (
        chat["type"] != "private"
        and not own
        and not state.bot_can(chat["id"], "can_delete_messages")
    ):
        raise bad_request("message can't be deleted")
    del state.messages[(chat["id"], message["message_id"])]
    state.deleted.append((chat["id"], message["message_id"]))
    return True


def restrict_chat_member(state: BotState, p: JSON) -> bool:
    chat = state.chat(p.get("chat_id"))
    user_id = int(p["user_id"])
    allowed = p.get("permissions") or {}
    member = state.member(chat["id"], user_id)
    restricted: JSON = {"status": "restricted", "user": member["user"], "is_member": True}
    restricted.update({name: bool(allowed.get(name, False)) for name in SEND_PERMISSIONS})
    restricted["until_date"] = int(p.get("until_date") or 0)
    state.restrict(chat["id"], user_id, restricted)
    return True


def ban_chat_member(state: BotState, p: JSON) -> bool:
    chat = state.chat(p.get("chat_id"))
    user_id = int(p["user_id"])
    member = state.member(chat["id"], user_id)
    banned = {"status": "kicked", "user": member["user"], "until_date": int(p.get("until_date", 0))}
    state.restrict(chat["id"], user_id, banned)
    return True


def unban_chat_member(state: BotState, p: JSON) -> bool:
    chat = state.chat(p.get("chat_id"))
    user_id = int(p["user_id"])
    member = state.member(chat["id"], user_id)
    if p.get("only_if_banned") and member["status"] != "kicked":
        return True
    state.restrict(chat["id"], user_id, {"status": "left", "user": member["user"]})
    return True


def get_chat_member(state: BotState, p: JSON) -> JSON:
    chat = state.chat(p.get("chat_id"))
    return state.member(chat["id"], int(p["user_id"]))


def get_chat(state: BotState, p: JSON) -> JSON:
    gifts = ("unlimited_gifts", "limited_gifts", "unique_gifts", "premium_subscription",
             "gifts_from_channels")  # fmt: skip
    return {
        **state.chat(p.get("chat_id")),
        "accent_color_id": 0,
        "max_reaction_count": 11,
        "accepted_gift_types": {name: False for name in gifts},
    }


def get_chat_administrators(state: BotState, p: JSON) -> list[JSON]:
    chat = state.chat(p.get("chat_id"))
    if chat["type"] == "private":
        raise bad_request("there are no administrators in the private chat")
    admins = [
        m for (c, _), m in state.members.items()
        if c == chat["id"] and m["status"] in ("creator", "administrator")
    ]  # fmt: skip
    me = state.member(chat["id"], state.me["id"])
    if me["status"] in ("creator", "administrator") and me not in admins:
        admins.append(me)
    return admins


def answer_callback_query(state: BotState, p: JSON) -> bool:
    state.answered_callbacks.append(p)
    return True


def send_poll(state: BotState, p: JSON) -> JSON:
    chat = state.chat(p.get("chat_id"))
    question = str(p.get("question") or "")
    raw_options = p.get("options") or []
    if not 1 <= len(question) <= 300:
        raise bad_request("poll question length must not exceed 300")
    if not 2 <= len(raw_options) <= 12:
        raise bad_request("poll must have at least 2 option" if len(raw_options) < 2
                          else "poll can't have more than 12 options")  # fmt: skip
    if len(str(p.get("explanation") or "")) > 200:
        raise bad_request("explanation is too long")
    open_period = p.get("open_period")
    if open_period is not None and not 5 <= int(open_period) <= 600:
        raise bad_request("wrong open period specified")
    options = [
        {"persistent_id": str(i), "text": o["text"] if isinstance(o, dict) else str(o),
         "voter_count": 0}
        for i, o in enumerate(raw_options)
    ]  # fmt: skip
    poll: JSON = {
        "id": str(5_000_000 + len(state.polls)),
        "question": question,
        "options": options,
        "total_voter_count": 0,
        "is_closed": False,
        "is_anonymous": bool(p.get("is_anonymous", True)),
        "type": p.get("type", "regular"),
        "allows_multiple_answers": bool(p.get("allows_multiple_answers", False)),
        "allows_revoting": True,
        "members_only": False,
    }
    for key in (
        "correct_option_id",
        "correct_option_ids",
        "explanation",
        "open_period",
        "close_date",
    ):
        if p.get(key) is not None:
            poll[key] = p[key]
    message = state.new_bot_message(chat, p, poll=poll)
    state.polls[poll["id"]] = poll
    return message


def send_photo(state: BotState, p: JSON) -> JSON:
    chat = state.chat(p.get("chat_id"))
    photo = p.get("photo")
    if isinstance(photo, str) and photo.startswith("attach://"):
        photo = p.get(photo.removeprefix("attach://"))
    if not isinstance(photo, dict) or not photo.get("size"):
        raise bad_request("wrong file identifier/HTTP URL specified")  # only uploads here
    size = {"file_id": f"photo{len(state.sent)}", "file_unique_id": f"u{len(state.sent)}",
            "width": 720, "height": 300, "file_size": photo["size"]}  # fmt: skip
    return state.new_bot_message(chat, p, photo=[size], caption=str(p.get("caption") or ""))


def stop_poll(state: BotState, p: JSON) -> JSON:
    chat = state.chat(p.get("chat_id"))
    message = state.message(chat["id"], p.get("message_id"), "message with poll to stop not found")
    if "poll" not in message:
        raise bad_request("message with poll to stop not found")
    poll = state.polls[message["poll"]["id"]]
    if poll["is_closed"]:
        raise bad_request("poll has already been closed")
    poll["is_closed"] = True
    return poll


def set_my_commands(state: BotState, p: JSON) -> bool:
    commands = p.get("commands") or []
    for command in commands:
        if not re.fullmatch(r"[a-z0-9_]{1,32}", str(command.get("command", ""))):
            raise bad_request("BOT_COMMAND_INVALID")
    state.commands[_menu(p)] = commands
    return True


def get_my_commands(state: BotState, p: JSON) -> list[JSON]:
    return state.commands.get(_menu(p), [])


def _menu(p: JSON) -> str:
    scope = p.get("scope") or {"type": "default"}
    return f"{scope.get('type')}:{scope.get('chat_id', '')}:{p.get('language_code', '')}"


def _true(state: BotState, p: JSON) -> bool:
    return True


METHODS: dict[str, Method] = {
    "getMe": lambda state, p: state.me,
    "sendMessage": send_message,
    "editMessageText": edit_message_text,
    "deleteMessage": delete_message,
    "restrictChatMember": restrict_chat_member,
    "banChatMember": ban_chat_member,
    "unbanChatMember": unban_chat_member,
    "getChatMember": get_chat_member,
    "getChat": get_chat,
    "getChatAdministrators": get_chat_administrators,
    "answerCallbackQuery": answer_callback_query,
    "sendPoll": send_poll,
    "sendPhoto": send_photo,
    "stopPoll": stop_poll,
    "setMyCommands": set_my_commands,
    "getMyCommands": get_my_commands,
    "logOut": _true,
    "close": _true,
}
