"""Leads (one per message, idempotent), their status and contact details, and the report data.

Contact details and names of a contact who asked to be forgotten are never given out: every
read joins the contact's ``erased`` flag, and :meth:`ReportStore.scrub_erased_leads` clears
what a lead still held for them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Table, select, update

from bot.domain import utcnow
from bot.errors import ReportError
from bot.storage import models as m
from bot.storage.base import LEAD_STATUSES
from bot.storage.report_queries import ReportFilter, report_data
from bot.storage.store_people import PeopleStore

LEADS: Table = m.Lead.__table__  # type: ignore[assignment]


@dataclass(frozen=True)
class NewLead:
    """What a triaged message tells about a lead."""

    platform: str
    chat_id: str
    message_id: str
    source: str  # comment, dm, ...
    user_id: str | None = None
    username: str | None = None
    first_name: str | None = None
    thread_id: str | None = None
    chat_title: str | None = None
    language: str | None = None
    product: str | None = None
    campaign: str | None = None
    created_at: datetime | None = None


@dataclass(frozen=True)
class LeadRow:
    id: int
    status: str
    source: str
    platform: str
    chat_id: str | None
    chat_title: str | None
    message_id: str | None
    thread_id: str | None
    language: str | None
    product: str | None
    campaign: str | None
    consent: bool
    consent_at: datetime | None
    created_at: datetime
    updated_at: datetime
    contact_id: int | None
    user_id: str | None  # None once erased
    username: str | None
    first_name: str | None
    phone: str | None
    contact_name: str | None
    erased: bool


class ReportStore(PeopleStore):
    async def record_lead(self, lead: NewLead) -> tuple[int, bool]:
        """``(lead id, created)``: the lead of message ``(platform, chat, message)``, made once."""
        async with self.db.session("recording a lead") as session:
            contact_id = None
            if lead.user_id is not None:
                contact_id = await self._upsert_contact(
                    session,
                    lead.platform,
                    lead.user_id,
                    lead.username,
                    lead.first_name,
                    lead.language,
                )
            keys = {
                "platform": lead.platform,
                "platform_chat_id": lead.chat_id,
                "message_id": lead.message_id,
            }
            existing = await session.scalar(select(m.Lead.id).filter_by(**keys))
            if existing is not None:
                return int(existing), False
            now = utcnow()
            stmt = self._insert(LEADS).values(
                **keys,
                contact_id=contact_id,
                source=lead.source,
                language=lead.language,
                product=lead.product,
                thread_id=lead.thread_id,
                chat_title=lead.chat_title,
                campaign=lead.campaign,
                status="new",
                consent=False,
                created_at=lead.created_at or now,
                updated_at=now,
            )
            stmt = stmt.on_conflict_do_nothing(
                index_elements=["platform", "platform_chat_id", "message_id"]
            )
            inserted = await session.scalar(stmt.returning(LEADS.c.id))
            if inserted is not None:
                return int(inserted), True
            lead_id = await session.scalar(select(m.Lead.id).filter_by(**keys))  # lost a race
            assert lead_id is not None
            return int(lead_id), False

    async def lead(self, lead_id: int) -> LeadRow | None:
        rows = await self._lead_rows(select_leads().where(m.Lead.id == lead_id))
        return rows[0] if rows else None

    async def set_lead_status(self, lead_id: int, status: str, by: str | None = None) -> LeadRow:
        """Move lead ``lead_id`` to ``status``; raises :class:`ReportError` for a wrong one."""
        if status not in LEAD_STATUSES:
            raise ReportError(
                f"lead status {status!r} is unknown; use one of {', '.join(LEAD_STATUSES)}"
            )
        async with self.db.session(f"changing the status of lead {lead_id}") as session:
            row = await session.get(m.Lead, lead_id)
            if row is None:
                raise ReportError(f"lead {lead_id} does not exist")
            row.status, row.status_by = status, by
        found = await self.lead(lead_id)
        assert found is not None
        return found

    async def record_lead_contact(
        self,
        platform: str,
        user_id: str,
        phone: str,
        name: str | None,
        at: datetime,
    ) -> int | None:
        """Attach a shared phone number (and the consent it gives) to the user's newest lead.

        Returns the lead id, or ``None`` when the user has no lead or was erased (nothing is
        stored for them then).
        """
        async with self.db.session("recording a lead's contact details") as session:
            contact = await session.scalar(
                select(m.Contact).filter_by(platform=platform, user_id=str(user_id))
            )
            if contact is None or contact.erased:
                return None
            lead = await session.scalar(
                select(m.Lead)
                .where(m.Lead.contact_id == contact.id)
                .order_by(m.Lead.created_at.desc(), m.Lead.id.desc())
                .limit(1)
            )
            if lead is None:
                return None
            lead.phone, lead.contact_name = phone, name
            lead.consent, lead.consent_at = True, at
            return lead.id

    async def may_ask_contact(self, platform: str, user_id: str) -> bool:
        """Whether to ask this user for their phone: not when a lead of theirs already holds
        one, nor when they asked to be forgotten."""
        known = (
            select(m.Lead.id)
            .join(m.Contact, m.Lead.contact_id == m.Contact.id)
            .where(m.Contact.platform == platform, m.Contact.user_id == str(user_id))
            .where((m.Lead.phone.is_not(None)) | (m.Contact.erased.is_(True)))
            .limit(1)
        )
        async with self.db.session("looking up a lead's phone") as session:
            return (await session.scalar(known)) is None

    async def leads(self, flt: ReportFilter | None = None) -> list[LeadRow]:
        """The leads created in the filter's period (chat, language), oldest first."""
        query = select_leads().order_by(m.Lead.created_at, m.Lead.id)
        if flt is not None:
            query = query.where(m.Lead.created_at >= flt.start, m.Lead.created_at < flt.end)
            if flt.chat_id is not None:
                query = query.where(m.Lead.platform_chat_id == flt.chat_id)
            if flt.language is not None:
                query = query.where(m.Lead.language == flt.language)
        return await self._lead_rows(query)

    async def scrub_erased_leads(self) -> int:
        """Clear the phone numbers and names leads still hold for erased contacts."""
        erased = select(m.Contact.id).where(m.Contact.erased.is_(True))
        stmt = (
            update(m.Lead)
            .where(m.Lead.contact_id.in_(erased))
            .where((m.Lead.phone.is_not(None)) | (m.Lead.contact_name.is_not(None)))
            .values(phone=None, contact_name=None)
        )
        async with self.db.session("clearing erased contacts from leads") as session:
            result = await session.execute(stmt)
            return int(getattr(result, "rowcount", 0) or 0)

    async def report_data(self, flt: ReportFilter) -> dict[str, Any]:
        """Every number a report shows for ``flt`` (see :mod:`bot.storage.report_queries`)."""
        async with self.db.session("building a report") as session:
            return await report_data(session, flt)

    async def _lead_rows(self, query: Any) -> list[LeadRow]:
        async with self.db.session("reading leads") as session:
            rows = (await session.execute(query)).all()
        return [_lead_row(lead, contact) for lead, contact in rows]


def select_leads() -> Any:
    return select(m.Lead, m.Contact).outerjoin(m.Contact, m.Lead.contact_id == m.Contact.id)


def _lead_row(lead: m.Lead, contact: m.Contact | None) -> LeadRow:
    erased = bool(contact is not None and contact.erased)
    return LeadRow(
        id=lead.id,
        status=lead.status,
        source=lead.source,
        platform=lead.platform,
        chat_id=lead.platform_chat_id,
        chat_title=lead.chat_title,
        message_id=lead.message_id,
        thread_id=lead.thread_id,
        language=lead.language,
        product=lead.product,
        campaign=lead.campaign,
        consent=lead.consent,
        consent_at=lead.consent_at,
        created_at=lead.created_at,
        updated_at=lead.updated_at,
        contact_id=lead.contact_id,
        user_id=None if erased or contact is None else contact.user_id,
        username=None if erased or contact is None else contact.username,
        first_name=None if erased or contact is None else contact.first_name,
        phone=None if erased else lead.phone,
        contact_name=None if erased else lead.contact_name,
        erased=erased,
    )
