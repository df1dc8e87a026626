"""Batched writes for a live runtime: many updates, one transaction (group commits).

A live bot stores every update before acknowledging it and every outgoing call before making
it. One transaction per row caps SQLite at about 800 rows/s, so the runtime hands over batches,
written with a few multi-row Core statements each: :meth:`RuntimeStore.record_updates` stores
many raw updates at once, and :meth:`RuntimeStore.save_processed` writes what processing a
batch produced (inbound messages, verdicts, outgoing calls, strikes, joins, events) *and* marks
those updates ``done`` in the same transaction, so that a crash keeps all of it or none of it
(then the updates are still unfinished and are processed again).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Table, bindparam, insert, select, update

from bot import domain
from bot.domain import utcnow
from bot.storage import models as m
from bot.storage.store_bulk import BulkPeopleStore
from bot.storage.store_outbound import OutboundRecord, OutboundStore, outbound_row
from bot.storage.types import exact_bytes

RAW_UPDATES: Table = m.RawUpdate.__table__  # type: ignore[assignment]
INBOUND: Table = m.InboundMessage.__table__  # type: ignore[assignment]
VERDICTS: Table = m.Verdict.__table__  # type: ignore[assignment]
OUTBOUND: Table = m.OutboundMessage.__table__  # type: ignore[assignment]
STRIKES: Table = m.Strike.__table__  # type: ignore[assignment]
JOINS: Table = m.MemberJoin.__table__  # type: ignore[assignment]
EVENTS: Table = m.Event.__table__  # type: ignore[assignment]


@dataclass(frozen=True)
class StrikeRecord:
    chat_id: str
    user_id: str
    action: str
    dry_run: bool = False


@dataclass
class ProcessedUpdate:
    """Everything processing one raw update produced; saved with its ``done`` status."""

    row_id: int
    status: str = "done"
    error: str | None = None
    message: domain.InboundMessage | None = None
    verdict: domain.Verdict | None = None
    outbound: list[OutboundRecord] = field(default_factory=list)
    strikes: list[StrikeRecord] = field(default_factory=list)
    joins: list[tuple[str, str, datetime]] = field(default_factory=list)  # chat, user, when
    events: list[tuple[str, dict[str, Any]]] = field(default_factory=list)


class RuntimeStore(OutboundStore, BulkPeopleStore):
    def _new_updates_statement(self) -> Any:
        """Insert raw updates, skipping stored ones."""

        def build() -> Any:
            insert_new = self._insert(RAW_UPDATES).on_conflict_do_nothing(
                index_elements=["platform", "update_id"]
            )
            return insert_new.returning(RAW_UPDATES.c.update_id, RAW_UPDATES.c.id)

        return self._built_once("new_updates", build)

    async def record_updates(
        self,
        platform: str,
        items: Sequence[tuple[str | int, dict[str, Any]]],
        *,
        processing: bool = False,
    ) -> list[tuple[int, bool]]:
        """Store raw updates ``(update_id, payload)`` in one transaction.

        Returns ``(row id, is_new)`` per item, in order; a repeated ``update_id`` (stored
        before, or earlier in the same batch) is not stored again and comes back not new.
        ``processing``: the new ones are stored as already taken into processing (one attempt
        counted, as :meth:`mark_updates_processing` would), for a runtime that processes them
        at once: a lone update then costs one transaction less.
        """

        def known(session: Connection, wanted: list[str]) -> dict[str, int]:
            found = session.execute(_KNOWN_UPDATES, {"platform": platform, "keys": wanted})
            return {u: int(i) for u, i in found.all()}

        def work(session: Connection) -> tuple[dict[str, int], set[str]]:
            # Inserted first, stored ones skipped by the insert itself: one statement when
            # all are new (the usual case), a second one to read the ids of the others.
            ids: dict[str, int] = {}
            fresh: dict[str, dict[str, Any]] = {}
            for update_id, payload in items:
                fresh.setdefault(str(update_id), payload)
            new: set[str] = set()
            if fresh:
                now = utcnow()
                rows = [
                    {
                        "platform": platform,
                        "update_id": u,
                        "payload": p,
                        "status": "processing" if processing else "received",
                        "attempts": 1 if processing else 0,
                        "created_at": now,
                    }
                    for u, p in fresh.items()
                ]
                for u, i in session.execute(self._new_updates_statement(), rows).all():
                    ids[u] = int(i)
                    new.add(u)
                missing = [u for u in fresh if u not in ids]  # stored before
                if missing:
                    ids.update(known(session, missing))
            return ids, new

        ids, new = await self.db.run_write(work, f"recording {len(items)} updates", rows=len(items))
        out = []
        for update_id, _ in items:
            key = str(update_id)
            out.append((ids.get(key, 0), key in new))
            new.discard(key)  # a repeat later in the same batch is not new
        return out

    async def mark_updates_processing(self, row_ids: Sequence[int]) -> None:
        """Move updates to ``processing``, counting one attempt each."""
        if not row_ids:
            return
        ids = {"ids": list(row_ids)}
        await self.db.run_write(
            lambda connection: connection.execute(_MARK_PROCESSING, ids),
            "marking updates as processing",
            rows=len(row_ids),
        )

    async def update_attempts(self, row_ids: Sequence[int]) -> dict[int, int]:
        query = select(m.RawUpdate.id, m.RawUpdate.attempts).where(m.RawUpdate.id.in_(row_ids))
        async with self.db.session("reading update attempts") as session:
            return {int(i): int(a) for i, a in (await session.execute(query)).all()}

    async def save_processed(
        self, platform: str, results: Sequence[ProcessedUpdate]
    ) -> list[list[int]]:
        """Write every result and mark its update; return the outgoing call ids per result."""
        if not results:
            return []

        def work(session: Connection) -> list[int]:
            with_message = [r for r in results if r.message is not None]
            inbound_ids: dict[int, int] = {}
            if with_message:
                contacts, chats = self._people_ids(
                    session, [r.message for r in with_message if r.message is not None]
                )
                rows = [_inbound_row(r, contacts, chats) for r in with_message]
                new_ids = [int(i) for i in session.execute(_NEW_INBOUND, rows).scalars()]
                inbound_ids = {r.row_id: i for r, i in zip(with_message, new_ids, strict=True)}
                verdicts = [
                    _verdict_row(inbound_ids[r.row_id], r.verdict)
                    for r in with_message
                    if r.verdict is not None
                ]
                if verdicts:
                    session.execute(_NEW_VERDICTS, verdicts)
            calls = [(r, c) for r in results for c in r.outbound]
            call_ids: list[int] = []
            if calls:
                rows = [outbound_row(inbound_ids.get(r.row_id), c) for r, c in calls]
                call_ids = [int(i) for i in session.execute(_NEW_OUTBOUND, rows).scalars()]
            strikes = [
                {"platform": platform, "inbound_id": inbound_ids.get(r.row_id), **vars(s)}
                for r in results
                for s in r.strikes
            ]
            if strikes:
                session.execute(insert(STRIKES), strikes)
            events = [{"kind": k, "payload": p} for r in results for k, p in r.events]
            if events:
                session.execute(insert(EVENTS), events)
            for r in results:
                for chat_id, user_id, when in r.joins:
                    keys = {"platform": platform, "chat_id": chat_id, "user_id": user_id}
                    join = self._insert(JOINS).values(**keys, joined_at=when, created_at=utcnow())
                    session.execute(
                        join.on_conflict_do_update(
                            index_elements=["platform", "chat_id", "user_id"],
                            set_={"joined_at": join.excluded.joined_at},
                        )
                    )
            now = utcnow()
            session.execute(
                _UPDATE_DONE,
                [
                    {"row_id": r.row_id, "new_status": r.status, "new_error": r.error, "now": now}
                    for r in results
                ],
            )
            return call_ids

        call_ids = await self.db.run_write(
            work, f"saving {len(results)} processed updates", rows=4 * len(results)
        )
        it = iter(call_ids)
        return [[next(it) for _ in r.outbound] for r in results]


# The hot path's statements, built once (building one, and SQLAlchemy's cache key for a fresh
# one, cost more than running it on a few rows; a list is passed as an expanding parameter).
_KNOWN_UPDATES = select(RAW_UPDATES.c.update_id, RAW_UPDATES.c.id).where(
    RAW_UPDATES.c.platform == bindparam("platform"),
    RAW_UPDATES.c.update_id.in_(bindparam("keys", expanding=True)),
)
_MARK_PROCESSING = (
    update(RAW_UPDATES)
    .where(RAW_UPDATES.c.id.in_(bindparam("ids", expanding=True)))
    .values(status="processing", attempts=RAW_UPDATES.c.attempts + 1)
)
_NEW_INBOUND = insert(INBOUND).returning(INBOUND.c.id, sort_by_parameter_order=True)
_NEW_VERDICTS = insert(VERDICTS)
_NEW_OUTBOUND = insert(OUTBOUND).returning(OUTBOUND.c.id, sort_by_parameter_order=True)
_UPDATE_DONE = (
    update(RAW_UPDATES)
    .where(RAW_UPDATES.c.id == bindparam("row_id"))
    .values(
        status=bindparam("new_status"),
        error=bindparam("new_error"),
        processed_at=bindparam("now", type_=RAW_UPDATES.c.processed_at.type),
    )
)


def _inbound_row(
    result: ProcessedUpdate,
    contacts: dict[tuple[str, str], int],
    chats: dict[tuple[str, str], int],
) -> dict[str, Any]:
    msg = result.message
    assert msg is not None
    return {
        "raw_update_id": result.row_id,
        "contact_id": contacts.get((msg.platform, msg.user_id or "")),
        "chat_id": chats.get((msg.platform, msg.chat_id or "")),
        "platform": msg.platform,
        "kind": domain.MessageKind(msg.kind).value,
        "text": msg.text,
        "text_exact": exact_bytes(msg.text),
        "platform_chat_id": msg.chat_id,
        "chat_title": msg.chat_title,
        "message_id": msg.message_id,
        "thread_id": msg.thread_id,
        "platform_user_id": msg.user_id,
        "username": msg.username,
        "first_name": msg.first_name,
        "lang_hint": msg.lang_hint,
        "received_at": msg.received_at,
        "is_new_member": msg.is_new_member,
        "extra": dict(msg.extra),
        "created_at": utcnow(),
    }


def _verdict_row(inbound_id: int, v: domain.Verdict) -> dict[str, Any]:
    return {
        "inbound_id": inbound_id,
        "category": v.category,
        "labels": list(v.labels),
        "language": v.language,
        "sentiment": domain.Sentiment(v.sentiment).value,
        "confidence": float(v.confidence),
        "checks": [c.as_dict() for c in v.checks],
        "scores": {k: float(s) for k, s in v.scores.items()},
        "variables": dict(v.variables),
        "faq_id": v.faq_id,
        "created_at": utcnow(),
    }
