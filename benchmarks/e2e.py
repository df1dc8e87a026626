"""Benchmark the whole bot over HTTP: cmbot against a bare echo bot of the same framework.

Usage: ``.venv/bin/python benchmarks/e2e.py [--updates N] [--paced-seconds S]
[--limits-burst B] [--pairs P]``. Prints one JSON object. Everything runs in one process and
one event loop: the fake Telegram Bot API server (``tests/fakes``) on 127.0.0.1, and the bot
under test talking to it by long polling with the framework's real client stack. For each
framework:

* ``echo`` / ``cmbot`` ``burst``: ``N`` private messages (questions, one per user) are queued,
  then the bot is started; ``updates_per_s`` is N over the time from the first update served
  by getUpdates to the last reply received by the fake; ``p50_ms``/``p99_ms`` are per update,
  from being served to its reply arriving at the fake.
* ``paced``: one message every 10 ms (100 updates/s) for ``S`` seconds; latency as above.
* ``ratio``: cmbot's burst updates/s over the echo bot's, same framework, same run: the
  median of ``--pairs`` (default 3) burst pairs, each an echo burst then a cmbot burst back to
  back (``pair_ratios``: all of them; the ``burst`` figures are the median pair's);
  ``cpu_ratio``: the median of the echo bot's process CPU time per update over cmbot's during
  a pair's bursts (the fake server's share is in both), which other load on the machine
  disturbs less.
* ``limits``: the fake enforces Telegram's real limits (1/s per chat, 20/min per group, 30/s
  overall; over them: 429) and cmbot runs with its default outbox; a burst of ``B`` private
  messages (so the 30/s global limit binds); ``replies_per_s`` is the delivered rate from the
  first reply to the last, against ``limit_per_s``; ``lost`` must be 0, ``violations`` too.

cmbot runs with its real runtime on a fresh SQLite file (WAL) per run, the shipped playbooks,
and, outside the ``limits`` part, limits high enough never to bind (the echo bot has none).
Its classifier is made ready as ``cmbot run`` does (:meth:`Classifier.ready`: built, then the
start-up objects frozen out of the garbage collector's sight), which also spares the echo bot,
in the same process, the collections that walked them. Before each run, the garbage of the
earlier runs is collected.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.app import build_classifier  # noqa: E402
from bot.classify.classifier import Classifier  # noqa: E402
from bot.config import Config  # noqa: E402
from bot.telegram.ports import BotApi  # noqa: E402
from bot.telegram.runtime import build_runtime  # noqa: E402
from handlers.runner import BotRunner, Runtime  # noqa: E402
from tests.fakes.bot_api import FakeBotApi  # noqa: E402
from tests.fakes.updates import JSON, user  # noqa: E402

QUESTION = "Do you ship to Canada? How long does delivery take?"
NO_LIMITS = {"per_chat_per_second": 1e6, "per_group_per_minute": 10**9, "global_per_second": 1e6}
Starter = Callable[[FakeBotApi], Any]


# -- the bots ------------------------------------------------------------------------------


@asynccontextmanager
async def aiogram_echo(server: FakeBotApi) -> AsyncIterator[None]:
    from aiogram import Bot, Dispatcher
    from aiogram.client.session.aiohttp import AiohttpSession
    from aiogram.client.telegram import TelegramAPIServer
    from aiogram.types import Message, ReplyParameters

    bot = Bot(server.token, session=AiohttpSession(api=TelegramAPIServer.from_base(server.url)))
    dispatcher = Dispatcher()

    @dispatcher.message()
    async def echo(message: Message) -> None:
        reply = ReplyParameters(message_id=message.message_id)
        await message.answer(message.text or "?", reply_parameters=reply)

    task = asyncio.create_task(dispatcher.start_polling(bot, handle_signals=False))
    try:
        yield
    finally:
        await dispatcher.stop_polling()
        await asyncio.gather(task, return_exceptions=True)


@asynccontextmanager
async def ptb_echo(server: FakeBotApi) -> AsyncIterator[None]:
    from telegram import ReplyParameters, Update
    from telegram.ext import Application, ContextTypes, MessageHandler, filters

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        assert message is not None
        await context.bot.send_message(
            message.chat_id,
            message.text or "?",
            reply_parameters=ReplyParameters(message_id=message.message_id),
        )

    app = Application.builder().token(server.token).base_url(f"{server.url}/bot").build()
    app.add_handler(MessageHandler(filters.TEXT, echo))
    await app.initialize()
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(timeout=10)
    try:
        yield
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()


def cmbot(framework: str, classifier: Classifier, **outbox: Any) -> Starter:
    @asynccontextmanager
    async def run(server: FakeBotApi) -> AsyncIterator[None]:
        async def factory(config: Config, api: BotApi) -> Runtime:
            return await build_runtime(config, api, classifier=classifier)

        with tempfile.TemporaryDirectory() as tmp:
            config = Config(
                playbooks=ROOT / "playbooks",
                database={"url": f"sqlite:///{tmp}/cmbot.db"},
                telegram={"framework": framework, "token": server.token, "api_url": server.url},
                outbox=outbox,
            )
            runner = BotRunner(config, runtime_factory=factory)
            await runner.start()
            try:
                yield
            finally:
                await runner.stop()

    return run


# -- measuring -----------------------------------------------------------------------------


def dm(server: FakeBotApi, uid: int) -> JSON:
    return server.updates.private_message(user(uid, f"U{uid}", language_code="en"), QUESTION)


def latencies(server: FakeBotApi, pushed: list[JSON]) -> tuple[list[float], list[float]]:
    """(latency per answered update in s, reply arrival times) from the fake's records."""
    by_message = {(u["message"]["chat"]["id"], u["message"]["message_id"]): u for u in pushed}
    out, arrivals = [], []
    for call in server.calls_to("sendMessage"):
        reply = call.params.get("reply_parameters") or {}
        update = by_message.pop((call.params.get("chat_id"), reply.get("message_id")), None)
        if call.status == 200 and update is not None:
            out.append(call.at - server.served_at[update["update_id"]])
            arrivals.append(call.at)
    return out, arrivals


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def summary(lat: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(pct(lat, 0.50) * 1000, 2),
        "p99_ms": round(pct(lat, 0.99) * 1000, 2),
        "mean_ms": round(statistics.fmean(lat) * 1000, 2) if lat else float("nan"),
    }


async def wait_for(server: FakeBotApi, pushed: list[JSON], timeout: float) -> None:
    """Until every pushed update has its reply (or ``timeout``). Reads only the calls
    recorded since the last look: this runs in the bot's own event loop, and rescanning
    every call each time took as much of the loop as the bot's own sending."""
    waiting = {(u["message"]["chat"]["id"], u["message"]["message_id"]) for u in pushed}
    seen = 0
    deadline = time.monotonic() + timeout
    while waiting and time.monotonic() < deadline:
        calls = server.calls[seen:]
        seen += len(calls)
        for call in calls:
            if call.status == 200 and call.method.lower() == "sendmessage":
                reply = call.params.get("reply_parameters") or {}
                waiting.discard((call.params.get("chat_id"), reply.get("message_id")))
        if waiting:
            await asyncio.sleep(0.02)


def without_earlier_runs() -> None:
    """Collect the garbage the earlier runs left (whole bots, fake servers and databases,
    freed only by a full collection): else one such collection, about 60 ms here, lands in a
    later run's latencies, which a bot that runs for days never pays. Both bots get it."""
    gc.collect()


async def burst(start: Starter, n: int, uid0: int) -> dict[str, Any]:
    without_earlier_runs()
    async with FakeBotApi() as server:
        pushed = server.push_update(*[dm(server, uid0 + i) for i in range(n)])
        async with start(server):
            cpu = time.process_time()
            await wait_for(server, pushed, 120)
            cpu = time.process_time() - cpu
        lat, arrivals = latencies(server, pushed)
        first = min(server.served_at.values())
        took = max(arrivals) - first if arrivals else float("nan")
    return {"updates": n, "answered": len(lat), "seconds": round(took, 3),
            "updates_per_s": round(len(lat) / took, 1), **summary(lat),
            "cpu_ms_per_update": round(cpu * 1000 / n, 3)}  # fmt: skip


async def paced(start: Starter, seconds: float, uid0: int, rate: float = 100.0) -> dict[str, Any]:
    without_earlier_runs()
    async with FakeBotApi() as server:
        async with start(server):
            await asyncio.sleep(0.5)  # started and polling
            pushed: list[JSON] = []
            t0 = time.monotonic()
            for i in range(int(seconds * rate)):
                await asyncio.sleep(max(0.0, t0 + i / rate - time.monotonic()))
                pushed += server.push_update(dm(server, uid0 + i))
            await wait_for(server, pushed, 30)
        lat, _ = latencies(server, pushed)
    return {"rate_per_s": rate, "updates": len(pushed), "answered": len(lat), **summary(lat)}


async def limited(framework: str, classifier: Classifier, n: int, uid0: int) -> dict[str, Any]:
    without_earlier_runs()
    async with FakeBotApi() as server:
        limits = server.enforce_limits(refuse=True)  # Telegram's real limits
        pushed = server.push_update(*[dm(server, uid0 + i) for i in range(n)])
        async with cmbot(framework, classifier)(server):  # the default outbox: real limits
            await wait_for(server, pushed, n / limits.global_per_second * 2 + 30)
        _, arrivals = latencies(server, pushed)
    span = max(arrivals) - min(arrivals) if len(arrivals) > 1 else float("nan")
    rate = (len(arrivals) - 1) / span
    refused = sum(c.status == 429 for c in server.calls_to("sendMessage"))
    return {"updates": n, "delivered": len(arrivals), "lost": n - len(arrivals),
            "seconds": round(span, 2), "replies_per_s": round(rate, 2),
            "limit_per_s": limits.global_per_second,
            "of_limit": round(rate / limits.global_per_second, 3),
            "violations": len(limits.violations),
            "refused_429": refused}  # fmt: skip


async def main(args: argparse.Namespace) -> dict[str, Any]:
    classifier = build_classifier(Config(playbooks=ROOT / "playbooks")).ready()  # as `cmbot run`
    echoes = {"aiogram": aiogram_echo, "ptb": ptb_echo}
    out: dict[str, Any] = {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "updates": args.updates,
        "paced_seconds": args.paced_seconds,
    }
    for framework, echo in echoes.items():
        bot = cmbot(framework, classifier, **NO_LIMITS)
        await burst(echo, 200, 1_000_000)  # warm-up: imports, connections
        await burst(bot, 200, 1_100_000)
        pairs = []
        for i in range(args.pairs):  # echo then cmbot, back to back: the same machine state
            e = await burst(echo, args.updates, 2_000_000 + i * 100_000)
            c = await burst(bot, args.updates, 4_000_000 + i * 100_000)
            # CPU time of the whole process (bot and fake server) per update, echo over
            # cmbot: steadier than the rate when other work runs.
            cpu = e["cpu_ms_per_update"] / c["cpu_ms_per_update"]
            rate = c["updates_per_s"] / e["updates_per_s"]
            pairs.append({"echo": e, "cmbot": c, "ratio": round(rate, 3),
                          "cpu_ratio": round(cpu, 3)})  # fmt: skip
        middle = sorted(pairs, key=lambda p: p["ratio"])[len(pairs) // 2]
        result: dict[str, Any] = {
            "echo": {"burst": middle["echo"],
                     "paced": await paced(echo, args.paced_seconds, 3_000_000)},
            "cmbot": {"burst": middle["cmbot"],
                      "paced": await paced(bot, args.paced_seconds, 5_000_000)},
            "ratio": middle["ratio"],
            "cpu_ratio": statistics.median(p["cpu_ratio"] for p in pairs),
            "pair_ratios": [p["ratio"] for p in pairs],
            "pair_cpu_ratios": [p["cpu_ratio"] for p in pairs],
        }  # fmt: skip
        result["limits"] = await limited(framework, classifier, args.limits_burst, 6_000_000)
        out[framework] = result
    return out


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--updates", type=int, default=1000)
    parser.add_argument("--paced-seconds", type=float, default=5.0)
    parser.add_argument("--limits-burst", type=int, default=450)
    parser.add_argument("--pairs", type=int, default=3)
    print(json.dumps(asyncio.run(main(parser.parse_args())), indent=2))
