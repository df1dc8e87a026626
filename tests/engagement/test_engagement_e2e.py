"""The issue's engagement scenarios on aiogram AND on PTB, over HTTP against the fake Bot API:
a scheduled poll with 50 votes stopped at its deadline after a restart; a 3-question quiz with
20 players; a contest with 200 entries whose draw `cmbot contest verify` recomputes.

The runtime's clock is the system's, shifted on demand (so "in one hour" takes no time);
scheduled jobs are run with ``run_due_jobs`` right after each shift."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from bot.classify.classifier import Classifier
from bot.cli.main import cli
from bot.engagement.draw import commitment
from bot.telegram.clock import SystemClock
from tests.e2e.conftest import FAST_OUTBOX, STAFF, Bot, framework, running_bot  # noqa: F401
from tests.fakes.bot_api import FakeBotApi
from tests.fakes.updates import JSON, group_chat, user

GROUP = group_chat(-1001001, "Maison community")
AGENT = user(4300, "Agent", language_code="en")


class ShiftedClock(SystemClock):
    def __init__(self) -> None:
        self.offset = 0.0

    def time(self) -> float:
        return time.time() + self.offset


async def staff_says(bot: Bot, text: str) -> None:
    server = bot.server
    before = len(server.sent_to(STAFF["id"]))
    server.push_update(server.updates.group_message(STAFF, AGENT, text))
    await server.wait_until(lambda: len(server.sent_to(STAFF["id"])) > before, 20)
    await bot.runtime.drain(20)


def buttons(message: JSON) -> dict[str, str]:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return {b["text"]: b.get("callback_data", "") for row in rows for b in row}


async def press(bot: Bot, sender: JSON, message: JSON, label: str) -> None:
    data = next(v for k, v in buttons(message).items() if k.endswith(label))
    bot.server.push_update(bot.server.updates.callback_query(sender, message, data))


async def jobs(bot: Bot, clock: ShiftedClock, seconds: float) -> None:
    clock.offset += seconds
    await bot.runtime.run_due_jobs()
    await bot.runtime.drain(30)


async def launch(bot: Bot, command: str) -> None:
    await staff_says(bot, command)
    preview = bot.server.sent_to(STAFF["id"])[-1]
    before = len(bot.server.sent_to(STAFF["id"]))
    await press(bot, AGENT, preview, "Launch")
    await bot.server.wait_until(lambda: len(bot.server.sent_to(STAFF["id"])) > before, 20)
    await bot.runtime.drain(20)


def polls(server: FakeBotApi) -> list[JSON]:
    return [m for m in server.sent_to(GROUP["id"]) if "poll" in m]


def texts(server: FakeBotApi) -> list[str]:
    return [str(m.get("text", "")) for m in server.sent_to(GROUP["id"])]


async def push_all(bot: Bot, updates: list[JSON]) -> None:
    server = bot.server
    server.push_update(*updates)
    await server.wait_until(lambda: not server.queue.pending, 30)
    await bot.runtime.drain(30)


async def test_scheduled_poll_votes_restart_deadline_results(
    framework: str, tmp_path: Path, classifier: Classifier
) -> None:
    clock = ShiftedClock()
    async with FakeBotApi() as server:
        server.state.chats[GROUP["id"]] = GROUP
        async with running_bot(
            server, framework, tmp_path, classifier, clock=clock, **FAST_OUTBOX
        ) as bot:
            await launch(
                bot,
                "/poll Best scent? | Rose | Amber | Vetiver --in 1h --for 2d --chart"
                f" --chat {GROUP['id']}",
            )
            await jobs(bot, clock, 60)
            assert polls(server) == []  # not yet
            await jobs(bot, clock, 3600)
            (message,) = polls(server)
            poll = message["poll"]
            assert poll["is_anonymous"] is False
            assert any("not anonymous" in t for t in texts(server))
            voters = [user(5000 + i, f"Voter{i}") for i in range(50)]
            await push_all(
                bot,
                [server.updates.poll_answer(poll["id"], v, [i % 3]) for i, v in enumerate(voters)],
            )
        async with running_bot(
            server, framework, tmp_path, classifier, clock=clock, **FAST_OUTBOX
        ) as bot:
            await jobs(bot, clock, 2 * 86400)
            assert server.state.polls[poll["id"]]["is_closed"] is True
            (results,) = [t for t in texts(server) if t.startswith("📊 Results")]
            assert "50 voters" in results
            assert (
                "Rose: 17 (34%)" in results and "Amber: 17" in results and "Vetiver: 16" in results
            )
            (chart,) = [m for m in server.sent_to(GROUP["id"]) if "photo" in m]
            assert chart["caption"] == "Best scent?"  # the PNG was uploaded (multipart)


QUIZ = """kind: quiz
id: trivia
title: Brand trivia
chat: {chat}
seconds_per_question: 10
pause_seconds: 2
questions:
  - question: Where are our serums made?
    options: [Grasse, Lyon, Lille]
    correct: 0
  - question: What does Éclat mean?
    options: [Shine, Cloud]
    correct: 0
  - question: Which water?
    options: [Sea, Rose, Spring]
    correct: 1
"""


async def test_quiz_with_twenty_players_ranks_by_score_then_time(
    framework: str, tmp_path: Path, classifier: Classifier
) -> None:
    clock = ShiftedClock()
    playbooks = tmp_path / "pb"
    (playbooks / "engagement").mkdir(parents=True)
    (playbooks / "engagement" / "trivia.yaml").write_text(
        QUIZ.format(chat=GROUP["id"]), encoding="utf-8"
    )
    players = [user(6000 + i, f"P{i}") for i in range(20)]
    async with FakeBotApi() as server:
        server.state.chats[GROUP["id"]] = GROUP
        async with running_bot(
            server, framework, tmp_path, classifier, clock=clock, **FAST_OUTBOX
        ) as bot:
            bot.runtime.config.playbooks = playbooks
            await launch(bot, "/quiz trivia")
            await jobs(bot, clock, 0)
            for question, right in enumerate([0, 0, 1]):
                poll = polls(server)[question]["poll"]
                assert poll["type"] == "quiz" and poll["correct_option_ids"] == [right]
                # in order P0..P19; wrong when i % 4 == question; P18, P19 join late
                for i, player in enumerate(players):
                    if i >= 18 and question == 0:
                        continue
                    choice = right if i % 4 != question else (right + 1) % len(poll["options"])
                    clock.offset += 0.5  # half a second between answers, whatever the load
                    await push_all(bot, [server.updates.poll_answer(poll["id"], player, [choice])])
                await jobs(bot, clock, 12)  # the next question, or the end
            (board,) = [t for t in texts(server) if t.startswith("🏆 Leaderboard")]
    lines = board.splitlines()[3:]
    # P3, P7, P11, P15 are right three times; the others twice (P18, P19 joined late); each
    # question is answered in the order P0..P19, so the time sums order the ties
    names = [line.split(" ", 1)[1].split(":")[0] for line in lines]
    assert names == ["P3", "P7", "P11", "P15", "P0", "P1", "P2", "P4", "P5", "P6"]
    assert "3/3" in lines[0] and "2/3" in lines[4]
    assert "20 players, 3 questions" in board


async def test_contest_200_entries_three_eligible_winners_verified(
    framework: str, tmp_path: Path, classifier: Classifier
) -> None:
    clock = ShiftedClock()
    people = [user(8000 + i, f"Fan{i}") for i in range(190)]
    non_members = {p["id"] for p in people[:10]}
    leavers = {p["id"] for p in people[10:20]}
    staff = {p["id"] for p in people[20:23]}
    async with FakeBotApi() as server:
        server.state.chats[GROUP["id"]] = GROUP
        for p in people:
            status = "member" if p["id"] in staff else "left"
            server.state.members[(STAFF["id"], p["id"])] = {"status": status, "user": p}
            if p["id"] in non_members:
                server.state.members[(GROUP["id"], p["id"])] = {"status": "left", "user": p}
        async with running_bot(
            server, framework, tmp_path, classifier, clock=clock, **FAST_OUTBOX
        ) as bot:
            await launch(bot, f"/contest Winter giveaway --winners 3 --for 1d --chat {GROUP['id']}")
            await jobs(bot, clock, 0)
            (announce,) = [
                m for m in server.sent_to(GROUP["id"]) if "Winter giveaway" in m.get("text", "")
            ]
            published = re.search(r"commitment SHA-256 ([0-9a-f]{64})", announce["text"])
            assert published
            entrants = people + people[:10]  # 190 people and 10 duplicates: 200 entries
            await push_all(
                bot,
                [
                    server.updates.callback_query(p, announce, buttons(announce)["🎉 Join"])
                    for p in entrants
                ],
            )
            for uid in leavers:
                server.state.members[(GROUP["id"], uid)] = {
                    "status": "left",
                    "user": user(uid, "x"),
                }
            await jobs(bot, clock, 86400)
            await jobs(bot, clock, 60)
            result = next(t for t in texts(server) if t.startswith("🏆 Winners"))
            entry_list = texts(server)[texts(server).index(result) + 1]
    seed = re.search(r"Seed: ([0-9a-f]{64})", result)
    assert seed and commitment(seed.group(1)) == published.group(1)
    winners = re.findall(r"• entry #(\d+)", result)
    assert len(winners) == 3
    assert len(entry_list.split(",")) == 190 - len(non_members | leavers | staff)
    (tmp_path / "entries.txt").write_text(entry_list, encoding="utf-8")
    args: list[Any] = ["contest", "verify", "--commitment", published.group(1)]
    args += ["--seed", seed.group(1), "--entries", str(tmp_path / "entries.txt")]
    args += ["--winners", ",".join(winners)]
    verified = CliRunner().invoke(cli, args)
    assert verified.exit_code == 0 and "OK" in verified.output
