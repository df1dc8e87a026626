"""Spam moderation up to the ban, the warning in the comment's thread, and edited messages
re-triaged: each on aiogram and on PTB, over HTTP, on SQLite."""

from __future__ import annotations

import asyncio

from bot.telegram.playbook_policy import moderation_policy
from tests.e2e.conftest import Bot
from tests.e2e.test_scenarios import CHANNEL, GROUP, JOHN, QUESTION_EN, SPAM_EN, SPAMMER
from tests.fakes.updates import JSON


def ban_threshold(bot: Bot) -> int:
    """The strike at which the shipped spam playbook bans (3 today: read, not assumed)."""
    playbooks = bot.runtime.pipeline.classifier.playbooks
    steps = [s for s in moderation_policy(playbooks).steps if "ban" in s.actions]
    assert steps, "the shipped spam playbook bans at some strike"
    return min(s.strikes for s in steps)


def spam_variant(i: int) -> str:
    return SPAM_EN.replace("$500", f"${500 + 10 * i}")


async def test_the_spammer_is_banned_at_the_playbooks_threshold(bot: Bot) -> None:
    server, threshold = bot.server, ban_threshold(bot)
    post = server.push_update(server.updates.automatic_forward(GROUP, CHANNEL, "New collection"))
    thread = post[0]["message"]["message_id"]
    spams: list[JSON] = []
    for i in range(threshold):
        [spam] = server.push_update(server.updates.comment(post[0], SPAMMER, spam_variant(i)))
        spams.append(spam)
        await server.wait_until(lambda n=i + 1: len(server.state.deleted) >= n, 20)
        await bot.runtime.drain(20)
        banned = bool(server.calls_to("banChatMember"))
        assert banned == (i + 1 >= threshold), f"strike {i + 1}: banned={banned}"
    assert server.state.deleted == [(GROUP["id"], s["message"]["message_id"]) for s in spams]
    [ban] = [c for c in server.calls_to("banChatMember") if c.status == 200]
    assert (ban.params["chat_id"], ban.params["user_id"]) == (GROUP["id"], SPAMMER["id"])
    member = server.state.member(GROUP["id"], SPAMMER["id"])
    assert member["status"] == "kicked"
    warnings = server.sent_to(GROUP["id"])
    assert warnings, "the first strikes are warned"
    for warning in warnings:  # in the post's comments, where the spam was
        assert warning["message_thread_id"] == thread
        assert SPAMMER["first_name"] in warning["text"]
    calls = [c for c in server.calls_to("sendMessage") if c.params["chat_id"] == GROUP["id"]]
    assert all(c.params["message_thread_id"] == thread for c in calls)


async def test_an_edited_message_is_triaged_again(bot: Bot) -> None:
    server = bot.server
    [hello] = server.push_update(server.updates.group_message(GROUP, SPAMMER, "Hello everyone"))
    await server.wait_until(lambda: not server.queue.pending, 10)
    await bot.runtime.drain(20)
    assert server.state.deleted == [] and server.sent_to(GROUP["id"]) == []
    server.push_update(server.updates.edited(hello, SPAM_EN))  # now it is spam
    await server.wait_until(lambda: bool(server.state.deleted), 20)
    await bot.runtime.drain(20)
    assert server.state.deleted == [(GROUP["id"], hello["message"]["message_id"])]


async def test_an_edit_that_keeps_the_category_gets_no_second_reply(bot: Bot) -> None:
    server = bot.server
    [question] = server.push_update(server.updates.group_message(GROUP, JOHN, QUESTION_EN))
    [answer] = await bot.replies_to(GROUP["id"], 1)
    assert "Canada" in answer["text"]
    server.push_update(server.updates.edited(question, QUESTION_EN + " Thanks!"))
    await server.wait_until(lambda: not server.queue.pending, 10)
    await bot.runtime.drain(20)
    await asyncio.sleep(0.2)
    assert len(server.sent_to(GROUP["id"])) == 1
    edits = await bot.runtime.store.last_category(
        "telegram", str(GROUP["id"]), str(question["message"]["message_id"])
    )
    assert edits == "question"  # the edit was triaged (and stored) again
