"""Sliding windows: never more than the limit in any window, slots dated at the call's end."""

from __future__ import annotations

import math

from bot.config import OutboxConfig
from bot.telegram.ratelimit import RateLimiter, Window, rate_window


def test_window_allows_limit_then_waits_for_the_oldest_to_expire() -> None:
    w = Window(2, 1.0)
    for t in (0.0, 0.1):
        assert w.next_free(t) == t
        w.start()
        w.end(t)
    assert w.next_free(0.2) == 1.0
    assert w.next_free(1.0) == 1.0


def test_calls_in_flight_hold_their_slot_until_they_end() -> None:
    w = Window(1, 1.0)
    w.start()
    assert math.isinf(w.next_free(5.0))  # wait for the call to end
    w.end(5.5)  # dated at its end, after Telegram saw it
    assert w.next_free(5.6) == 6.5


def test_rates_become_windows() -> None:
    assert (rate_window(1.0, 0).limit, rate_window(1.0, 0).span) == (1, 1.0)
    assert (rate_window(0.5, 0).limit, rate_window(0.5, 0).span) == (1, 2.0)
    assert (rate_window(30, 0).limit, rate_window(30, 0).span) == (30, 1.0)
    assert rate_window(1.0, 0.02).span == 1.02


def test_limits_apply_to_sends_per_chat_group_and_globally() -> None:
    limiter = RateLimiter(OutboxConfig(safety_margin=0))
    slot = limiter.start("-100", True)
    limiter.end(slot, 0.0)
    assert limiter.ready_at("-100", True, 0.0) == 1.0  # per chat
    assert limiter.ready_at("-100", False, 0.0) == 0.0  # deletions are not messages
    assert limiter.ready_at("-200", True, 0.0) == 0.0


def test_group_limit_is_20_per_minute() -> None:
    limiter = RateLimiter(OutboxConfig(safety_margin=0))
    now = 0.0
    for _ in range(20):
        now = limiter.ready_at("-100", True, now)
        limiter.end(limiter.start("-100", True), now)
    assert now == 19.0
    assert limiter.ready_at("-100", True, now) == 60.0


def test_pauses_after_429() -> None:
    limiter = RateLimiter(OutboxConfig())
    limiter.pause("-100", 7, now=10.0)
    assert limiter.ready_at("-100", True, 10.0) == 17.0
    assert limiter.ready_at("-200", True, 10.0) == 10.0
    limiter.pause(None, 3, now=10.0)  # no chat: everything waits
    assert limiter.ready_at("-200", True, 10.0) == 13.0
    limiter.forget_idle(20.0)
    assert limiter.ready_at("-100", True, 20.0) == 20.0
