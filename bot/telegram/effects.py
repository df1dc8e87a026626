"""Effects: one outgoing Bot API call each, as data (method + JSON params).

The runtime turns decisions into :class:`Effect` values; the outbox stores them, rate-limits
them and makes the call. Customer text is sent without a parse mode (nothing to escape); staff
cards use HTML with every piece of user text escaped by :func:`escape_html`.
"""

from __future__ import annotations

import base64
import binascii
import html
import re
from dataclasses import dataclass, field
from typing import Any

from bot.storage.store_outbound import OutboundRecord, OutboundRow

MAX_TEXT = 4096
MAX_CAPTION = 1024
FILE_MARK = "cmbot_file"  # a parameter {"cmbot_file": base64, "filename": ...} is a file upload
FILE_FIELDS = {"sendPhoto": "photo", "sendDocument": "document"}
DEEP_LINK_MARK = "{deep_link}"  # left in drafts by the runtime, replaced per message
PAYLOAD_RE = re.compile(r"^c(-?\d{1,20})_(\d{1,12})$")
SEND_METHODS = frozenset(
    {"sendMessage", "sendPoll", "sendPhoto", "sendDocument", "copyMessage", "forwardMessage"}
)
NO_PERMISSIONS = {
    key: False
    for key in (
        "can_send_messages",
        "can_send_audios",
        "can_send_documents",
        "can_send_photos",
        "can_send_videos",
        "can_send_video_notes",
        "can_send_voice_notes",
        "can_send_polls",
        "can_send_other_messages",
        "can_add_web_page_previews",
        "can_invite_users",
    )
}


@dataclass(frozen=True)
class Effect:
    """One Bot API call. ``chat_id`` orders and rate-limits it (``None``: no chat);
    ``user_id`` is the recipient of a private message (a 403 marks them blocked)."""

    method: str
    params: dict[str, Any]
    kind: str
    chat_id: str | None
    text: str = ""
    user_id: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def is_send(self) -> bool:
        """A new message in the chat: counts against the per-chat and per-group limits."""
        return self.method in SEND_METHODS

    def record(self, status: str = "queued") -> OutboundRecord:
        detail = {"method": self.method, "params": self.params, "user_id": self.user_id}
        if self.extra:
            detail["extra"] = self.extra
        return OutboundRecord(self.chat_id, self.kind, self.text, detail, status)

    @classmethod
    def from_row(cls, row: OutboundRow) -> Effect:
        detail = row.detail
        return cls(
            method=str(detail.get("method", "")),
            params=dict(detail.get("params") or {}),
            kind=row.kind,
            chat_id=row.chat_id,
            text=row.text,
            user_id=detail.get("user_id"),
            extra=dict(detail.get("extra") or {}),
        )


def escape_html(text: str) -> str:
    """``text`` made safe for ``parse_mode: HTML``."""
    return html.escape(text, quote=False)


def clip(text: str, limit: int = MAX_TEXT) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def deep_link(bot_username: str, payload: str) -> str:
    return f"https://t.me/{bot_username}?start={payload}"


def payload_for(chat_id: str, message_id: str) -> str:
    """The ``/start`` payload that ties a private chat to comment ``message_id``."""
    return f"c{chat_id}_{message_id}"


def parse_payload(payload: str) -> tuple[str, str] | None:
    """``(chat id, message id)`` from a payload made by :func:`payload_for`."""
    match = PAYLOAD_RE.match(payload.strip())
    return (match.group(1), match.group(2)) if match else None


def send_text(
    chat_id: str,
    text: str,
    *,
    kind: str = "reply",
    reply_to: str | None = None,
    thread_id: str | None = None,
    business_connection_id: str | None = None,
    buttons: list[list[dict[str, str]]] | None = None,
    parse_mode: str | None = None,
    user_id: str | None = None,
) -> Effect:
    """``sendMessage``: in reply to ``reply_to`` (so in its thread), optional buttons."""
    params: dict[str, Any] = {"chat_id": _chat(chat_id), "text": clip(text)}
    if reply_to is not None:
        params["reply_parameters"] = {"message_id": int(reply_to)}
    if thread_id is not None:
        params["message_thread_id"] = int(thread_id)
    if business_connection_id:
        params["business_connection_id"] = business_connection_id
    if buttons:
        params["reply_markup"] = {"inline_keyboard": buttons}
    if parse_mode:
        params["parse_mode"] = parse_mode
    params["link_preview_options"] = {"is_disabled": True}
    return Effect("sendMessage", params, kind, str(chat_id), params["text"], user_id)


def edit_text(
    chat_id: str,
    message_id: str,
    text: str,
    *,
    kind: str = "edit",
    buttons: list[list[dict[str, str]]] | None = None,
    parse_mode: str | None = None,
) -> Effect:
    """``editMessageText``: new text (and buttons) for one of the bot's messages."""
    params: dict[str, Any] = {
        "chat_id": _chat(chat_id),
        "message_id": int(message_id),
        "text": clip(text),
        "link_preview_options": {"is_disabled": True},
    }
    if buttons:
        params["reply_markup"] = {"inline_keyboard": buttons}
    if parse_mode:
        params["parse_mode"] = parse_mode
    return Effect("editMessageText", params, kind, str(chat_id), params["text"])


def url_button(label: str, url: str) -> dict[str, str]:
    return {"text": label, "url": url}


def callback_button(label: str, data: str) -> dict[str, str]:
    return {"text": label, "callback_data": data[:64]}


def file_param(data: bytes, filename: str) -> dict[str, str]:
    """A file to upload, kept as JSON (base64) in the outbox; adapters turn it into their
    framework's input file (aiogram ``BufferedInputFile``, PTB ``InputFile``)."""
    return {FILE_MARK: base64.b64encode(data).decode("ascii"), "filename": filename}


def file_from_param(value: Any) -> tuple[bytes, str] | None:
    """``(bytes, filename)`` of a parameter made by :func:`file_param`, else ``None``."""
    if not isinstance(value, dict) or not isinstance(value.get(FILE_MARK), str):
        return None
    try:
        data = base64.b64decode(value[FILE_MARK], validate=True)
    except (binascii.Error, ValueError):
        return None
    return data, str(value.get("filename") or "file")


def send_file(
    chat_id: str,
    data: bytes,
    filename: str,
    *,
    method: str = "sendPhoto",
    caption: str = "",
    kind: str = "report",
    parse_mode: str | None = None,
) -> Effect:
    """``sendPhoto`` or ``sendDocument`` with the file's bytes (uploaded by the adapter)."""
    params: dict[str, Any] = {
        "chat_id": _chat(chat_id),
        FILE_FIELDS[method]: file_param(data, filename),
    }
    if caption:
        params["caption"] = clip(caption, MAX_CAPTION)
    if parse_mode:
        params["parse_mode"] = parse_mode
    return Effect(method, params, kind, str(chat_id), caption or filename)


def send_keyboard(
    chat_id: str,
    text: str,
    keyboard: list[list[dict[str, Any]]] | None,
    *,
    kind: str = "reply",
    user_id: str | None = None,
) -> Effect:
    """``sendMessage`` with a reply keyboard (e.g. a ``request_contact`` button), or removing
    the keyboard when ``keyboard`` is ``None``."""
    markup: dict[str, Any] = (
        {"keyboard": keyboard, "one_time_keyboard": True, "resize_keyboard": True}
        if keyboard
        else {"remove_keyboard": True}
    )
    text = clip(text)
    params = {"chat_id": _chat(chat_id), "text": text, "reply_markup": markup}
    return Effect("sendMessage", params, kind, str(chat_id), text, user_id)


def delete_message(chat_id: str, message_id: str) -> Effect:
    params = {"chat_id": _chat(chat_id), "message_id": int(message_id)}
    return Effect("deleteMessage", params, "delete", str(chat_id), f"delete {message_id}")


def mute(chat_id: str, user_id: str, until: int | None) -> Effect:
    """``restrictChatMember`` with no permissions until ``until`` (Unix time; None: forever)."""
    params: dict[str, Any] = {
        "chat_id": _chat(chat_id),
        "user_id": int(user_id),
        "permissions": dict(NO_PERMISSIONS),
        "use_independent_chat_permissions": True,
    }
    if until is not None:
        params["until_date"] = int(until)
    return Effect("restrictChatMember", params, "restrict", str(chat_id), f"mute {user_id}")


def ban(chat_id: str, user_id: str, *, revoke_messages: bool = False) -> Effect:
    params: dict[str, Any] = {"chat_id": _chat(chat_id), "user_id": int(user_id)}
    if revoke_messages:
        params["revoke_messages"] = True
    return Effect("banChatMember", params, "ban", str(chat_id), f"ban {user_id}")


def answer_callback(callback_id: str, text: str = "") -> Effect:
    params: dict[str, Any] = {"callback_query_id": callback_id}
    if text:
        params["text"] = clip(text, 200)
    return Effect("answerCallbackQuery", params, "callback_answer", None, text)


def staff_card(
    staff_chat_id: int | str, html_text: str, buttons: list[list[dict[str, str]]] | None = None
) -> Effect:
    """A card in the staff chat (``html_text`` must already be escaped)."""
    return send_text(
        str(staff_chat_id), html_text, kind="staff_card", buttons=buttons, parse_mode="HTML"
    )


def message_link(chat_id: str | None, message_id: str | None) -> str | None:
    """A t.me link to a supergroup message (``-100…`` ids), else ``None``."""
    if not chat_id or not message_id or not chat_id.startswith("-100"):
        return None
    return f"https://t.me/c/{chat_id[4:]}/{message_id}"


def _chat(chat_id: str) -> int | str:
    try:
        return int(chat_id)
    except ValueError:
        return chat_id  # "@channelusername"


def send_poll(
    chat_id: str,
    question: str,
    options: list[str],
    *,
    kind: str = "poll",
    anonymous: bool = False,
    multiple: bool = False,
    quiz_correct: int | None = None,
    explanation: str | None = None,
    open_period: int | None = None,
    thread_id: str | None = None,
    extra: dict[str, Any] | None = None,
) -> Effect:
    """``sendPoll``: a regular poll, or a quiz when ``quiz_correct`` (an option index) is set.
    ``extra`` is stored with the call (features find their polls by it)."""
    params: dict[str, Any] = {
        "chat_id": _chat(chat_id),
        "question": question,
        "options": [{"text": o} for o in options],
        "is_anonymous": anonymous,
    }
    if quiz_correct is not None:
        params.update(type="quiz", correct_option_ids=[quiz_correct])
        if explanation:
            params["explanation"] = explanation
    elif multiple:
        params["allows_multiple_answers"] = True
    if open_period is not None:
        params["open_period"] = int(open_period)
    if thread_id is not None:
        params["message_thread_id"] = int(thread_id)
    return Effect("sendPoll", params, kind, str(chat_id), question, extra=dict(extra or {}))


def stop_poll(chat_id: str, message_id: str, kind: str = "poll_stop") -> Effect:
    params = {"chat_id": _chat(chat_id), "message_id": int(message_id)}
    return Effect("stopPoll", params, kind, str(chat_id), f"stop poll {message_id}")


def get_chat_member(
    chat_id: str, user_id: str, *, kind: str = "member_check", text: str = ""
) -> Effect:
    """``getChatMember``; the member's status is kept with the call (``detail["result"]``)."""
    params = {"chat_id": _chat(chat_id), "user_id": int(user_id)}
    return Effect(
        "getChatMember", params, kind, str(chat_id), text or f"member {user_id} of {chat_id}"
    )


def send_photo(
    chat_id: str, png: bytes, *, filename: str, caption: str = "", kind: str = "photo"
) -> Effect:
    """``sendPhoto`` uploading ``png`` (see :func:`send_file`)."""
    return send_file(chat_id, png, filename, caption=caption, kind=kind)
