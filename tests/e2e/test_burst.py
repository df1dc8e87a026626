"""A burst of 500 questions into one group with Telegram's limits enforced by the fake server,
plus injected 429s: every reply delivered, in order, and no limit ever exceeded.

Telegram's limits are kept as counts (1 message/s per chat, 20/min per group, 30/s overall)
but every window is scaled by ``WINDOW_SCALE`` on both sides: the bot's outbox
(``outbox.window_scale``) and the fake server (``enforce_limits(window_scale=...)``), which
answers 429 to any send over the scaled limits. At real speed 500 replies in one group take
25 minutes (20/min); scaled by 0.01 the group allows 20 per 0.6 s, so about 15 s. The
outbox's pacing is the same code at either scale; the fake counts every send that would
have broken a limit (``violations``), and the test requires none.
"""

from __future__ import annotations

import time
from pathlib import Path

from bot.classify.classifier import Classifier
from tests.e2e.conftest import running_bot
from tests.e2e.test_scenarios import GROUP, QUESTION_EN
from tests.fakes.bot_api import FakeBotApi
from tests.fakes.updates import user

BURST = 500
WINDOW_SCALE = 0.01
LIMITS = {"per_chat_per_second": 1.0, "per_group_per_minute": 20, "global_per_second": 30.0}


async def test_a_burst_of_500_under_telegrams_limits_delivers_every_reply_in_order(
    framework: str, tmp_path: Path, classifier: Classifier
) -> None:
    async with FakeBotApi() as server:
        limits = server.enforce_limits(**LIMITS, window_scale=WINDOW_SCALE, refuse=True)
        server.fail("sendMessage", kind="retry_after", retry_after=1, times=3)
        askers = [user(20_000 + i, f"Asker{i}", language_code="en") for i in range(BURST)]
        pushed = server.push_update(
            *[server.updates.group_message(GROUP, asker, QUESTION_EN) for asker in askers]
        )
        started = time.monotonic()
        async with running_bot(
            server, framework, tmp_path, classifier, **LIMITS, window_scale=WINDOW_SCALE
        ) as bot:
            replies = await bot.replies_to(GROUP["id"], BURST, timeout=120)
        took = time.monotonic() - started
    assert len(replies) == BURST
    answered = [r["reply_to_message"]["message_id"] for r in replies]
    assert answered == [u["message"]["message_id"] for u in pushed]  # all, once, in order
    assert limits.violations == []
    injected = [c for c in server.calls_to("sendMessage") if c.status == 429]
    assert len(injected) == 3  # only the injected ones: the outbox never hit a limit
    # 20 per 0.6 s in the group: at least 24 windows; far less than a minute in all.
    assert 24 * 0.6 * 0.9 < took < 90, took
