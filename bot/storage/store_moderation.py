"""Reads the moderation and triage memory needs: strikes, joins, earlier verdicts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from bot.storage import models as m
from bot.storage.store_base import StoreBase


class ModerationStore(StoreBase):
    async def count_strikes(
        self, platform: str, chat_id: str, user_id: str, since: datetime
    ) -> int:
        """How many spam strikes ``user_id`` got in ``chat_id`` since ``since``."""
        query = select(func.count(m.Strike.id)).where(
            m.Strike.platform == platform,
            m.Strike.chat_id == str(chat_id),
            m.Strike.user_id == str(user_id),
            m.Strike.created_at >= since,
        )
        async with self.db.session("counting spam strikes") as session:
            return int(await session.scalar(query) or 0)

    async def recent_joins(self, platform: str, since: datetime) -> list[tuple[str, str, datetime]]:
        """``(chat_id, user_id, joined_at)`` of the members who joined since ``since``."""
        query = select(m.MemberJoin.chat_id, m.MemberJoin.user_id, m.MemberJoin.joined_at).where(
            m.MemberJoin.platform == platform, m.MemberJoin.joined_at >= since
        )
        async with self.db.session("reading recent member joins") as session:
            return [(c, u, j) for c, u, j in (await session.execute(query)).all()]

    async def last_category(self, platform: str, chat_id: str, message_id: str) -> str | None:
        """The category of the newest verdict of message ``message_id`` in ``chat_id``."""
        query = (
            select(m.Verdict.category)
            .join(m.InboundMessage, m.Verdict.inbound_id == m.InboundMessage.id)
            .where(
                m.InboundMessage.platform == platform,
                m.InboundMessage.platform_chat_id == str(chat_id),
                m.InboundMessage.message_id == str(message_id),
            )
            .order_by(m.Verdict.id.desc())
            .limit(1)
        )
        async with self.db.session("reading a message's last verdict") as session:
            return await session.scalar(query)

    async def find_inbound(self, platform: str, chat_id: str, message_id: str) -> int | None:
        """The id of the first stored inbound message ``message_id`` of ``chat_id``."""
        query = (
            select(m.InboundMessage.id)
            .where(
                m.InboundMessage.platform == platform,
                m.InboundMessage.platform_chat_id == str(chat_id),
                m.InboundMessage.message_id == str(message_id),
            )
            .order_by(m.InboundMessage.id)
            .limit(1)
        )
        async with self.db.session("finding an inbound message") as session:
            return await session.scalar(query)
