"""Spam moderation: thresholds from the playbook, soft ban, dry run, allow-list, complaints."""

from __future__ import annotations

from typing import Any

import pytest

from bot.config import ModerationConfig
from bot.domain import InboundMessage, MessageKind, Sentiment, Verdict
from bot.playbooks.model import ModerationPolicy, ModerationStep
from bot.storage import Database
from bot.storage.models import Strike
from bot.telegram.moderation import Moderator
from tests.storage.conftest import backend, database, database_url  # noqa: F401  fixtures
from tests.telegram import fakes as f
from tests.telegram.conftest import Factory
from tests.telegram.fakes import RecordingApi
from tests.telegram.test_runtime import count

SPAM_TEXT = "Earn 500$ daily with crypto, write me in private t.me/xx bit.ly/abc"
SPAM = Verdict("spam", ("spam",), "en", Sentiment.NEUTRAL, 0.9, ())
MSG = InboundMessage(text="buy", chat_id="-100", user_id="5", message_id="9", first_name="Bob")


def actions(api: RecordingApi) -> list[str]:
    return [c.method for c in api.calls if c.ok and c.params.get("chat_id") == f.GROUP]


async def test_first_spam_deleted_and_warned_third_banned(
    make_runtime: Factory, api: RecordingApi, database: Database
) -> None:
    runtime = await make_runtime()
    for i in range(3):
        await runtime.feed(f.comment(SPAM_TEXT, uid=555, message_id=200 + i, lang="en"))
    await runtime.drain(30)
    assert actions(api) == [
        "deleteMessage",
        "sendMessage",
        "deleteMessage",
        "sendMessage",
        "deleteMessage",
        "banChatMember",
    ]
    warning = next(c for c in api.sent() if c.params["chat_id"] == f.GROUP)
    assert "removed" in warning.params["text"]
    assert warning.params["reply_parameters"] == {"message_id": 100}  # in the post's thread
    assert warning.params["message_thread_id"] == 100
    assert await count(database, Strike, user_id="555") == 3
    cards = [c.params["text"] for c in api.sent() if c.params["chat_id"] == f.STAFF_CHAT]
    assert len(cards) == 3 and "delete+ban" in cards[-1]


async def test_dry_run_only_tells_staff(make_runtime: Factory, api: RecordingApi) -> None:
    runtime = await make_runtime(moderation={"dry_run": True})
    await runtime.feed(f.comment(SPAM_TEXT, uid=556, lang="en"))
    await runtime.drain(30)
    assert actions(api) == []
    (card,) = [c.params["text"] for c in api.sent() if c.params["chat_id"] == f.STAFF_CHAT]
    assert "dry run" in card and "would delete+warn" in card


async def test_allow_listed_users_are_not_moderated(
    make_runtime: Factory, api: RecordingApi
) -> None:
    runtime = await make_runtime(moderation={"allow_list": {str(f.GROUP): [557]}})
    await runtime.feed(f.comment(SPAM_TEXT, uid=557, lang="en"))
    await runtime.drain(30)
    assert actions(api) == []


async def test_a_complaint_edited_into_spam_is_never_deleted(
    make_runtime: Factory, api: RecordingApi
) -> None:
    runtime = await make_runtime()
    original = f.comment("My parcel never arrived, this is a scandal", uid=558, lang="en")
    await runtime.feed(original)
    await runtime.drain(30)
    await runtime.feed(f.edited(original, SPAM_TEXT))
    await runtime.drain(30)
    assert "deleteMessage" not in [c.method for c in api.calls]


def moderator(**policy: Any) -> Moderator:
    return Moderator(ModerationPolicy(**policy), ModerationConfig(), "Maison Solène")


def test_complaints_private_chats_and_protected_senders_are_skipped() -> None:
    mod = moderator()
    both = Verdict("spam", ("spam", "complaint"), "en", Sentiment.NEGATIVE, 0.9, ())
    assert mod.skip_reason(MSG, both, False) == "complaints are never deleted"
    dm = InboundMessage(text="x", kind=MessageKind.DM, chat_id="5", user_id="5")
    assert mod.skip_reason(dm, SPAM, False) == "private chat"
    assert mod.skip_reason(MSG, SPAM, True) is not None
    assert mod.skip_reason(MSG, SPAM, False) is None


@pytest.mark.parametrize(
    ("strikes", "methods"),
    [
        (1, ["deleteMessage", "sendMessage"]),
        (2, ["deleteMessage", "sendMessage"]),
        (3, ["deleteMessage", "banChatMember"]),
        (9, ["deleteMessage", "banChatMember"]),
    ],
)
def test_default_thresholds(strikes: int, methods: list[str]) -> None:
    plan = moderator().plan(MSG, SPAM, strikes, now=0.0)
    assert [e.method for e in plan.effects] == methods


def test_soft_ban_mutes_for_good_and_mute_steps_have_a_duration() -> None:
    plan = moderator(soft_ban=True).plan(MSG, SPAM, 3, now=0.0)
    assert [e.method for e in plan.effects] == ["deleteMessage", "restrictChatMember"]
    assert "until_date" not in plan.effects[1].params
    steps = [ModerationStep(strikes=2, actions=["delete", "mute"], mute_minutes=30)]
    mod = moderator(steps=steps)
    assert mod.plan(MSG, SPAM, 1, now=0.0).effects == []  # below the first step
    muted = mod.plan(MSG, SPAM, 2, now=100.0).effects[1]
    assert muted.params["until_date"] == 100 + 30 * 60


def test_warning_in_the_spammers_language() -> None:
    plan = moderator().plan(MSG, Verdict("spam", ("spam",), "fr", Sentiment.NEUTRAL, 1, ()), 1, 0)
    assert plan.effects[1].params["text"].startswith("Bob, votre message a été retiré")


async def test_the_warning_goes_in_the_forum_topic_of_the_spam(
    make_runtime: Factory, api: RecordingApi
) -> None:
    runtime = await make_runtime()
    topic = f.comment(SPAM_TEXT, uid=559, message_id=310, thread=300, lang="en")
    body = topic["message"]
    body["is_topic_message"] = True
    body["reply_to_message"] = {
        "message_id": 300,
        "chat": body["chat"],
        "date": body["date"],
        "forum_topic_created": {"name": "Deals", "icon_color": 7322096},
    }
    await runtime.feed(topic)
    await runtime.drain(30)
    assert actions(api) == ["deleteMessage", "sendMessage"]
    warning = next(c for c in api.sent() if c.params["chat_id"] == f.GROUP)
    assert warning.params["message_thread_id"] == 300  # in the topic, not in General
    assert "reply_parameters" not in warning.params


async def test_a_warning_outside_any_thread_has_no_thread(
    make_runtime: Factory, api: RecordingApi
) -> None:
    runtime = await make_runtime()
    await runtime.feed(f.comment(SPAM_TEXT, uid=560, message_id=320, thread=None, lang="en"))
    await runtime.drain(30)
    warning = next(c for c in api.sent() if c.params["chat_id"] == f.GROUP)
    assert "message_thread_id" not in warning.params
    assert "reply_parameters" not in warning.params
