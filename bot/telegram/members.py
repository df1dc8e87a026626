"""Who joined a chat recently: the new-member signal for a member's first messages."""

from __future__ import annotations

from collections.abc import Iterable


class MemberTracker:
    """Remembers joins; a member's first ``messages`` messages within ``hours`` are "new".

    Times are Unix seconds. Joins are also stored (``member_joins``) and reloaded at start
    with :meth:`load`; message counts live in memory only.
    """

    def __init__(self, messages: int = 3, hours: float = 24.0) -> None:
        self.messages = messages
        self.window = hours * 3600.0
        self._joined: dict[tuple[str, str], float] = {}
        self._seen: dict[tuple[str, str], int] = {}

    def joined(self, chat_id: str, user_id: str, when: float) -> None:
        key = (str(chat_id), str(user_id))
        self._joined[key] = when
        self._seen.pop(key, None)

    def load(self, joins: Iterable[tuple[str, str, float]]) -> None:
        for chat_id, user_id, when in joins:
            self.joined(chat_id, user_id, when)

    def is_new(self, chat_id: str, user_id: str, when: float) -> bool:
        """True for one of the member's first messages after joining; counts this one."""
        key = (str(chat_id), str(user_id))
        joined = self._joined.get(key)
        if joined is None or self.messages <= 0:
            return False
        if when - joined > self.window:
            del self._joined[key]
            self._seen.pop(key, None)
            return False
        seen = self._seen.get(key, 0)
        if seen >= self.messages:
            return False
        self._seen[key] = seen + 1
        return True
