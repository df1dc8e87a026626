"""The repository the rest of cmbot codes against: small, async, neutral types in and out.

Each method is one transaction (one :meth:`Database.session`); database failures come out as
:class:`bot.errors.StorageError`. Values go in and come out as neutral types (the dataclasses
of :mod:`bot.domain`, ids, dicts), never as ORM objects, so callers need no SQLAlchemy.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from bot import domain
from bot.storage import models as m
from bot.storage.store_base import StoreBase
from bot.storage.store_cases import CaseStore
from bot.storage.store_engagement import EngagementStore
from bot.storage.store_jobs import JobStore
from bot.storage.store_moderation import ModerationStore
from bot.storage.store_people import PeopleStore
from bot.storage.store_reports import ReportStore
from bot.storage.store_runtime import RuntimeStore
from bot.storage.store_updates import UpdateStore
from bot.storage.types import exact_bytes, restore_text


class Store(
    CaseStore,
    EngagementStore,
    ReportStore,
    JobStore,
    RuntimeStore,
    ModerationStore,
    PeopleStore,
    UpdateStore,
    StoreBase,
):
    """Reads and writes cmbot's records in a :class:`Database` (already upgraded).

    Contacts and chats come from :class:`~bot.storage.store_people.PeopleStore`, raw updates
    from :class:`~bot.storage.store_updates.UpdateStore`, batched runtime writes from
    :class:`~bot.storage.store_runtime.RuntimeStore`, strikes and joins from
    :class:`~bot.storage.store_moderation.ModerationStore`; messages, verdicts, corrections and
    the event log are here.
    """

    # -- messages -----------------------------------------------------------------------

    async def record_inbound(
        self, msg: domain.InboundMessage, raw_update_id: int | None = None
    ) -> int:
        """Store one inbound message (any text, even empty or several MB); return its id.

        The contact and the chat are upserted when the message carries their ids. Text with NUL
        bytes or lone surrogates is stored cleaned plus an exact copy (see
        :mod:`bot.storage.types`); :meth:`inbound_message` gives back the original.
        """
        async with self.db.session("recording an inbound message") as session:
            contact_id = chat_id = None
            if msg.user_id is not None:
                contact_id = await self._upsert_contact(
                    session,
                    msg.platform,
                    msg.user_id,
                    msg.username,
                    msg.first_name,
                    msg.lang_hint,
                )
            if msg.chat_id is not None:
                chat_id = await self._upsert_chat(
                    session, msg.platform, msg.chat_id, msg.chat_title
                )
            row = m.InboundMessage(
                raw_update_id=raw_update_id,
                contact_id=contact_id,
                chat_id=chat_id,
                platform=msg.platform,
                kind=domain.MessageKind(msg.kind).value,
                text=msg.text,
                text_exact=exact_bytes(msg.text),
                platform_chat_id=msg.chat_id,
                chat_title=msg.chat_title,
                message_id=msg.message_id,
                thread_id=msg.thread_id,
                platform_user_id=msg.user_id,
                username=msg.username,
                first_name=msg.first_name,
                lang_hint=msg.lang_hint,
                received_at=msg.received_at,
                is_new_member=msg.is_new_member,
                extra=dict(msg.extra),
            )
            session.add(row)
            await session.flush()
            return row.id

    async def inbound_message(self, inbound_id: int) -> domain.InboundMessage | None:
        """The stored message as the neutral type (exact original text), or ``None``."""
        async with self.db.session("reading an inbound message") as session:
            row = await session.get(m.InboundMessage, inbound_id)
            if row is None:
                return None
            return domain.InboundMessage(
                text=restore_text(row.text, row.text_exact),
                kind=domain.MessageKind(row.kind),
                platform=row.platform,
                chat_id=row.platform_chat_id,
                chat_title=row.chat_title,
                message_id=row.message_id,
                thread_id=row.thread_id,
                user_id=row.platform_user_id,
                username=row.username,
                first_name=row.first_name,
                lang_hint=row.lang_hint,
                received_at=row.received_at,
                is_new_member=row.is_new_member,
                extra=dict(row.extra),
            )

    async def count_inbound(self) -> int:
        async with self.db.session("counting inbound messages") as session:
            return int(await session.scalar(select(func.count(m.InboundMessage.id))) or 0)

    async def record_verdict(self, inbound_id: int, verdict: domain.Verdict) -> int:
        """Store the verdict for inbound message ``inbound_id``; return its id."""
        async with self.db.session(f"recording a verdict for inbound message {inbound_id}") as s:
            row = m.Verdict(
                inbound_id=inbound_id,
                category=verdict.category,
                labels=list(verdict.labels),
                language=verdict.language,
                sentiment=domain.Sentiment(verdict.sentiment).value,
                confidence=float(verdict.confidence),
                checks=[c.as_dict() for c in verdict.checks],
                scores={k: float(v) for k, v in verdict.scores.items()},
                variables=dict(verdict.variables),
                faq_id=verdict.faq_id,
            )
            s.add(row)
            await s.flush()
            return row.id

    async def category_counts(self, since: datetime | None = None) -> dict[str, int]:
        """How many verdicts each category has (optionally only verdicts since ``since``)."""
        query = select(m.Verdict.category, func.count(m.Verdict.id)).group_by(m.Verdict.category)
        if since is not None:
            query = query.where(m.Verdict.created_at >= since)
        async with self.db.session("counting categories") as session:
            return {category: int(n) for category, n in (await session.execute(query)).all()}

    async def recent_verdicts(self, limit: int = 20) -> list[dict[str, Any]]:
        """The newest verdicts first, each with its message's text and chat."""
        query = (
            select(m.Verdict, m.InboundMessage)
            .join(m.InboundMessage, m.Verdict.inbound_id == m.InboundMessage.id)
            .order_by(m.Verdict.id.desc())
            .limit(limit)
        )
        async with self.db.session("reading recent verdicts") as session:
            rows = (await session.execute(query)).all()
        return [_verdict_dict(v, msg) for v, msg in rows]

    async def record_outbound(
        self,
        chat_id: str | None,
        text: str,
        kind: str,
        inbound_id: int | None = None,
        case_id: int | None = None,
        status: str = "drafted",
        detail: dict[str, Any] | None = None,
    ) -> int:
        """Store an effect to perform (a reply, a deletion...) in ``chat_id``; return its id."""
        async with self.db.session("recording an outbound message") as session:
            row = m.OutboundMessage(
                platform_chat_id=chat_id,
                text=text,
                kind=kind,
                inbound_id=inbound_id,
                case_id=case_id,
                status=status,
                detail=dict(detail or {}),
            )
            session.add(row)
            await session.flush()
            return row.id

    # -- learning and log ---------------------------------------------------------------

    async def record_correction(
        self, text: str, label: str, language: str | None = None, source: str = "staff"
    ) -> int:
        async with self.db.session("recording a correction") as session:
            row = m.Correction(text=text, label=label, language=language, source=source)
            session.add(row)
            await session.flush()
            return row.id

    async def corrections(self) -> list[tuple[str, str]]:
        """Every correction as ``(text, label)``, oldest first."""
        query = select(m.Correction.text, m.Correction.label).order_by(m.Correction.id)
        async with self.db.session("reading corrections") as session:
            return [(t, label) for t, label in (await session.execute(query)).all()]

    async def record_event(self, kind: str, payload: dict[str, Any]) -> int:
        async with self.db.session(f"recording a {kind!r} event") as session:
            row = m.Event(kind=kind, payload=dict(payload))
            session.add(row)
            await session.flush()
            return row.id


def _verdict_dict(v: m.Verdict, msg: m.InboundMessage) -> dict[str, Any]:
    return {
        "id": v.id,
        "inbound_id": v.inbound_id,
        "created_at": v.created_at,
        "category": v.category,
        "labels": list(v.labels),
        "language": v.language,
        "sentiment": v.sentiment,
        "confidence": v.confidence,
        "checks": list(v.checks),
        "scores": dict(v.scores),
        "variables": dict(v.variables),
        "faq_id": v.faq_id,
        "text": restore_text(msg.text, msg.text_exact),
        "platform": msg.platform,
        "chat_id": msg.platform_chat_id,
        "kind": msg.kind,
    }
