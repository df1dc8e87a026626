"""Benchmark the runtime's SQLite transactions: how long the event loop waits for each one,
with WAL checkpoints in their own thread (cmbot's default) or in the commits (SQLite's).

Usage: ``.venv/bin/python benchmarks/sqlite_commits.py [--updates N] [--rounds R]``. Prints
one JSON object. Each round stores ``N`` lone updates the way the runtime does at a low rate
(store the update, read nothing, save a DM question's message, verdict and reply), each
transaction timed as the loop sees it, on a fresh SQLite file per mode, the two modes one
after the other; rounds alternate which goes first. Figures are per transaction, over all
rounds: p50, p99, p99.9, the worst, how many took over 3 ms, and the largest log file seen.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.domain import InboundMessage, MessageKind, Sentiment, Verdict  # noqa: E402
from bot.storage import Database, Store  # noqa: E402
from bot.storage.store_outbound import OutboundRecord  # noqa: E402
from bot.storage.store_runtime import ProcessedUpdate  # noqa: E402

TEXT = "Do you ship to Canada? How long does delivery take? " * 3


async def one_mode(thread: bool, updates: int, first_id: int) -> tuple[list[float], int]:
    with tempfile.TemporaryDirectory() as tmp:
        path = f"{tmp}/cmbot.db"
        db = Database(f"sqlite:///{path}", checkpoint_thread=thread)
        await db.upgrade()
        store = Store(db)
        took: list[float] = []
        biggest = 0
        for i in range(first_id, first_id + updates):
            payload = {"update_id": i, "message": {"text": TEXT, "chat": {"id": i}}}
            t = time.perf_counter()
            [(row, _)] = await store.record_updates("telegram", [(i, payload)], processing=True)
            took.append(time.perf_counter() - t)
            message = InboundMessage(
                text=TEXT, platform="telegram", chat_id=str(i), user_id=str(i),
                message_id="1", kind=MessageKind.DM, username=f"u{i}", first_name="Lea",
            )  # fmt: skip
            verdict = Verdict("question", ("question",), "en", Sentiment.NEUTRAL, 0.9, ())
            reply = OutboundRecord(str(i), "reply", TEXT, {"method": "sendMessage"}, "sending", 1)
            done = ProcessedUpdate(row, message=message, verdict=verdict, outbound=[reply])
            t = time.perf_counter()
            await store.save_processed("telegram", [done])
            took.append(time.perf_counter() - t)
            await asyncio.sleep(0.001)  # a low rate: the loop has time between updates
            if i % 100 == 0 and os.path.exists(path + "-wal"):
                biggest = max(biggest, os.path.getsize(path + "-wal"))
        await db.dispose()
    return took, biggest


def summary(took: list[float], biggest: int) -> dict[str, Any]:
    ordered = sorted(took)

    def at(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 3)

    return {
        "transactions": len(ordered),
        "p50_ms": at(0.5),
        "p99_ms": at(0.99),
        "p999_ms": at(0.999),
        "max_ms": round(ordered[-1] * 1000, 3),
        "over_3ms": sum(t > 0.003 for t in ordered),
        "largest_wal_mb": round(biggest / 1e6, 1),
    }


async def main(args: argparse.Namespace) -> dict[str, Any]:
    results: dict[bool, tuple[list[float], int]] = {True: ([], 0), False: ([], 0)}
    for r in range(args.rounds):
        order = (True, False) if r % 2 == 0 else (False, True)
        for thread in order:
            took, biggest = await one_mode(thread, args.updates, r * args.updates)
            results[thread][0].extend(took)
            results[thread] = (results[thread][0], max(results[thread][1], biggest))
    return {
        "python": platform.python_version(),
        "updates_per_round": args.updates,
        "rounds": args.rounds,
        "checkpoint_thread": summary(*results[True]),
        "checkpoint_in_commits": summary(*results[False]),
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--updates", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=2)
    print(json.dumps(asyncio.run(main(parser.parse_args())), indent=2))
