"""Short-term memory for the spam families that need history: duplicates and flood.

Keeps, per normalised text, who sent it recently, and per sender, when they wrote; both
within a sliding window, with an injectable clock and bounded size so memory stays flat.
"""

from __future__ import annotations

import time
from collections import OrderedDict, deque
from collections.abc import Callable

from bot.domain import InboundMessage
from bot.text.normalise import Normalised

MIN_DUPLICATE_CHARS = 20


class SpamMemory:
    def __init__(
        self,
        window_seconds: float = 3600.0,
        flood_seconds: float = 60.0,
        max_keys: int = 50_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.window = window_seconds
        self.flood_window = flood_seconds
        self.max_keys = max_keys
        self.clock = clock
        self._texts: OrderedDict[str, dict[str, float]] = OrderedDict()
        self._senders: OrderedDict[str, deque[float]] = OrderedDict()

    @staticmethod
    def _sender(message: InboundMessage) -> str | None:
        if message.user_id is None:
            return None
        return f"{message.platform}:{message.user_id}@{message.chat_id}"

    def _trim(self, table: OrderedDict[str, object]) -> None:
        while len(table) > self.max_keys:
            table.popitem(last=False)

    def same_text_senders(self, message: InboundMessage, norm: Normalised) -> int:
        """How many distinct sender/chat pairs sent this text within the window (incl. this)."""
        sender = self._sender(message)
        key = norm.folded
        if sender is None or len(key) < MIN_DUPLICATE_CHARS:
            return 0
        now = self.clock()
        seen = self._texts.pop(key, {})
        seen = {s: t for s, t in seen.items() if now - t <= self.window}
        seen[sender] = now
        self._texts[key] = seen
        self._trim(self._texts)  # type: ignore[arg-type]
        return len(seen)

    def recent_count(self, message: InboundMessage) -> int:
        """Messages from this sender in this chat within the flood window (incl. this)."""
        sender = self._sender(message)
        if sender is None:
            return 0
        now = self.clock()
        times = self._senders.pop(sender, deque())
        while times and now - times[0] > self.flood_window:
            times.popleft()
        times.append(now)
        self._senders[sender] = times
        self._trim(self._senders)  # type: ignore[arg-type]
        return len(times)
