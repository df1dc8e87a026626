"""The staff desk's checks of the issue on aiogram and PTB, over HTTP: a forged button cannot
touch another case, an SLA breach produces a reminder, 20 complaints about one product in 10
minutes raise one spike alert, and a reclassified message changes the next verdict on a
similar message without a restart."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.classify.classifier import Classifier
from tests.e2e.conftest import STAFF, Bot
from tests.e2e.test_cases import (
    AGENT,
    CHANNEL,
    GROUP,
    SimulatedClock,
    data,
    keyboard,
    staffed_bot,
)
from tests.fakes.updates import user


@pytest.fixture
async def desk(
    framework: str, tmp_path: Path, fresh_classifier: Classifier
) -> AsyncIterator[tuple[Bot, SimulatedClock]]:
    async with staffed_bot(framework, tmp_path, fresh_classifier) as running:
        yield running


def complaint(i: int) -> str:
    return f"La Crème Éclat m'a donné des rougeurs, c'est inadmissible ! ({i})"


async def test_forged_button_cannot_touch_another_case_and_sla_breach_reminds(
    desk: tuple[Bot, SimulatedClock],
) -> None:
    bot, clock = desk
    server, store = bot.server, bot.runtime.store
    post = server.push_update(server.updates.automatic_forward(GROUP, CHANNEL, "Nouveautés"))
    for i in range(2):
        server.push_update(server.updates.comment(post[0], user(4400 + i, "Client"), complaint(i)))
    cards = await bot.replies_to(STAFF["id"], 2)
    first = next(c for c in cards if "Case #1" in c["text"])
    resolve = data(first, "Resolve")
    forged = resolve.replace(":1:", ":2:")
    server.push_update(server.updates.callback_query(AGENT, first, forged))
    await server.wait_until(lambda: bool(server.calls_to("answerCallbackQuery")), 20)
    await bot.runtime.drain(20)
    answer = server.calls_to("answerCallbackQuery")[0].params
    assert answer["text"] == "This button is not valid."
    assert [c.status for c in await store.cases()] == ["waiting_customer"] * 2

    clock.offset += 48 * 3600 - 5 * 60  # nobody resolved the cases: 5 minutes left
    await bot.runtime.run_due_jobs()
    notes = await bot.replies_to(STAFF["id"], 4)
    assert sum("resolution is due in" in n["text"] for n in notes) == 2
    clock.offset += 6 * 60
    await bot.runtime.run_due_jobs()
    notes = await bot.replies_to(STAFF["id"], 6)
    breaches = [n for n in notes if "resolution SLA is breached" in n["text"]]
    assert len(breaches) == 2
    assert {b["reply_to_message"]["message_id"] for b in breaches} == {
        c["message_id"] for c in cards
    }


async def test_twenty_complaints_in_ten_minutes_raise_one_spike_alert(
    desk: tuple[Bot, SimulatedClock],
) -> None:
    bot, _ = desk
    server = bot.server
    post = server.push_update(server.updates.automatic_forward(GROUP, CHANNEL, "Nouveautés"))
    for i in range(22):
        server.push_update(server.updates.comment(post[0], user(4500 + i, "Client"), complaint(i)))
    await bot.replies_to(STAFF["id"], 22, timeout=60)
    await bot.runtime.run_due_jobs()  # the next tick posts the alert
    sent = await bot.replies_to(STAFF["id"], 23, timeout=60)
    alerts = [m for m in sent if "Spike" in m["text"]]
    assert len(alerts) == 1 and "Crème Éclat" in alerts[0]["text"]
    assert len(sent) == 23  # 22 case cards and one alert


async def test_reclassified_message_changes_the_next_verdict_without_restart(
    desk: tuple[Bot, SimulatedClock],
) -> None:
    bot, _ = desk
    server, store = bot.server, bot.runtime.store
    post = server.push_update(server.updates.automatic_forward(GROUP, CHANNEL, "Nouveautés"))
    text = "Le flacon est arrivé cassé, inadmissible"
    server.push_update(server.updates.comment(post[0], user(4600, "Client"), text))
    [card] = await bot.replies_to(STAFF["id"], 1)
    server.push_update(server.updates.callback_query(AGENT, card, data(card, "Reclassify")))
    [_, choices] = await bot.replies_to(STAFF["id"], 2)
    assert "praise" in [b["text"] for b in keyboard(choices)]
    server.push_update(server.updates.callback_query(AGENT, choices, data(choices, "praise")))
    await server.wait_until(lambda: bool(server.calls_to("answerCallbackQuery")[1:]), 20)
    await bot.runtime.drain(20)
    again = server.push_update(
        server.updates.comment(
            post[0], user(4601, "Autre"), "LE FLACON est arrive casse, Inadmissible"
        )
    )
    replies = await bot.replies_to(GROUP["id"], 2)
    message_id = again[0]["message"]["message_id"]
    assert await store.last_category("telegram", str(GROUP["id"]), str(message_id)) == "praise"
    assert len(await store.cases()) == 1  # praise opens no case
    assert keyboard(replies[0]) and not keyboard(replies[1])  # no invitation to private
