"""Benchmark reports on a large database: 1 million logged messages on SQLite and PostgreSQL.

Usage: ``.venv/bin/python benchmarks/report.py [--events N] [--months M] [--backends sqlite
postgres] [--pg-url URL]``. Prints one JSON object.

Each backend gets a fresh, migrated database filled with ``N`` inbound messages spread over
``M`` months and logged in time order, as a bot logs them (each with its verdict; a third of
the questions with a sent reply, the spam with a deletion), cases for 4% of them (with CSAT
events), leads for the lead messages, and poll votes; rows go in with bulk inserts (what is
measured is reading, not writing). Then, for the last full month: ``report_s`` is the time to
build the whole monthly report (every query and the percentiles,
:func:`bot.reports.metrics.build_report`) and its JSON, as the best of 3 runs after a first,
cold one (``cold_s``); ``chat_report_s`` the same for one chat; ``baseline_s`` the time of one
indexed ``count(*)`` of that month's messages, and ``ratio`` the report's time over it.
``database_mb`` is the size of the database file (SQLite) or ``pg_database_size``
(PostgreSQL), ``json_kb`` the size of the JSON report. Target: a report in under 2 s on either
backend.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import random
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, insert, select, text  # noqa: E402
from sqlalchemy.ext.asyncio import create_async_engine  # noqa: E402

from bot.reports.metrics import as_json, build_report  # noqa: E402
from bot.reports.period import Period  # noqa: E402
from bot.storage import Database, Store  # noqa: E402
from bot.storage import models as m  # noqa: E402

CATEGORIES = ["complaint", "question", "lead", "praise", "spam", "other"]
WEIGHTS = [15, 30, 10, 15, 10, 20]
CHUNK = 20_000
END = datetime(2026, 11, 1, tzinfo=UTC)


def _month_start(months_back: int) -> datetime:
    year, month = END.year, END.month - months_back
    while month < 1:
        year, month = year - 1, month + 12
    return datetime(year, month, 1, tzinfo=UTC)


async def fill(store: Store, events: int, months: int, seed: int = 1) -> dict[str, int]:
    rng = random.Random(seed)
    start = _month_start(months)
    span = (END - start).total_seconds()
    chats = ["-1001000000001", "-1001000000002", "-1001000000003"]
    counts = {"messages": 0, "verdicts": 0, "outbound": 0, "cases": 0, "leads": 0, "votes": 0}
    async with store.db.session("benchmark: people") as session:
        await session.execute(
            insert(m.Contact),
            [{"platform": "telegram", "user_id": str(10_000 + i)} for i in range(20_000)],
        )
        await session.execute(
            insert(m.Chat),
            [{"platform": "telegram", "chat_id": c, "title": f"Group {c[-1]}"} for c in chats],
        )
        chat_ids = dict((await session.execute(select(m.Chat.chat_id, m.Chat.id))).all())
        poll = m.EngagementItem(kind="poll", definition={}, status="closed")
        session.add(poll)
        await session.flush()
        poll_id = poll.id
    next_id = 1
    for offset in range(0, events, CHUNK):
        size = min(CHUNK, events - offset)
        inbound, verdicts, outbound, cases, leads, votes = [], [], [], [], [], []
        for i in range(size):
            row_id = next_id + i
            # Logged as they arrive: ids follow time (with a little jitter).
            when = start + timedelta(seconds=span * (row_id - 1 + rng.random()) / events)
            chat = rng.choice(chats)
            contact = rng.randint(1, 20_000)
            category = rng.choices(CATEGORIES, WEIGHTS)[0]
            inbound.append(
                {
                    "id": row_id,
                    "contact_id": contact,
                    "chat_id": chat_ids[chat],
                    "platform": "telegram",
                    "kind": "comment",
                    "text": f"message {row_id}",
                    "platform_chat_id": chat,
                    "message_id": str(row_id),
                    "received_at": when,
                    "is_new_member": False,
                    "extra": {},
                    "created_at": when,
                }
            )
            verdicts.append(
                {
                    "inbound_id": row_id,
                    "category": category,
                    "labels": [category],
                    "language": rng.choice(["fr", "fr", "en", "ru"]),
                    "sentiment": rng.choice(["negative", "neutral", "positive"]),
                    "confidence": 0.9,
                    "checks": [],
                    "scores": {},
                    "variables": {"product": "Crème Éclat"} if category == "complaint" else {},
                    "created_at": when,
                }
            )
            if (category == "question" and i % 3 == 0) or category == "spam":
                kind = "reply" if category == "question" else "delete"
                outbound.append(
                    {
                        "inbound_id": row_id,
                        "platform_chat_id": chat,
                        "kind": kind,
                        "text": "",
                        "status": "sent",
                        "attempts": 1,
                        "detail": {},
                        "created_at": when,
                        "updated_at": when,
                    }
                )
            if category in ("complaint", "question") and rng.random() < 0.16:
                first = when + timedelta(minutes=rng.expovariate(1 / 40))
                resolved = when + timedelta(hours=rng.uniform(1, 60))
                cases.append(
                    {
                        "status": "resolved",
                        "priority": "normal",
                        "category": category,
                        "contact_id": contact,
                        "chat_id": chat_ids[chat],
                        "first_message_id": row_id,
                        "first_response_due_at": when + timedelta(hours=1),
                        "resolution_due_at": when + timedelta(hours=48),
                        "first_response_at": first,
                        "resolved_at": resolved,
                        "created_at": when,
                        "updated_at": when,
                    }
                )
            if category == "lead":
                leads.append(
                    {
                        "contact_id": contact,
                        "inbound_id": row_id,
                        "source": "comment",
                        "language": "fr",
                        "status": rng.choice(["new", "contacted", "won", "lost"]),
                        "consent": False,
                        "platform": "telegram",
                        "platform_chat_id": chat,
                        "message_id": str(row_id),
                        "created_at": when,
                        "updated_at": when,
                    }
                )
            if i % 20 == 0:
                votes.append(
                    {"item_id": poll_id, "contact_id": contact, "kind": "vote", "created_at": when}
                )
        next_id += size
        async with store.db.session("benchmark: a chunk") as session:
            await session.execute(insert(m.InboundMessage), inbound)
            await session.execute(insert(m.Verdict), verdicts)
            if outbound:
                await session.execute(insert(m.OutboundMessage), outbound)
            if cases:
                ids = (
                    await session.execute(
                        insert(m.Case).returning(m.Case.id, sort_by_parameter_order=True), cases
                    )
                ).scalars()
                events_rows = [
                    {
                        "case_id": cid,
                        "kind": "csat_answered",
                        "payload": {"score": rng.randint(1, 5)},
                        "created_at": END,
                    }
                    for cid in ids
                    if rng.random() < 0.5
                ]
                if events_rows:
                    await session.execute(insert(m.CaseEvent), events_rows)
            if leads:
                await session.execute(insert(m.Lead), leads)
            if votes:
                await session.execute(insert(m.EngagementRecord), votes)
        counts["messages"] += len(inbound)
        counts["verdicts"] += len(verdicts)
        counts["outbound"] += len(outbound)
        counts["cases"] += len(cases)
        counts["leads"] += len(leads)
        counts["votes"] += len(votes)
    return counts


async def _timed(coro_factory: Any, runs: int = 3) -> tuple[float, float, Any]:
    started = time.perf_counter()
    result = await coro_factory()
    cold = time.perf_counter() - started
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        result = await coro_factory()
        best = min(best, time.perf_counter() - started)
    return cold, best, result


async def measure(url: str, events: int, months: int, size: Any) -> dict[str, Any]:
    db = Database(url)
    await db.upgrade()
    store = Store(db)
    started = time.perf_counter()
    counts = await fill(store, events, months)
    fill_s = time.perf_counter() - started
    if db.backend == "postgresql":
        async with db.session("analyse") as session:
            await session.execute(text("ANALYZE"))
    else:
        async with db.session("analyse") as session:
            await session.execute(text("ANALYZE"))
    month = Period(_month_start(1), END, "last month")

    async def report(chat: str | None = None) -> str:
        data = await build_report(store, month, chat_id=chat)
        return json.dumps(as_json(data))

    async def baseline() -> int:
        query = select(func.count(m.InboundMessage.id)).where(
            m.InboundMessage.received_at >= month.start, m.InboundMessage.received_at < month.end
        )
        async with db.session("baseline") as session:
            return int(await session.scalar(query) or 0)

    cold, best, out = await _timed(report)
    _, chat_best, _ = await _timed(lambda: report("-1001000000001"))
    _, base, month_messages = await _timed(baseline)
    result = {
        "rows": counts,
        "fill_s": round(fill_s, 1),
        "month_messages": month_messages,
        "cold_s": round(cold, 3),
        "report_s": round(best, 3),
        "chat_report_s": round(chat_best, 3),
        "baseline_s": round(base, 4),
        "ratio": round(best / base, 1) if base else None,
        "json_kb": round(len(out) / 1024, 1),
        "database_mb": round(await size(db) / 2**20, 1),
        "under_2s": best < 2.0,
    }
    await db.dispose()
    return result


async def main(args: argparse.Namespace) -> dict[str, Any]:
    out: dict[str, Any] = {
        "events": args.events,
        "months": args.months,
        "python": platform.python_version(),
    }
    if "sqlite" in args.backends:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "bench.db"

            async def sqlite_size(_db: Database) -> int:
                return sum(p.stat().st_size for p in Path(tmp).glob("bench.db*"))

            out["sqlite"] = await measure(
                f"sqlite:///{path}", args.events, args.months, sqlite_size
            )
    if "postgres" in args.backends:
        name = f"cmbot_bench_{uuid.uuid4().hex[:8]}"
        admin = create_async_engine(f"{args.pg_url}/postgres", isolation_level="AUTOCOMMIT")
        async with admin.connect() as conn:
            await conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:

            async def pg_size(db: Database) -> int:
                async with db.session("size") as session:
                    return int(
                        await session.scalar(text("SELECT pg_database_size(current_database())"))
                        or 0
                    )

            out["postgres"] = await measure(
                f"{args.pg_url}/{name}", args.events, args.months, pg_size
            )
        finally:
            async with admin.connect() as conn:
                await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            await admin.dispose()
    return out


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgres"])
    parser.add_argument("--pg-url", default="postgresql+asyncpg://postgres@127.0.0.1:5432")
    print(json.dumps(asyncio.run(main(parser.parse_args())), indent=2))
