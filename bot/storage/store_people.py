"""Contacts and chats: upserts, the blocked flag, erasure."""

from __future__ import annotations

from sqlalchemy import Table, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import utcnow
from bot.storage import models as m
from bot.storage.store_base import StoreBase

CONTACTS: Table = m.Contact.__table__  # type: ignore[assignment]
CHATS: Table = m.Chat.__table__  # type: ignore[assignment]


class PeopleStore(StoreBase):
    async def upsert_contact(
        self,
        platform: str,
        user_id: str,
        username: str | None = None,
        first_name: str | None = None,
        language: str | None = None,
    ) -> int:
        """The id of the contact ``(platform, user_id)``, created or refreshed.

        Fields given as ``None`` keep their stored value; an erased contact stays erased (its
        personal fields are not filled in again).
        """
        async with self.db.session("saving a contact") as session:
            return await self._upsert_contact(
                session, platform, user_id, username, first_name, language
            )

    async def _upsert_contact(
        self,
        session: AsyncSession,
        platform: str,
        user_id: str,
        username: str | None = None,
        first_name: str | None = None,
        language: str | None = None,
    ) -> int:
        keys = {"platform": platform, "user_id": str(user_id)}
        erased = await session.scalar(select(m.Contact.erased).filter_by(**keys))
        values = {"username": username, "first_name": first_name, "language": language}
        if erased:
            values = dict.fromkeys(values)
        return await self._upsert(session, CONTACTS, keys, values)

    async def upsert_chat(
        self, platform: str, chat_id: str, title: str | None = None, kind: str | None = None
    ) -> int:
        """The id of the chat ``(platform, chat_id)``, created or refreshed."""
        async with self.db.session("saving a chat") as session:
            return await self._upsert_chat(session, platform, chat_id, title, kind)

    async def _upsert_chat(
        self,
        session: AsyncSession,
        platform: str,
        chat_id: str,
        title: str | None = None,
        kind: str | None = None,
    ) -> int:
        keys = {"platform": platform, "chat_id": str(chat_id)}
        return await self._upsert(session, CHATS, keys, {"title": title, "kind": kind})

    async def mark_blocked(self, platform: str, user_id: str, blocked: bool = True) -> None:
        """Record that the user blocked the bot (the platform answered 403), or unblocked it."""
        async with self.db.session("marking a contact as blocked") as session:
            contact_id = await self._upsert_contact(session, platform, user_id)
            contact = await session.get_one(m.Contact, contact_id)
            contact.blocked = blocked
            contact.blocked_at = utcnow() if blocked else None

    async def forget_contact(self, platform: str, user_id: str) -> bool:
        """Erase a contact's personal fields, on the contact and on their stored messages.

        The texts of their messages are kept (they are the brand's record of the conversation
        and may be needed for a case); returns ``False`` when the contact is unknown.
        """
        async with self.db.session("erasing a contact") as session:
            contact = await session.scalar(
                select(m.Contact).filter_by(platform=platform, user_id=str(user_id))
            )
            if contact is None:
                return False
            contact.username = contact.first_name = contact.language = None
            contact.erased, contact.erased_at = True, utcnow()
            messages = await session.scalars(
                select(m.InboundMessage).filter_by(contact_id=contact.id)
            )
            for message in messages:
                message.username = message.first_name = None
            return True
