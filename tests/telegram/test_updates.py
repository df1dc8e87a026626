"""Bot API Update JSON → neutral events: every kind cmbot handles, and garbage never crashes."""

from __future__ import annotations

from typing import Any

import pytest

from bot.domain import MessageKind
from bot.telegram.members import MemberTracker
from bot.telegram.updates import ParseContext, UpdateKind, parse_update
from tests.telegram import fakes as f

CTX = ParseContext(bot_id=f.BOT_ID, staff_user_ids=frozenset({42}), staff_chat_id=f.STAFF_CHAT)


def test_private_message_is_a_dm_with_the_users_language() -> None:
    parsed = parse_update(f.private_message("Bonjour, où est mon colis ?", uid=111), CTX)
    assert parsed.kind == UpdateKind.MESSAGE and parsed.ignore is None
    msg = parsed.message
    assert msg is not None
    assert (msg.kind, msg.platform, msg.chat_id, msg.user_id) == (
        MessageKind.DM,
        "telegram",
        "111",
        "111",
    )
    assert (msg.text, msg.lang_hint, msg.first_name, msg.username) == (
        "Bonjour, où est mon colis ?",
        "fr",
        "Léa",
        "user111",
    )
    assert msg.message_id == "5" and msg.received_at.timestamp() == f.DATE


def test_discussion_comment_keeps_its_thread() -> None:
    parsed = parse_update(
        f.comment("Le sérum pique", thread=100, message_id=120, lang="en-GB"), CTX
    )
    msg = parsed.message
    assert msg is not None and parsed.ignore is None and not parsed.protected
    assert msg.kind == MessageKind.COMMENT
    assert (msg.chat_id, msg.thread_id, msg.message_id) == (str(f.GROUP), "100", "120")
    assert msg.chat_title == "Maison Solène — discussion" and msg.lang_hint == "en"
    assert msg.extra["chat_type"] == "supergroup"


def test_the_channels_automatic_forward_is_never_triaged_nor_moderated() -> None:
    parsed = parse_update(f.channel_post_forward(), CTX)
    assert parsed.ignore == "automatic forward" and parsed.protected
    assert parsed.message is not None  # kept as data, but not triaged


def test_edited_message_is_flagged_and_dated_by_its_edit() -> None:
    original = f.comment("Super produit")
    parsed = parse_update(f.edited(original, "Produit nul, remboursez-moi"), CTX)
    assert parsed.kind == UpdateKind.EDITED_MESSAGE and parsed.edited
    assert parsed.message is not None and parsed.message.text == "Produit nul, remboursez-moi"
    assert parsed.message.received_at.timestamp() == f.DATE + 60
    assert parsed.message.extra["edited"] is True


def test_callback_query() -> None:
    parsed = parse_update(f.callback("cmbot:a:-100:5", uid=42), CTX)
    assert parsed.kind == UpdateKind.CALLBACK_QUERY and parsed.message is None
    cb = parsed.callback
    assert cb is not None and (cb.user_id, cb.data, cb.chat_id) == (
        "42",
        "cmbot:a:-100:5",
        str(f.STAFF_CHAT),
    )


def test_new_chat_members_are_joins_and_their_first_messages_are_new() -> None:
    tracker = MemberTracker(messages=2, hours=24)
    ctx = ParseContext(bot_id=f.BOT_ID, is_new_member=tracker.is_new)
    parsed = parse_update(f.new_members(901, 902), ctx)
    assert parsed.joins == ((str(f.GROUP), "901"), (str(f.GROUP), "902"))
    assert parsed.ignore == "no text"
    for chat, uid in parsed.joins:
        tracker.joined(chat, uid, f.DATE)
    flags = [
        parse_update(f.comment("hello", uid=901, message_id=300 + i), ctx).message.is_new_member  # type: ignore[union-attr]
        for i in range(3)
    ]
    assert flags == [True, True, False]
    assert not parse_update(f.comment("hi", uid=903), ctx).message.is_new_member  # type: ignore[union-attr]


def test_chat_member_update_counts_as_a_join() -> None:
    update = {
        "update_id": 1,
        "chat_member": {
            "chat": f.group_chat(),
            "from": f.user(905),
            "date": f.DATE,
            "old_chat_member": {"status": "left", "user": f.user(905)},
            "new_chat_member": {"status": "member", "user": f.user(905)},
        },
    }
    assert parse_update(update, CTX).joins == ((str(f.GROUP), "905"),)


def test_business_message_is_a_dm_with_its_connection() -> None:
    parsed = parse_update(f.business_message("Do you ship to Canada?"), CTX)
    assert parsed.kind == UpdateKind.BUSINESS_MESSAGE and parsed.ignore is None
    msg = parsed.message
    assert msg is not None and msg.kind == MessageKind.DM
    assert msg.extra["business_connection_id"] == "bc-1"


def test_the_business_accounts_own_messages_are_ignored() -> None:
    update = f.business_message("Thanks for your order!")
    update["business_message"]["from"] = f.user(444, "Owner", "en")  # the account owner
    assert parse_update(update, CTX).ignore == "business account's own message"


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"from": {"id": f.BOT_ID, "is_bot": True, "first_name": "me"}}, "own message"),
        ({"sender_chat": f.group_chat()}, "anonymous admin"),
        ({"from": f.user(42)}, "staff"),
        ({"text": "/help"}, "command"),
        ({"chat": {"id": f.STAFF_CHAT, "title": "Staff", "type": "supergroup"}}, "staff chat"),
    ],
)
def test_never_triaged(change: dict[str, Any], reason: str) -> None:
    update = f.comment("Earn 500$ daily t.me/xx")
    update["message"].update(change)
    parsed = parse_update(update, CTX)
    assert parsed.ignore == reason and parsed.protected


def test_a_user_writing_as_their_channel_is_triaged_but_never_moderated() -> None:
    update = f.comment("Great serum")
    update["message"]["sender_chat"] = {"id": -100777, "title": "Some channel", "type": "channel"}
    parsed = parse_update(update, CTX)
    assert parsed.ignore is None and parsed.protected


def test_caption_is_the_text_and_media_without_caption_is_not_triaged() -> None:
    update = f.comment("x")
    del update["message"]["text"]
    update["message"]["photo"] = [{"file_id": "a", "file_unique_id": "b", "width": 1, "height": 1}]
    assert parse_update(update, CTX).ignore == "no text"
    update["message"]["caption"] = "Look, broken bottle!"
    parsed = parse_update(update, CTX)
    assert parsed.ignore is None and parsed.message is not None
    assert parsed.message.text == "Look, broken bottle!"


def test_start_command_with_a_deep_link_payload() -> None:
    parsed = parse_update(f.private_message("/start c-1001234567890_120"), CTX)
    assert parsed.command == ("start", "c-1001234567890_120")


def test_unwatched_groups_are_not_triaged() -> None:
    ctx = ParseContext(watched_chats=frozenset({-100999}))
    assert parse_update(f.comment("hello"), ctx).ignore == "chat not watched"
    assert parse_update(f.private_message("hello"), ctx).ignore is None


@pytest.mark.parametrize(
    "update",
    [
        {},
        {"update_id": 3},
        {"update_id": 3, "message": None},
        {"update_id": 3, "message": {}},
        {"update_id": 3, "message": {"chat": None, "from": None, "text": 5}},
        {"update_id": 3, "message_reaction": {"chat": {"id": 1}}},
        {"update_id": 3, "poll_answer": {"poll_id": "p", "user": {"id": 1}, "option_ids": [0]}},
        {"update_id": 3, "business_connection": {"id": "bc", "user": {"id": 1}}},
        {"update_id": "x", "callback_query": {"id": 1}},
        {
            "update_id": 3,
            "message": {"chat": {"id": 1, "type": "private"}, "text": "hi", "date": "?"},
        },
        {"update_id": 3, "chat_member": {"new_chat_member": None}},
    ],
)
def test_unknown_or_partial_updates_never_crash(update: dict[str, Any]) -> None:
    parsed = parse_update(update, CTX)
    assert parsed.kind in set(UpdateKind)
