"""Polls, quizzes, contests and what people did in them.

Writes made while processing an update are idempotent: answers are keyed by (poll, user),
entries by (item, user), sent polls by (item, question).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Table, func, insert, select, update

from bot.domain import utcnow
from bot.storage import models as m
from bot.storage.store_base import StoreBase

ITEMS: Table = m.EngagementItem.__table__  # type: ignore[assignment]
RECORDS: Table = m.EngagementRecord.__table__  # type: ignore[assignment]
POLLS: Table = m.EngagementPoll.__table__  # type: ignore[assignment]
ANSWERS: Table = m.EngagementAnswer.__table__  # type: ignore[assignment]
OUTBOUND: Table = m.OutboundMessage.__table__  # type: ignore[assignment]
INBOUND: Table = m.InboundMessage.__table__  # type: ignore[assignment]
POLL_CALL = "engagement_poll"  # the outgoing-call kind of every poll an item sends
MEMBER_CALL = "engagement_member"  # ... and of every membership check


@dataclass(frozen=True)
class ItemRow:
    id: int
    kind: str
    title: str
    definition: dict[str, Any]
    status: str
    target_chat: str | None
    state: dict[str, Any]
    scheduled_at: datetime | None
    closes_at: datetime | None
    closed_at: datetime | None
    created_by: str | None
    created_at: datetime


@dataclass(frozen=True)
class PollRow:
    item_id: int
    question: int
    poll_id: str | None
    chat_id: str | None
    message_id: str | None
    opened_at: datetime
    closed_at: datetime | None


@dataclass(frozen=True)
class AnswerRow:
    poll_id: str
    user_id: str
    name: str | None
    option_ids: tuple[int, ...]
    answered_at: datetime


@dataclass(frozen=True)
class EntryRow:
    id: int
    user_id: str
    payload: dict[str, Any]
    created_at: datetime


def _item(row: Any) -> ItemRow:
    return ItemRow(
        int(row["id"]),
        row["kind"],
        row["title"] or "",
        dict(row["definition"] or {}),
        row["status"],
        row["target_chat"],
        dict(row["state"] or {}),
        row["scheduled_at"],
        row["closes_at"],
        row["closed_at"],
        row["created_by"],
        row["created_at"],
    )


class EngagementStore(StoreBase):
    # -- items --------------------------------------------------------------------------

    async def create_item(
        self,
        kind: str,
        title: str,
        definition: dict[str, Any],
        *,
        target_chat: str | None,
        status: str = "draft",
        scheduled_at: datetime | None = None,
        closes_at: datetime | None = None,
        state: dict[str, Any] | None = None,
        created_by: str | None = None,
    ) -> int:
        now = utcnow()
        values = {
            "kind": kind,
            "title": title[:300],
            "definition": definition,
            "status": status,
            "target_chat": target_chat,
            "scheduled_at": scheduled_at,
            "closes_at": closes_at,
            "state": state or {},
            "created_by": created_by,
            "created_at": now,
            "updated_at": now,
        }
        async with self.db.session("creating an engagement item") as session:
            result = await session.execute(insert(ITEMS).values(**values).returning(ITEMS.c.id))
            return int(result.scalar_one())

    async def item(self, item_id: int) -> ItemRow | None:
        async with self.db.session(f"reading engagement item {item_id}") as session:
            row = (await session.execute(select(ITEMS).where(ITEMS.c.id == item_id))).mappings()
            found = row.first()
            return None if found is None else _item(found)

    async def items(self, statuses: Sequence[str] | None = None, limit: int = 50) -> list[ItemRow]:
        query = select(ITEMS).order_by(ITEMS.c.id.desc()).limit(limit)
        if statuses is not None:
            query = query.where(ITEMS.c.status.in_(list(statuses)))
        async with self.db.session("listing engagement items") as session:
            return [_item(r) for r in (await session.execute(query)).mappings()]

    async def update_item(self, item_id: int, **values: Any) -> None:
        """Set ``status``, ``state``, ``scheduled_at``, ``closes_at``, ``closed_at``..."""
        async with self.db.session(f"updating engagement item {item_id}") as session:
            stmt = update(ITEMS).where(ITEMS.c.id == item_id)
            await session.execute(stmt.values(**values, updated_at=utcnow()))

    # -- sent polls and their answers ---------------------------------------------------

    async def open_poll(self, item_id: int, question: int, opened_at: datetime) -> None:
        stmt = self._insert(POLLS).values(
            item_id=item_id, question=question, opened_at=opened_at, created_at=utcnow()
        )
        stmt = stmt.on_conflict_do_nothing(index_elements=["item_id", "question"])
        async with self.db.session("recording a sent poll") as session:
            await session.execute(stmt)

    async def resolve_polls(self) -> int:
        """Learn the Telegram poll id, chat and message of sent polls from their calls."""
        query = select(OUTBOUND.c.platform_message_id, OUTBOUND.c.detail).where(
            OUTBOUND.c.kind == POLL_CALL, OUTBOUND.c.status == "sent"
        )
        pending = select(POLLS.c.item_id, POLLS.c.question).where(POLLS.c.poll_id.is_(None))
        async with self.db.session("learning sent poll ids") as session:
            todo = {(int(r[0]), int(r[1])) for r in await session.execute(pending)}
            if not todo:
                return 0
            learnt = 0
            for message_id, detail in await session.execute(query):
                extra = (detail or {}).get("extra") or {}
                poll_id = ((detail or {}).get("result") or {}).get("poll_id")
                key = (int(extra.get("item", 0)), int(extra.get("question", 0)))
                if key not in todo or not poll_id:
                    continue
                chat = str(((detail or {}).get("params") or {}).get("chat_id"))
                await session.execute(
                    update(POLLS)
                    .where(POLLS.c.item_id == key[0], POLLS.c.question == key[1])
                    .values(poll_id=str(poll_id), chat_id=chat, message_id=message_id)
                )
                learnt += 1
            return learnt

    async def polls_of(self, item_id: int) -> list[PollRow]:
        query = select(POLLS).where(POLLS.c.item_id == item_id).order_by(POLLS.c.question)
        async with self.db.session("reading sent polls") as session:
            return [
                PollRow(
                    r["item_id"],
                    r["question"],
                    r["poll_id"],
                    r["chat_id"],
                    r["message_id"],
                    r["opened_at"],
                    r["closed_at"],
                )
                for r in (await session.execute(query)).mappings()
            ]

    async def poll_item(self, poll_id: str) -> tuple[int, int] | None:
        """``(item id, question)`` of a known Telegram poll id."""
        query = select(POLLS.c.item_id, POLLS.c.question).where(POLLS.c.poll_id == poll_id)
        async with self.db.session("finding a poll") as session:
            row = (await session.execute(query)).first()
            return None if row is None else (int(row[0]), int(row[1]))

    async def close_poll(self, item_id: int, question: int, at: datetime) -> None:
        stmt = update(POLLS).where(
            POLLS.c.item_id == item_id, POLLS.c.question == question, POLLS.c.closed_at.is_(None)
        )
        async with self.db.session("closing a poll") as session:
            await session.execute(stmt.values(closed_at=at))

    async def record_answer(
        self, poll_id: str, user_id: str, option_ids: Sequence[int], at: datetime, name: str | None
    ) -> bool:
        """Store (or change) a user's answer; the same answer again changes nothing."""
        options = [int(o) for o in option_ids]
        where = (ANSWERS.c.poll_id == poll_id, ANSWERS.c.user_id == user_id)
        async with self.db.session("recording a poll answer") as session:
            before = await session.scalar(select(ANSWERS.c.option_ids).where(*where))
            if before is not None and list(before) == options:
                return False
            values = {"option_ids": options, "answered_at": at, "name": name}
            stmt = self._insert(ANSWERS).values(
                poll_id=poll_id, user_id=user_id, created_at=utcnow(), **values
            )
            stmt = stmt.on_conflict_do_update(index_elements=["poll_id", "user_id"], set_=values)
            await session.execute(stmt)
            return True

    async def answers(self, poll_ids: Sequence[str]) -> list[AnswerRow]:
        query = (
            select(ANSWERS)
            .where(ANSWERS.c.poll_id.in_(list(poll_ids)))
            .order_by(ANSWERS.c.answered_at, ANSWERS.c.id)
        )
        async with self.db.session("reading poll answers") as session:
            return [
                AnswerRow(
                    r["poll_id"],
                    r["user_id"],
                    r["name"],
                    tuple(int(o) for o in r["option_ids"]),
                    r["answered_at"],
                )
                for r in (await session.execute(query)).mappings()
            ]

    # -- contest entries ----------------------------------------------------------------

    async def add_entry(self, item_id: int, user_id: str, payload: dict[str, Any]) -> int | None:
        """The new entry's id, or None when ``user_id`` already entered (one per person)."""
        stmt = self._insert(RECORDS).values(
            item_id=item_id,
            kind="entry",
            user_id=user_id,
            ref="",
            payload=payload,
            created_at=utcnow(),
        )
        stmt = stmt.on_conflict_do_nothing(index_elements=["item_id", "kind", "user_id", "ref"])
        async with self.db.session("recording a contest entry") as session:
            result = await session.execute(stmt.returning(RECORDS.c.id))
            found = result.scalar_one_or_none()
            return None if found is None else int(found)

    async def entries(self, item_id: int) -> list[EntryRow]:
        query = (
            select(RECORDS)
            .where(RECORDS.c.item_id == item_id, RECORDS.c.kind == "entry")
            .order_by(RECORDS.c.id)
        )
        async with self.db.session("reading contest entries") as session:
            return [
                EntryRow(int(r["id"]), r["user_id"], dict(r["payload"] or {}), r["created_at"])
                for r in (await session.execute(query)).mappings()
            ]

    async def member_checks(self, item_id: int) -> dict[tuple[str, str], str | None]:
        """``(user id, phase) -> member status`` of the item's membership checks
        (``"failed"`` when the call failed, None while it is not answered yet)."""
        query = select(OUTBOUND.c.text, OUTBOUND.c.status, OUTBOUND.c.detail).where(
            OUTBOUND.c.kind == MEMBER_CALL,
            OUTBOUND.c.text.startswith(f"contest {item_id} ", autoescape=True),
        )
        out: dict[tuple[str, str], str | None] = {}
        async with self.db.session("reading membership checks") as session:
            for text, status, detail in await session.execute(query):
                parts = str(text).split()  # contest <item> <phase> <user>
                if len(parts) != 4:
                    continue
                result = (detail or {}).get("result") or {}
                if status == "sent":
                    value: str | None = str(result.get("member_status") or "unknown")
                    if value == "restricted" and result.get("is_member") is False:
                        value = "left"
                elif status == "failed":
                    value = "failed"
                else:
                    value = None
                out[(parts[3], parts[2])] = value
        return out

    async def comment_counts(
        self, platform: str, user_ids: Sequence[str], before: datetime
    ) -> dict[str, int]:
        """How many comments each of ``user_ids`` wrote in the community before ``before``."""
        query = (
            select(INBOUND.c.platform_user_id, func.count())
            .where(
                INBOUND.c.platform == platform,
                INBOUND.c.kind == "comment",
                INBOUND.c.platform_user_id.in_(list(user_ids)),
                INBOUND.c.received_at < before,
            )
            .group_by(INBOUND.c.platform_user_id)
        )
        async with self.db.session("counting comments") as session:
            return {str(u): int(n) for u, n in await session.execute(query)}

    async def opened_bot(self, platform: str, user_ids: Sequence[str]) -> set[str]:
        """The users among ``user_ids`` who wrote to the bot in private."""
        query = (
            select(INBOUND.c.platform_user_id)
            .where(
                INBOUND.c.platform == platform,
                INBOUND.c.kind == "dm",
                INBOUND.c.platform_user_id.in_(list(user_ids)),
            )
            .distinct()
        )
        async with self.db.session("finding who opened the bot") as session:
            return {str(u) for u in (await session.execute(query)).scalars()}
