"""Leads and the queries behind reports."""

from __future__ import annotations

from bot.storage.store_base import StoreBase


class ReportStore(StoreBase):
    pass
