"""A 3-question quiz with 20 players in the runtime: scores, speed, late joiners, ties by time."""

from __future__ import annotations

from pathlib import Path

from tests.engagement.conftest import EngagementApi, button_data, poll_answer, staff_command
from tests.telegram import fakes as f
from tests.telegram.conftest import Factory
from tests.telegram.fakes import FakeClock

QUIZ = f"""kind: quiz
id: trivia
title: Brand trivia
chat: {f.GROUP}
seconds_per_question: 20
pause_seconds: 5
questions:
  - question: Where are our serums made?
    options: [Grasse, Lyon, Lille]
    correct: Grasse
    explanation: In our Grasse workshop.
  - question: What does Éclat mean?
    options: [Shine, Cloud]
    correct: 0
  - question: Which water?
    options: [Sea, Rose, Spring]
    correct: 1
"""
CORRECT = [0, 0, 1]


def answer_plan(player: int, question: int) -> tuple[bool, float] | None:
    """Whether ``player`` answers ``question`` right, and after how many seconds (None: they
    did not play it; players 17-20 join late, at question 2)."""
    if player > 16 and question == 0:
        return None
    right = (player + question) % 3 != 0
    return right, 1.0 + (player * 7 % 10) + question * 0.5


def expected_order() -> list[int]:
    rows = []
    for p in range(1, 21):
        plans = [answer_plan(p, q) for q in range(3)]
        score = sum(1 for x in plans if x and x[0])
        seconds = sum(x[1] for x in plans if x and x[0])
        rows.append((-score, round(seconds, 3), str(p), p))
    return [r[3] for r in sorted(rows)]


async def test_three_question_quiz_twenty_players(
    make_runtime: Factory, eapi: EngagementApi, clock: FakeClock, tmp_path: Path
) -> None:
    (tmp_path / "engagement").mkdir()
    (tmp_path / "engagement" / "trivia.yaml").write_text(QUIZ, encoding="utf-8")
    runtime = await make_runtime(bot_api=eapi, playbooks=str(tmp_path))
    await runtime.feed(staff_command("/quiz trivia"))
    await runtime.drain(10)
    preview = eapi.sent()[-1].params["text"]
    assert "3 questions" in preview and "Where are our serums made? → Grasse" in preview
    await runtime.feed(f.callback(button_data(eapi, "Launch")))
    await runtime.drain(10)
    for question in range(3):
        opened = clock.now
        await runtime.run_due_jobs()
        await runtime.drain(10)
        assert len(eapi.polls()) == question + 1
        poll = eapi.polls()[-1]
        assert poll["type"] == "quiz" and poll["correct_option_ids"] == [CORRECT[question]]
        assert poll["open_period"] == 20 and poll["is_anonymous"] is False
        poll_id = eapi.poll_ids()[-1]
        plans = [(answer_plan(p, question), p) for p in range(1, 21)]
        for plan, player in sorted((x for x in plans if x[0]), key=lambda x: x[0][1]):
            clock.now = opened + plan[1]
            right = CORRECT[question]
            chosen = right if plan[0] else (right + 1) % len(poll["options"])
            await runtime.feed(poll_answer(poll_id, player, [chosen]))
            await runtime.drain(10)
        clock.now = opened + 25
    await runtime.feed(staff_command("/leaderboard"))
    await runtime.drain(10)
    await runtime.run_due_jobs()  # the end of the quiz
    await runtime.drain(10)
    boards = [c.params for c in eapi.sent() if "Leaderboard" in c.params["text"]]
    # on demand (in the staff chat), then at the end (in the quiz's group)
    assert [b["chat_id"] for b in boards] == [f.STAFF_CHAT, f.GROUP]
    final = boards[-1]["text"]
    assert "20 players, 3 questions" in final
    lines = final.splitlines()[3:]
    order = expected_order()
    for rank, line in enumerate(lines):
        assert f"@u{order[rank]}:" in line, (rank, line, order)
    assert lines[0].startswith("🥇") and "2/3" in lines[0]
    assert len(lines) == 10
