"""Telegram's send limits as sliding windows: per chat, per group, global; plus 429 pauses.

A :class:`Window` allows at most ``limit`` calls in any ``span`` seconds. A call holds its
slot from the moment it starts; when it ends the slot is dated at its *end* (which is after
Telegram received it), so network delays can never squeeze two calls closer together than the
limit allows on Telegram's side. ``safety_margin`` widens every span a little more.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterable
from dataclasses import dataclass

from bot.config import OutboxConfig


class Window:
    def __init__(self, limit: int, span: float) -> None:
        self.limit = max(1, limit)
        self.span = span
        self._times: list[float] = []  # ends of finished calls, ascending
        self.in_flight = 0

    def _prune(self, now: float) -> None:
        cut = bisect.bisect_right(self._times, now - self.span)
        if cut:
            del self._times[:cut]

    def next_free(self, now: float) -> float:
        """The earliest time a new call may start (``inf``: wait for a call to end)."""
        self._prune(now)
        excess = len(self._times) + self.in_flight - self.limit
        if excess < 0:
            return now
        if excess >= len(self._times):
            return math.inf
        return self._times[excess] + self.span

    def start(self) -> None:
        self.in_flight += 1

    def end(self, when: float) -> None:
        self.in_flight = max(0, self.in_flight - 1)
        bisect.insort(self._times, when)

    def idle(self, now: float) -> bool:
        self._prune(now)
        return not self._times and not self.in_flight


def rate_window(per_second: float, margin: float, scale: float = 1.0) -> Window:
    """``per_second`` as a window: 1.0 -> 1 call per 1 s, 0.5 -> 1 per 2 s, 30 -> 30 per 1 s
    (``scale``: every span multiplied by it, for tests against a fake with scaled limits)."""
    limit = max(1, math.floor(per_second))
    return Window(limit, limit / per_second * scale * (1 + margin))


@dataclass(frozen=True)
class Slot:
    windows: tuple[Window, ...]


def is_group_chat(chat_id: str | None) -> bool:
    return chat_id is not None and chat_id.startswith("-")


class RateLimiter:
    """Decides when the next call to a chat may start; remembers 429 pauses."""

    def __init__(self, config: OutboxConfig) -> None:
        self.config = config
        self._margin = config.safety_margin
        self._scale = config.window_scale
        self._global = rate_window(config.global_per_second, self._margin, self._scale)
        self._chats: dict[str, Window] = {}
        self._groups: dict[str, Window] = {}
        self._paused: dict[str | None, float] = {}
        self._paused_all = 0.0

    def _windows(self, chat_id: str | None, is_send: bool) -> Iterable[Window]:
        yield self._global
        if not is_send or chat_id is None:
            return
        chat = self._chats.get(chat_id)
        if chat is None:
            chat = self._chats[chat_id] = rate_window(
                self.config.per_chat_per_second, self._margin, self._scale
            )
        yield chat
        if is_group_chat(chat_id):
            group = self._groups.get(chat_id)
            if group is None:
                group = self._groups[chat_id] = Window(
                    self.config.per_group_per_minute, 60.0 * self._scale * (1 + self._margin)
                )
            yield group

    def ready_at(self, chat_id: str | None, is_send: bool, now: float) -> float:
        at = max(now, self._paused_all, self._paused.get(chat_id, 0.0))
        for window in self._windows(chat_id, is_send):
            at = max(at, window.next_free(now))
        return at

    def global_ready_at(self, now: float) -> float:
        return max(now, self._paused_all, self._global.next_free(now))

    def start(self, chat_id: str | None, is_send: bool) -> Slot:
        windows = tuple(self._windows(chat_id, is_send))
        for window in windows:
            window.start()
        return Slot(windows)

    def end(self, slot: Slot, when: float) -> None:
        for window in slot.windows:
            window.end(when)

    def pause(self, chat_id: str | None, seconds: float, now: float) -> None:
        """Telegram answered 429 for ``chat_id``: nothing goes there for ``seconds``."""
        until = now + max(0.0, seconds)
        if chat_id is None:
            self._paused_all = max(self._paused_all, until)
        else:
            self._paused[chat_id] = max(self._paused.get(chat_id, 0.0), until)

    def pause_all(self, seconds: float, now: float) -> None:
        self._paused_all = max(self._paused_all, now + max(0.0, seconds))

    def forget_idle(self, now: float) -> None:
        """Drop the windows and pauses of chats with nothing recent (bounded memory)."""
        for table in (self._chats, self._groups):
            for key in [k for k, w in table.items() if w.idle(now)]:
                del table[key]
        for paused in [k for k, until in self._paused.items() if until <= now]:
            del self._paused[paused]
