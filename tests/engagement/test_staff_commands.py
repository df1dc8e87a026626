"""Staff commands, pause/resume, stop, results, errors; winners told in private or by deep link;
entry by poll answer. RecordingApi and a fake clock, on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from pathlib import Path

from bot.telegram.runtime import TelegramRuntime
from tests.engagement.conftest import EngagementApi, button_data, poll_answer, staff_command
from tests.telegram import fakes as f
from tests.telegram.conftest import Factory
from tests.telegram.fakes import FakeClock


async def say(runtime: TelegramRuntime, api: EngagementApi, text: str, uid: int = 42) -> str:
    await runtime.feed(staff_command(text, uid))
    await runtime.drain(10)
    return str(api.sent()[-1].params.get("text"))


async def confirm(runtime: TelegramRuntime, api: EngagementApi) -> None:
    await runtime.feed(f.callback(button_data(api, "Launch")))
    await runtime.drain(10)
    await runtime.run_due_jobs()
    await runtime.drain(10)


async def test_bad_input_gets_clear_answers_and_non_staff_are_refused(
    runtime: TelegramRuntime, eapi: EngagementApi
) -> None:
    assert "write /poll Question?" in await say(runtime, eapi, "/poll Just a question")
    assert "unknown flag --colour" in await say(runtime, eapi, "/poll Q? | A | B --colour red")
    assert "--chat" in await say(runtime, eapi, "/poll Q? | A | B")
    many = " | ".join(f"o{i}" for i in range(13))
    assert "at most 12" in await say(runtime, eapi, f"/poll Q? | {many} --chat 1")
    assert "not a duration" in await say(runtime, eapi, "/contest Win --for soon --chat 1")
    assert "no definition 'nope'" in await say(runtime, eapi, "/launch nope")
    assert "no poll, quiz or contest #99" in await say(runtime, eapi, "/eng_stop 99")
    assert "for staff only" in await say(runtime, eapi, "/poll Q? | A | B --chat 1", uid=77)
    assert "No polls, quizzes or contests yet" in await say(runtime, eapi, "/engagements")


async def test_pause_shifts_the_deadline_and_stop_closes_with_results(
    runtime: TelegramRuntime, eapi: EngagementApi, clock: FakeClock
) -> None:
    await say(runtime, eapi, f"/poll Q? | A | B --for 1h --chat {f.GROUP}")
    await confirm(runtime, eapi)
    assert len(eapi.polls()) == 1
    assert "#1 poll open" in await say(runtime, eapi, "/engagements")
    assert "1 scheduled step(s) on hold" in await say(runtime, eapi, "/eng_pause 1")
    clock.now += 7200  # the deadline passes while paused: nothing happens
    await runtime.run_due_jobs()
    await runtime.drain(10)
    assert eapi.sent("stopPoll") == []
    assert "shifted by the pause" in await say(runtime, eapi, "/eng_resume 1")
    clock.now += 3000
    await runtime.run_due_jobs()
    assert eapi.sent("stopPoll") == []  # 50 minutes into the hour
    await runtime.feed(poll_answer(eapi.poll_ids()[0], 7, [1]))
    await runtime.drain(10)
    assert "B: 1 (100%)" in await say(runtime, eapi, "/eng_results 1")
    assert "closing now" in await say(runtime, eapi, "/eng_stop 1")
    await runtime.run_due_jobs()
    await runtime.drain(10)
    assert len(eapi.sent("stopPoll")) == 1
    assert "already closed" in await say(runtime, eapi, "/eng_stop 1")


async def test_winners_told_in_private_or_by_deep_link_and_poll_entries(
    make_runtime: Factory, eapi: EngagementApi, clock: FakeClock, tmp_path: Path
) -> None:
    (tmp_path / "engagement").mkdir()
    (tmp_path / "engagement" / "vote.yaml").write_text(
        f"kind: contest\nid: vote\ntitle: Vote and win\nchat: {f.GROUP}\nwinners: 2\n"
        "duration: 1d\nentry:\n  action: poll\n  question: Your favourite?\n"
        "  options: [Rose, Amber]\n",
        encoding="utf-8",
    )
    runtime = await make_runtime(bot_api=eapi, playbooks=str(tmp_path))
    assert "Answer the poll below" in await say(runtime, eapi, "/launch vote")
    await confirm(runtime, eapi)
    (poll_id,) = eapi.poll_ids()
    await runtime.feed(f.private_message("Hello there, I love your serums", uid=301))
    await runtime.drain(10)
    for uid in (301, 302):
        await runtime.feed(poll_answer(poll_id, uid, [0]))
    await runtime.feed(poll_answer(poll_id, 303, []))  # a retraction is no entry
    await runtime.drain(10)
    clock.now += 86400
    await runtime.run_due_jobs()
    await runtime.drain(10)
    clock.now += 30
    await runtime.run_due_jobs()
    await runtime.drain(10)
    private = [c.params for c in eapi.sent() if c.params["chat_id"] == 301]
    assert any("Congratulations" in p["text"] for p in private)
    result = next(c.params["text"] for c in eapi.sent() if "Winners of" in c.params["text"])
    link = re.search(r"https://t.me/\w+\?start=(win\d+)", result)
    assert link and "entry #" in result
    await runtime.feed(f.private_message(f"/start {link.group(1)}", uid=302))
    await runtime.drain(10)
    told = [c.params["text"] for c in eapi.sent() if c.params["chat_id"] == 302]
    assert any("Congratulations" in t for t in told)
    await runtime.feed(f.private_message(f"/start {link.group(1)}", uid=999))
    await runtime.drain(10)
    assert any("did not win" in c.params["text"] for c in eapi.sent() if c.params["chat_id"] == 999)


async def test_guided_poll_flow_survives_mistakes_and_ends_in_a_preview(
    make_runtime: Factory, eapi: EngagementApi, clock: FakeClock
) -> None:
    runtime = await make_runtime(bot_api=eapi)
    assert "1/4" in await say(runtime, eapi, "/poll")
    assert "2/4" in await say(runtime, eapi, "Which scent should we bring back?")
    assert "2 to 12" in await say(runtime, eapi, "Rose")  # one option: asked again
    assert "3/4" in await say(runtime, eapi, "Rose\nAmber\n- Vetiver")
    assert "engagement.default_chat" in await say(runtime, eapi, "default")
    await runtime.stop(timeout=0)
    runtime = await make_runtime(bot_api=eapi)  # the flow survives a restart
    assert "4/4" in await say(runtime, eapi, str(f.GROUP))
    preview = await say(runtime, eapi, "--in 1h --for 2d --multiple")
    assert (
        "Preview of poll #1" in preview and "Vetiver" in preview and "multiple answers" in preview
    )
    await confirm(runtime, eapi)
    assert eapi.polls() == []
    clock.now += 3600
    await runtime.run_due_jobs()
    await runtime.drain(10)
    (poll,) = eapi.polls()
    assert poll["allows_multiple_answers"] is True and len(poll["options"]) == 3
    assert "Which scent" in poll["question"]
    # a finished flow leaves later staff messages alone; "cancel" ends one
    before = len(eapi.sent())
    await say(runtime, eapi, "thanks all")
    assert len(eapi.sent()) == before  # no reply from a finished flow
    assert "1/4" in await say(runtime, eapi, "/poll")
    assert "Poll cancelled." in await say(runtime, eapi, "cancel")
