"""Fault injection and Telegram's send limits for the fake Bot API server."""

from __future__ import annotations

import asyncio
import math
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Literal

from tests.fakes.bot_state import ApiError, too_many_requests

FaultKind = Literal["retry_after", "server_error", "forbidden", "bad_request", "delay"]

# Methods that post a message: the ones Telegram's send limits count.
SENDING_METHODS = frozenset(
    {"sendmessage", "sendpoll", "sendphoto", "senddocument", "sendvideo", "sendaudio",
     "sendanimation", "sendvoice", "sendsticker", "sendmediagroup", "copymessage",
     "forwardmessage", "senddice", "sendcontact", "sendlocation"}
)  # fmt: skip


@dataclass
class Fault:
    """The next ``remaining`` calls of ``method`` (every method when None) fail this way.

    ``remaining=None`` means every call until :meth:`FakeBotApi.clear_faults`.
    """

    kind: FaultKind
    method: str | None = None
    remaining: int | None = 1
    retry_after: int = 3
    delay: float = 0.0
    status: int = 500
    hits: int = 0

    def matches(self, method: str) -> bool:
        if self.remaining is not None and self.remaining <= 0:
            return False
        return self.method is None or self.method.lower() == method.lower()

    async def apply(self) -> None:
        """Count one hit, then sleep (``delay``) or raise the error answer."""
        self.hits += 1
        if self.remaining is not None:
            self.remaining -= 1
        if self.kind == "delay":
            await asyncio.sleep(self.delay)
        elif self.kind == "retry_after":
            raise too_many_requests(self.retry_after)
        elif self.kind == "server_error":
            descriptions = {500: "Internal Server Error", 502: "Bad Gateway",
                            503: "Service Unavailable", 504: "Gateway Timeout"}  # fmt: skip
            raise ApiError(self.status, descriptions.get(self.status, "Internal Server Error"))
        elif self.kind == "forbidden":
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        elif self.kind == "bad_request":
            raise ApiError(400, "Bad Request: chat not found")


@dataclass
class Violation:
    limit: str  # "per_chat", "per_group" or "global"
    chat_id: Any
    at: float


@dataclass
class TelegramLimits:
    """Telegram's send limits: per chat, per group per minute, and overall per second.

    With ``refuse=True`` a send over a limit gets a real 429 with ``retry_after``; with
    ``refuse=False`` it goes through and is only counted. ``violations`` lists both.
    ``slack`` forgives timer jitter (a send 0.98 s after the previous one is fine).
    ``window_scale`` shortens every window (0.01: 20 sends per 0.6 s per group) so that tests
    can run bursts quickly against a bot configured with the same ``outbox.window_scale``.
    """

    per_chat_per_second: float = 1.0
    per_group_per_minute: int = 20
    global_per_second: float = 30.0
    refuse: bool = True
    slack: float = 0.05
    window_scale: float = 1.0
    violations: list[Violation] = field(default_factory=list)
    accepted: int = 0
    _chat: dict[Any, deque[float]] = field(default_factory=dict)
    _group: dict[Any, deque[float]] = field(default_factory=dict)
    _global: deque[float] = field(default_factory=deque)

    def check(self, method: str, params: dict[str, Any], now: float) -> None:
        if method.lower() not in SENDING_METHODS:
            return
        chat_id = params.get("chat_id")
        windows = [
            ("per_chat", self._chat.setdefault(chat_id, deque()), 1.0,
             max(1, math.floor(self.per_chat_per_second))),
            ("global", self._global, 1.0, max(1, math.floor(self.global_per_second))),
        ]  # fmt: skip
        if _is_group(chat_id):
            windows.append(
                ("per_group", self._group.setdefault(chat_id, deque()), 60.0,
                 self.per_group_per_minute)
            )  # fmt: skip
        if self.per_chat_per_second < 1:
            windows[0] = ("per_chat", windows[0][1], 1.0 / self.per_chat_per_second, 1)
        for name, times, span, allowed in windows:
            window = span * self.window_scale * (1 - self.slack)
            while times and times[0] <= now - window:
                times.popleft()
            if len(times) >= allowed:
                self.violations.append(Violation(name, chat_id, now))
                if self.refuse:
                    raise too_many_requests(max(1, math.ceil(times[0] + window - now)))
        for _, times, _, _ in windows:
            times.append(now)
        self.accepted += 1


def _is_group(chat_id: Any) -> bool:
    try:
        return int(chat_id) < 0
    except (TypeError, ValueError):
        return isinstance(chat_id, str)  # "@channel" usernames
