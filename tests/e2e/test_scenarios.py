"""The issue's end-to-end scenarios, each on aiogram and on PTB, over HTTP, with polling."""

from __future__ import annotations

import asyncio

from tests.e2e.conftest import STAFF, Bot
from tests.fakes.updates import channel_chat, group_chat, user

MARIE = user(4201, "Marie", language_code="fr")
JOHN = user(4202, "John", language_code="en")
SPAMMER = user(6601, "Easy Money", language_code="en")
GROUP = group_chat(-1001001, "Maison community")
CHANNEL = channel_chat(-1001002)

COMPLAINT_FR = (
    "Bonjour, ma commande n'est jamais arrivée et personne ne répond au service client, "
    "c'est inadmissible !"
)
SPAM_EN = (
    "Earn $500 a day from home!!! Crypto investment, DM me on WhatsApp +1 555 0100 "
    "http://bit.ly/easy-money"
)
QUESTION_EN = "Do you ship to Canada? How long does delivery take?"


async def test_french_complaint_dm_gets_a_french_reply(bot: Bot) -> None:
    bot.server.push_update(bot.server.updates.private_message(MARIE, COMPLAINT_FR))
    [reply] = await bot.replies_to(MARIE["id"], 1)
    words = set(reply["text"].lower().replace(",", " ").split())
    assert words & {"merci", "vous", "nous", "désolés"}, reply["text"]
    assert not words & {"thank", "thanks", "sorry", "your"}, reply["text"]
    assert bot.server.sent_to(STAFF["id"]), "the complaint reached the staff chat"
    assert bot.server.state.deleted == []  # a complaint is never deleted


async def test_english_spam_comment_is_deleted_and_the_spammer_warned(bot: Bot) -> None:
    server = bot.server
    post = server.push_update(server.updates.automatic_forward(GROUP, CHANNEL, "New collection"))
    spam = server.push_update(server.updates.comment(post[0], SPAMMER, SPAM_EN))[0]
    await server.wait_until(lambda: bool(server.state.deleted), 20)
    await bot.runtime.drain(20)
    assert server.state.deleted == [(GROUP["id"], spam["message"]["message_id"])]
    warnings = server.sent_to(GROUP["id"])
    assert len(warnings) == 1 and SPAMMER["first_name"] in warnings[0]["text"]
    assert (GROUP["id"], post[0]["message"]["message_id"]) not in server.state.deleted


async def test_a_question_in_a_thread_gets_the_faq_answer_in_its_thread(bot: Bot) -> None:
    server = bot.server
    post = server.push_update(server.updates.automatic_forward(GROUP, CHANNEL, "New collection"))
    thread = post[0]["message"]["message_id"]
    question = server.push_update(server.updates.comment(post[0], JOHN, QUESTION_EN))[0]
    [answer] = await bot.replies_to(GROUP["id"], 1)
    assert "Canada" in answer["text"]
    assert answer["message_thread_id"] == thread
    assert answer["reply_to_message"]["message_id"] == question["message"]["message_id"]


async def test_the_same_update_twice_yields_one_reply(bot: Bot) -> None:
    server = bot.server
    update = server.push_update(server.updates.group_message(GROUP, JOHN, QUESTION_EN))[0]
    await bot.replies_to(GROUP["id"], 1)
    server.redeliver(update)
    await server.wait_until(lambda: not server.queue.pending, 10)  # fetched and confirmed
    await bot.runtime.drain(10)
    await asyncio.sleep(0.2)
    assert len(server.sent_to(GROUP["id"])) == 1


async def test_a_burst_under_429s_delivers_every_reply_in_order(bot: Bot) -> None:
    server = bot.server
    server.fail("sendMessage", kind="retry_after", retry_after=1, times=3)
    askers = [user(7000 + i, f"Asker{i}", language_code="en") for i in range(20)]
    pushed = server.push_update(
        *[server.updates.group_message(GROUP, asker, QUESTION_EN) for asker in askers]
    )
    replies = await bot.replies_to(GROUP["id"], len(pushed), timeout=60)
    assert len(replies) == len(pushed)
    answered = [r["reply_to_message"]["message_id"] for r in replies]
    assert answered == [u["message"]["message_id"] for u in pushed]
    assert sum(1 for c in server.calls_to("sendMessage") if c.status == 429) == 3
