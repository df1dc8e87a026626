"""Polls in the runtime (RecordingApi, fake clock) on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from click.testing import CliRunner

from bot.cli.main import cli
from bot.telegram.effects import file_from_param
from bot.telegram.runtime import TelegramRuntime
from tests.engagement.conftest import EngagementApi, button_data, poll_answer, staff_command
from tests.telegram import fakes as f
from tests.telegram.conftest import Factory
from tests.telegram.fakes import FakeClock


async def launch(runtime: TelegramRuntime, api: EngagementApi, text: str) -> None:
    await runtime.feed(staff_command(text))
    await runtime.drain(10)
    await runtime.feed(f.callback(button_data(api, "Launch")))
    await runtime.drain(10)


async def test_poll_scheduled_voted_stopped_after_restart_and_results_posted(
    make_runtime: Factory, eapi: EngagementApi, clock: FakeClock, tmp_path: Path
) -> None:
    runtime = await make_runtime(bot_api=eapi)
    await launch(
        runtime,
        eapi,
        f"/poll Best scent? | Rose | Amber | Vetiver --in 1h --for 2d --chart --chat {f.GROUP}",
    )
    await runtime.run_due_jobs()
    await runtime.drain(10)
    assert eapi.polls() == []  # scheduled for later
    clock.now += 3600
    await runtime.run_due_jobs()
    await runtime.drain(10)
    (poll,) = eapi.polls()
    assert poll["is_anonymous"] is False and [o["text"] for o in poll["options"]] == [
        "Rose",
        "Amber",
        "Vetiver",
    ]
    notice = [c.params["text"] for c in eapi.sent() if c.params["chat_id"] == f.GROUP]
    assert any("not anonymous" in t for t in notice)
    (poll_id,) = eapi.poll_ids()
    for uid in range(1, 51):
        await runtime.feed(poll_answer(poll_id, uid, [uid % 3]))
    await runtime.feed(poll_answer(poll_id, 50, [0]))  # changed vote
    await runtime.feed(poll_answer(poll_id, 49, []))  # retracted
    await runtime.drain(10)
    await runtime.stop(timeout=0)
    runtime = await make_runtime(bot_api=eapi)  # a restart before the deadline
    clock.now += 2 * 86400
    await runtime.run_due_jobs()
    await runtime.drain(10)
    (stop,) = eapi.sent("stopPoll")
    assert stop.params["chat_id"] == f.GROUP
    results = [
        c.params["text"]
        for c in eapi.sent()
        if c.params["chat_id"] == f.GROUP and "Results" in c.params["text"]
    ]
    assert len(results) == 1
    (photo,) = eapi.sent("sendPhoto")
    assert photo.params["chat_id"] == f.GROUP and photo.params["caption"] == "Best scent?"
    found = file_from_param(photo.params["photo"])
    assert found is not None and found[0].startswith(b"\x89PNG")
    # 1..50: uid%3 -> 0:16 (3..48), 1:17, 2:17; then 50 moved 2->0, 49 (1) retracted
    assert "49 voters" in results[0]
    assert (
        "Rose: 17 (35%)" in results[0] and "Amber: 16" in results[0] and "Vetiver: 16" in results[0]
    )
    clock.now += 86400
    await runtime.run_due_jobs()
    await runtime.drain(10)
    assert len(eapi.sent("stopPoll")) == 1
    # every vote is exportable, per user
    config = tmp_path / "config.yaml"
    url = runtime.store.db.url.render_as_string(hide_password=False)
    config.write_text(f"database:\n  url: {json.dumps(url)}\n", encoding="utf-8")
    args = ["--config", str(config), "engagement", "export", "1"]
    exported = await asyncio.to_thread(CliRunner().invoke, cli, args)
    assert exported.exit_code == 0, exported.output
    data = json.loads(exported.output)
    assert data["kind"] == "poll" and data["status"] == "closed"
    votes = {a["user_id"]: a["options"] for a in data["answers"]}
    assert len(votes) == 50 and votes["50"] == [0] and votes["49"] == [] and votes["1"] == [1]
