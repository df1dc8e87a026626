"""SIGKILL in the middle of a burst, then a restart on the same SQLite database: no update is
lost and no reply is sent twice. The bot runs as a real process (``python -m bot.cli.main
--config ... run``) on each framework against the fake server, over HTTP.

The kill is timed to hit the worst moment: a reply is in flight, received by the fake Telegram
(which holds its answer for a second) but not yet answered to the bot. Telegram delivers that
message; the killed bot never learns it. On restart that call is found ``sending``: with
``outbox.resend_interrupted: false`` (the default) it is marked failed and not sent again, so
the customer has exactly one reply. (A call killed *before* its request left the process
would be lost the same way, and logged as interrupted; ``resend_interrupted: true`` trades
that for a possible duplicate. Telegram offers no way to ask which one happened.)

Limits are enforced by the fake with every window scaled by 0.01 on both sides (see
``test_burst``), so the burst lasts seconds, not minutes.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import sys
from pathlib import Path

import yaml

from tests.conftest import PLAYBOOKS
from tests.e2e.conftest import STAFF
from tests.e2e.test_scenarios import GROUP, QUESTION_EN
from tests.fakes.bot_api import FakeBotApi
from tests.fakes.updates import user

ROOT = Path(__file__).resolve().parents[2]
BURST = 200
WINDOW_SCALE = 0.01


async def start_bot(config: Path, token: str, log: Path) -> asyncio.subprocess.Process:
    env = {**os.environ, "CMBOT_TELEGRAM__TOKEN": token, "PYTHONPATH": str(ROOT)}
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli.main", "--config", str(config), "run",
        cwd=ROOT, env=env, stdout=log.open("ab"), stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip


def write_config(tmp_path: Path, server: FakeBotApi, framework: str) -> Path:
    config = {
        "playbooks": str(PLAYBOOKS),
        "database": {"url": f"sqlite:///{tmp_path / 'cmbot.db'}"},
        "telegram": {"framework": framework, "api_url": server.url, "staff_chat_id": STAFF["id"]},
        "outbox": {"window_scale": WINDOW_SCALE, "request_timeout_seconds": 5.0},
        "logging": {"level": "INFO"},
    }
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(config))
    return path


async def test_sigkill_mid_burst_then_restart_loses_nothing_and_duplicates_nothing(
    framework: str, tmp_path: Path
) -> None:
    log = tmp_path / "bot.log"
    async with FakeBotApi() as server:
        server.state.chats[STAFF["id"]] = STAFF
        limits = server.enforce_limits(window_scale=WINDOW_SCALE)
        askers = [user(30_000 + i, f"Asker{i}", language_code="en") for i in range(BURST)]
        pushed = server.push_update(
            *[server.updates.group_message(GROUP, asker, QUESTION_EN) for asker in askers]
        )
        config = write_config(tmp_path, server, framework)
        first = await start_bot(config, server.token, log)
        try:
            await server.wait_until(lambda: len(server.sent_to(GROUP["id"])) >= 40, 90)
            held = server.fail("sendMessage", kind="delay", delay=1.0, times=1)
            await server.wait_until(lambda: held.hits == 1, 10)
            first.send_signal(signal.SIGKILL)  # the held reply is in flight
            assert await first.wait() == -signal.SIGKILL
        finally:
            if first.returncode is None:
                first.kill()
        killed_at = len(server.sent_to(GROUP["id"]))
        await asyncio.sleep(1.5)  # the fake finishes the held call: Telegram got it
        assert len(server.sent_to(GROUP["id"])) == killed_at + 1
        assert killed_at < BURST - 50, "killed in the middle of the burst"

        second = await start_bot(config, server.token, log)
        try:
            await server.wait_until(lambda: len(server.sent_to(GROUP["id"])) >= BURST, 90)
            await asyncio.sleep(1.0)  # anything extra (a duplicate) would arrive now
            second.send_signal(signal.SIGTERM)
            assert await asyncio.wait_for(second.wait(), 30) == 0, log.read_text()[-3000:]
        finally:
            if second.returncode is None:
                second.kill()

    answered = [r["reply_to_message"]["message_id"] for r in server.sent_to(GROUP["id"])]
    expected = [u["message"]["message_id"] for u in pushed]
    assert answered == expected, "every question answered exactly once, in order"
    assert len(answered) == len(set(answered)) == BURST
    assert limits.violations == []
    with sqlite3.connect(tmp_path / "cmbot.db") as db:
        updates = dict(db.execute("SELECT status, COUNT(*) FROM raw_updates GROUP BY status"))
        outbound = db.execute("SELECT status, error FROM outbound_messages").fetchall()
    assert updates == {"done": BURST}, updates  # every update stored and handled, once
    interrupted = [row for row in outbound if row[0] == "failed"]
    assert len(interrupted) == 1 and "interrupted" in interrupted[0][1]  # the held one
    assert sum(1 for row in outbound if row[0] == "sent") == BURST - 1
