"""Cases, their events, assignment and SLA timers.

A case is opened once per customer issue, keyed by the message that opened it
(``platform:chat:message``), so processing that message again finds the same case. Every step
is a :class:`CaseEventRow` with its time; a step recorded while processing an update carries a
``key`` too, so it is recorded once. Times come from the caller (the runtime's clock), so SLA
timers and follow-ups can be tested with a fake clock.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Table, and_, bindparam, case, func, or_, select, update

from bot.storage import models as m
from bot.storage.case_rows import OPEN_STATUSES, CaseEventRow, CaseRow, NewCase
from bot.storage.store_outbound import OutboundStore

CASES: Table = m.Case.__table__  # type: ignore[assignment]
CASE_EVENTS: Table = m.CaseEvent.__table__  # type: ignore[assignment]
OUTBOUND: Table = m.OutboundMessage.__table__  # type: ignore[assignment]
INBOUND: Table = m.InboundMessage.__table__  # type: ignore[assignment]
VERDICTS: Table = m.Verdict.__table__  # type: ignore[assignment]
ERASED = "[erased at the customer's request]"


CASE_FIELDS = tuple(f.name for f in fields(CaseRow))


class CaseStore(OutboundStore):
    async def open_case(self, new: NewCase, at: datetime) -> tuple[CaseRow, bool]:
        """The case keyed ``new.key``, opened now if it did not exist; ``(case, opened)``."""
        stmt = (
            self._insert(CASES)
            .values(**vars(new), taken_over=False, created_at=at, updated_at=at)
            .on_conflict_do_nothing(index_elements=["key"])
            .returning(CASES.c.id)
        )
        async with self._writing("opening a case") as session:
            new_id = (await session.execute(stmt)).scalar()
        case = await self.case_by_key(new.key)
        assert case is not None
        return case, new_id is not None

    async def case(self, case_id: int) -> CaseRow | None:
        return await self._one(select(CASES).where(CASES.c.id == case_id))

    async def case_by_key(self, key: str) -> CaseRow | None:
        return await self._one(select(CASES).where(CASES.c.key == key))

    async def cases_for_message(
        self, key: str, platform: str, user_id: str, resolved: Sequence[str]
    ) -> tuple[CaseRow | None, CaseRow | None, CaseRow | None]:
        """For a new message: the case opened for it already (``key``), the customer's newest
        open case, and their newest case in ``resolved``; one round trip for the three."""

        def work(connection: Connection) -> tuple[Any, Any, Any]:
            def newest(statuses: Sequence[str]) -> Any:
                values = {"platform": platform, "user": str(user_id), "statuses": list(statuses)}
                return connection.execute(_NEWEST_CASE, values).mappings().first()

            own = connection.execute(_CASE_BY_KEY, {"key": key}).mappings().first()
            return own, newest(OPEN_STATUSES), newest(resolved)

        rows = await self.db.run_read(work, "reading a customer's cases")
        own, current, done = (None if row is None else _case(row) for row in rows)
        return own, current, done

    async def cases_for_messages(
        self, wanted: Sequence[tuple[str, str]], platform: str, resolved: Sequence[str]
    ) -> dict[str, tuple[CaseRow | None, CaseRow | None, CaseRow | None]]:
        """:meth:`cases_for_message` for a whole batch of ``(key, user id)``, by key, in one
        round trip."""
        if not wanted:
            return {}
        keys = [k for k, _ in wanted]
        users = sorted({str(u) for _, u in wanted})
        statuses = [*OPEN_STATUSES, *resolved]

        values = {"keys": keys, "platform": platform, "users": users, "statuses": statuses}
        rows = await self.db.run_read(
            lambda connection: connection.execute(_CASES_FOR_MESSAGES, values).mappings().all(),
            "reading the customers' cases",
            rows=len(wanted),
        )
        by_key: dict[str, CaseRow] = {}
        current: dict[str, CaseRow] = {}
        done: dict[str, CaseRow] = {}
        wanted_keys, wanted_users = set(keys), set(users)
        for row in rows:  # oldest first: the newest of each kind wins
            case = _case(row)
            if row["key"] in wanted_keys:
                by_key[row["key"]] = case
            if (
                case.platform == platform
                and case.platform_user_id in wanted_users
                and case.status in statuses
            ):
                target = current if case.status in OPEN_STATUSES else done
                target[case.platform_user_id or ""] = case
        return {
            key: (by_key.get(key), current.get(str(user)), done.get(str(user)))
            for key, user in wanted
        }

    async def open_case_of(
        self, platform: str, user_id: str, statuses: Sequence[str] = OPEN_STATUSES
    ) -> CaseRow | None:
        """The newest case of customer ``user_id`` in ``statuses`` (default: open), if any."""
        query = (
            select(CASES)
            .where(
                CASES.c.platform == platform,
                CASES.c.platform_user_id == str(user_id),
                CASES.c.status.in_(list(statuses)),
            )
            .order_by(CASES.c.id.desc())
            .limit(1)
        )
        return await self._one(query)

    async def cases(
        self,
        statuses: Sequence[str] = OPEN_STATUSES,
        *,
        assignee: str | None = None,
        topic: str | None = None,
        since: datetime | None = None,
        limit: int = 50,
    ) -> list[CaseRow]:
        """Cases in ``statuses`` (optionally of ``assignee``, on ``topic``, opened ``since``),
        newest first."""
        query = select(CASES).where(CASES.c.status.in_(list(statuses)))
        if assignee is not None:
            query = query.where(CASES.c.assignee == assignee)
        if topic is not None:
            query = query.where(CASES.c.topic == topic)
        if since is not None:
            query = query.where(CASES.c.created_at >= since)
        query = query.order_by(CASES.c.id.desc()).limit(limit)
        async with self.db.session("reading cases") as session:
            return [_case(row) for row in (await session.execute(query)).mappings()]

    async def count_cases(self, *, topic: str, since: datetime) -> int:
        query = select(func.count()).where(CASES.c.topic == topic, CASES.c.created_at >= since)
        async with self.db.session("counting cases") as session:
            return int(await session.scalar(query) or 0)

    async def update_case(self, case_id: int, at: datetime, **values: Any) -> None:
        """Set ``values`` on case ``case_id`` (``details`` are merged into the stored ones)."""
        unknown = set(values) - set(CASE_FIELDS)
        if unknown:
            raise ValueError(f"unknown case fields: {sorted(unknown)}")
        async with self._writing(f"updating case {case_id}") as session:
            if "details" in values:
                stored = await session.scalar(select(CASES.c.details).where(CASES.c.id == case_id))
                values["details"] = {**(stored or {}), **values["details"]}
            stmt = update(CASES).where(CASES.c.id == case_id).values(**values, updated_at=at)
            await session.execute(stmt)

    async def add_case_event(
        self,
        case_id: int,
        kind: str,
        at: datetime,
        *,
        actor: str | None = None,
        key: str | None = None,
        **payload: Any,
    ) -> bool:
        """Record a step of case ``case_id``; with ``key``, only once (False: already there)."""
        stmt = self._insert(CASE_EVENTS).values(
            case_id=case_id, kind=kind, payload=payload, actor=actor, key=key, created_at=at
        )
        if key is not None:
            stmt = stmt.on_conflict_do_nothing(index_elements=["key"])
        async with self._writing(f"recording a {kind!r} case event") as session:
            result = await session.execute(stmt.returning(CASE_EVENTS.c.id))
            return result.scalar() is not None

    async def case_events(self, case_id: int) -> list[CaseEventRow]:
        query = (
            select(CASE_EVENTS)
            .where(CASE_EVENTS.c.case_id == case_id)
            .order_by(CASE_EVENTS.c.created_at, CASE_EVENTS.c.id)
        )
        async with self.db.session("reading case events") as session:
            return [
                CaseEventRow(
                    r["id"],
                    r["case_id"],
                    r["kind"],
                    dict(r["payload"]),
                    r["actor"],
                    r["created_at"],
                )
                for r in (await session.execute(query)).mappings()
            ]

    async def case_of_staff_message(self, chat_id: str, message_id: str) -> int | None:
        """The case whose card (or prompt) is message ``message_id`` of the staff chat: the
        outbox stores each sent message's id beside the call, whose ``extra`` names the case."""
        query = (
            select(OUTBOUND.c.detail)
            .where(
                OUTBOUND.c.platform_chat_id == str(chat_id),
                OUTBOUND.c.platform_message_id == str(message_id),
            )
            .limit(1)
        )
        async with self.db.session("finding a case card") as session:
            detail = await session.scalar(query)
        case_id = ((detail or {}).get("extra") or {}).get("case_id")
        return int(case_id) if case_id is not None else None

    async def card_message_id(self, chat_id: str, case_id: int) -> str | None:
        """The id of the newest sent card of case ``case_id`` in the staff chat."""
        query = (
            select(OUTBOUND.c.detail, OUTBOUND.c.platform_message_id)
            .where(
                OUTBOUND.c.platform_chat_id == str(chat_id),
                OUTBOUND.c.kind == "staff_card",
                OUTBOUND.c.platform_message_id.is_not(None),
            )
            .order_by(OUTBOUND.c.id.desc())
            .limit(500)
        )
        async with self.db.session("finding a case card") as session:
            for detail, message_id in (await session.execute(query)).all():
                if ((detail or {}).get("extra") or {}).get("case_id") == case_id:
                    return str(message_id)
        return None

    async def forget_customer(self, platform: str, user_id: str) -> list[int]:
        """Erase the texts of customer ``user_id``'s messages and cases (the contact's identity
        is erased by :meth:`forget_contact`); return the ids of their cases."""
        async with self._writing("erasing a customer's texts") as session:
            ids = [
                int(i)
                for i in (
                    await session.scalars(
                        select(CASES.c.id).where(
                            CASES.c.platform == platform, CASES.c.platform_user_id == str(user_id)
                        )
                    )
                ).all()
            ]
            theirs = INBOUND.c.platform == platform, INBOUND.c.platform_user_id == str(user_id)
            await session.execute(
                update(INBOUND)
                .where(*theirs)
                .values(text=ERASED, text_exact=None, username=None, first_name=None)
            )
            await session.execute(  # what was extracted from their texts (order numbers...)
                update(VERDICTS)
                .where(VERDICTS.c.inbound_id.in_(select(INBOUND.c.id).where(*theirs)))
                .values(variables={})
            )
            await session.execute(  # what was written to them in private, once sent
                update(OUTBOUND)
                .where(
                    OUTBOUND.c.platform_chat_id == str(user_id),
                    OUTBOUND.c.status.in_(("sent", "failed", "cancelled", "drafted")),
                )
                .values(
                    text=ERASED,
                    detail={"erased": True},
                    status=case(
                        (OUTBOUND.c.status == "drafted", "cancelled"), else_=OUTBOUND.c.status
                    ),
                )
            )
            if ids:
                await session.execute(
                    update(CASES)
                    .where(CASES.c.id.in_(ids))
                    .values(text=ERASED, draft=None, details={"erased": True})
                )
                await session.execute(
                    update(CASE_EVENTS)
                    .where(CASE_EVENTS.c.case_id.in_(ids))
                    .values(payload={"erased": True})
                )
        return ids

    async def _one(self, query: Any) -> CaseRow | None:
        row = await self.db.run_read(
            lambda connection: connection.execute(query).mappings().first(), "reading a case"
        )
        return None if row is None else _case(row)


# Built once: this runs for every triaged message.
_CASE_BY_KEY = select(CASES).where(CASES.c.key == bindparam("key"))
# A batch's cases in one statement: the messages' own (by key) and their senders' open and
# resolved ones; told apart in Python.
_CASES_FOR_MESSAGES = (
    select(CASES)
    .where(
        or_(
            CASES.c.key.in_(bindparam("keys", expanding=True)),
            and_(
                CASES.c.platform == bindparam("platform"),
                CASES.c.platform_user_id.in_(bindparam("users", expanding=True)),
                CASES.c.status.in_(bindparam("statuses", expanding=True)),
            ),
        )
    )
    .order_by(CASES.c.id)
)
_NEWEST_CASE = (
    select(CASES)
    .where(
        CASES.c.platform == bindparam("platform"),
        CASES.c.platform_user_id == bindparam("user"),
        CASES.c.status.in_(bindparam("statuses", expanding=True)),
    )
    .order_by(CASES.c.id.desc())
    .limit(1)
)


def _case(row: Any) -> CaseRow:
    values = {name: row[name] for name in CASE_FIELDS}
    values["details"] = dict(values["details"] or {})
    values["taken_over"] = bool(values["taken_over"])
    return CaseRow(**values)
