"""The cases scenario of the issue on aiogram and PTB, over HTTP against the fake Bot API:
a French public complaint → acknowledgement with a deep link → a private conversation that
collects the order number → a case card → an agent's edited reply relayed to the customer →
resolution → the CSAT question 24 simulated hours later, answered 5 → the case closed, every
step recorded. A non-staff user pressing a staff button is refused."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from bot.classify.classifier import Classifier
from bot.storage.case_rows import CaseRow
from tests.e2e.conftest import FAST_OUTBOX, STAFF, Bot, running_bot
from tests.fakes.bot_api import FakeBotApi
from tests.fakes.updates import JSON, channel_chat, group_chat, user

MARIE = user(4201, "Marie", language_code="fr")
AGENT = user(4300, "Agent", language_code="fr")
INTRUDER = user(4301, "Intruder", language_code="en")
GROUP = group_chat(-1001001, "Maison community")
CHANNEL = channel_chat(-1001002)
COMPLAINT = (
    "Bonjour, ma commande n'est jamais arrivée et personne ne répond au service client, "
    "c'est inadmissible !"
)
EDITED = "Bonjour Marie, votre colis MS-482913 repart aujourd'hui en express, avec nos excuses."


class SimulatedClock:
    """Real time plus an offset the test moves (SLA timers and follow-ups in seconds)."""

    def __init__(self) -> None:
        self.offset = 0.0

    def monotonic(self) -> float:
        return time.monotonic()

    def time(self) -> float:
        return time.time() + self.offset

    async def sleep(self, seconds: float) -> None:
        import asyncio

        await asyncio.sleep(max(0.0, seconds))


@asynccontextmanager
async def staffed_bot(
    framework: str, tmp_path: Path, classifier: Classifier
) -> AsyncIterator[tuple[Bot, SimulatedClock]]:
    """A bot with one agent, on a clock the test moves, jobs run by the test."""
    clock = SimulatedClock()
    async with (
        FakeBotApi() as server,
        running_bot(
            server,
            framework,
            tmp_path,
            classifier,
            clock=clock,
            telegram={"staff_user_ids": [AGENT["id"]], "tick_seconds": 0},
            **FAST_OUTBOX,
        ) as bot,
    ):
        yield bot, clock


@pytest.fixture
async def staffed(
    framework: str, tmp_path: Path, classifier: Classifier
) -> AsyncIterator[tuple[Bot, SimulatedClock]]:
    async with staffed_bot(framework, tmp_path, classifier) as running:
        yield running


def keyboard(message: JSON) -> list[dict[str, str]]:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard") or []
    return [b for row in rows for b in row]


def data(message: JSON, label: str) -> str:
    return next(b["callback_data"] for b in keyboard(message) if label in b["text"])


async def the_case(bot: Bot) -> CaseRow:
    (case,) = await bot.runtime.store.cases(
        ("new", "waiting_customer", "waiting_staff", "resolved", "closed")
    )
    return case


async def test_french_complaint_to_closed_case_with_csat(
    staffed: tuple[Bot, SimulatedClock],
) -> None:
    bot, clock = staffed
    server = bot.server
    post = server.push_update(server.updates.automatic_forward(GROUP, CHANNEL, "Nouveautés"))
    server.push_update(server.updates.comment(post[0], MARIE, COMPLAINT))
    [ack] = await bot.replies_to(GROUP["id"], 1)
    [card] = await bot.replies_to(STAFF["id"], 1)
    (link,) = keyboard(ack)
    assert link["url"].startswith("https://t.me/") and "?start=c" in link["url"]
    assert "Case #1" in card["text"] and "Complaint" in card["text"]

    # A customer who is not staff cannot press the staff buttons.
    server.push_update(server.updates.callback_query(INTRUDER, card, data(card, "Resolve")))
    await server.wait_until(lambda: bool(server.calls_to("answerCallbackQuery")), 20)
    await bot.runtime.drain(20)
    assert (await the_case(bot)).status == "waiting_customer"

    payload = link["url"].split("?start=")[1]
    server.push_update(server.updates.private_message(MARIE, f"/start {payload}"))
    [ask] = await bot.replies_to(MARIE["id"], 1)
    assert "commande" in ask["text"]
    server.push_update(server.updates.private_message(MARIE, "Ma commande : MS-482913"))
    cards = await bot.replies_to(STAFF["id"], 2)
    update = cards[-1]
    assert "482913" in update["text"] and "Draft" in update["text"]

    server.push_update(server.updates.callback_query(AGENT, update, data(update, "Edit")))
    await bot.replies_to(STAFF["id"], 3)  # the prompt for the agent's version
    reply = server.updates.group_message(STAFF, AGENT, EDITED, reply_to_message=update)
    server.push_update(reply)
    sent = await bot.replies_to(MARIE["id"], 2)
    assert sent[-1]["text"] == EDITED

    server.push_update(server.updates.callback_query(AGENT, update, data(update, "Resolve")))
    await server.wait_until(lambda: _answered(server, "resolved"), 20)
    await bot.runtime.drain(20)
    assert (await the_case(bot)).status == "resolved"

    clock.offset += 24 * 3600 + 60
    await bot.runtime.run_due_jobs()
    sent = await bot.replies_to(MARIE["id"], 3)
    question = sent[-1]
    assert [b["text"] for b in keyboard(question)] == ["1", "2", "3", "4", "5"]
    server.push_update(server.updates.callback_query(MARIE, question, data(question, "5")))
    sent = await bot.replies_to(MARIE["id"], 5)
    assert "Merci" in sent[-2]["text"] and "commentaire public" in sent[-1]["text"]

    case = await the_case(bot)
    assert case.status == "closed" and case.csat == 5
    events = await bot.runtime.store.case_events(case.id)
    kinds = [e.kind for e in events]
    for kind in (
        "opened",
        "acknowledged",
        "moved_to_private",
        "customer_message",
        "remedy_drafted",
        "draft_edited",
        "agent_reply",
        "csat_sent",
        "csat_answered",
    ):
        assert kind in kinds, kinds
    assert _last_move(events) == ("resolved", "closed")
    assert (events[-1].at - events[0].at).total_seconds() >= 24 * 3600


def _answered(server: FakeBotApi, word: str) -> bool:
    return any(
        word in str(c.params.get("text", "")) for c in server.calls_to("answerCallbackQuery")
    )


def _last_move(events: list[Any]) -> tuple[str, str]:
    moves = [(e.payload["from"], e.payload["to"]) for e in events if e.kind == "status"]
    return moves[-1]
