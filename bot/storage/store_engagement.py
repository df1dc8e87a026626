"""Polls, quizzes, contests and what people did in them."""

from __future__ import annotations

from bot.storage.store_base import StoreBase


class EngagementStore(StoreBase):
    pass
