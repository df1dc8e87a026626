"""Cases, their events, assignment and SLA timers."""

from __future__ import annotations

from bot.storage.store_base import StoreBase


class CaseStore(StoreBase):
    pass
