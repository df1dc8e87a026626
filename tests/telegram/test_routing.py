"""Routers in a live runtime: commands, signed buttons, hooks and scheduled jobs that survive a
restart, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta
from typing import Any

import pytest

from bot.classify.classifier import Classifier
from bot.storage import Database
from bot.storage.models import Event
from bot.telegram.effects import escape_html, send_text
from bot.telegram.routing import (
    Command,
    Context,
    Press,
    Reaction,
    Router,
    StaffMessage,
    Triaged,
)
from bot.telegram.runtime import TelegramRuntime, build_runtime
from bot.telegram.signing import sign, verify
from bot.telegram.updates import ParsedUpdate
from tests.storage.conftest import backend, database, database_url  # noqa: F401  fixtures
from tests.telegram import fakes as f
from tests.telegram.conftest import make_config
from tests.telegram.fakes import FakeClock, RecordingApi
from tests.telegram.test_runtime import count

Make = Callable[[], Awaitable[TelegramRuntime]]


def demo_router(seen: list[Any]) -> Router:
    router = Router("demo")

    @router.command("ping", where={"staff", "private"}, staff_only=True, help="is it alive")
    async def ping(ctx: Context, cmd: Command) -> Reaction:
        seen.append(("ping", cmd.where, cmd.args))
        remind = ctx.now_dt + timedelta(hours=1)
        await ctx.store.schedule_job("remind", f"remind:{cmd.chat_id}", remind, {"n": cmd.args})
        button = ctx.button("Again", "pg", cmd.args)
        return Reaction().add(send_text(cmd.chat_id, "pong", buttons=[[button]]))

    @router.callback("pg", staff_only=True)
    async def again(ctx: Context, press: Press) -> Reaction:
        seen.append(("press", press.args))
        return Reaction().add(press.answer(f"again {press.args[0]}"))

    @router.job("remind")
    async def remind(ctx: Context, job: Any) -> Reaction:
        seen.append(("job", job.payload["n"]))
        staff = ctx.to_staff(escape_html(f"reminder <{job.payload['n']}>"))
        assert staff is not None
        return Reaction().add(staff).event("reminded", n=job.payload["n"])

    @router.on_outcome
    async def tag(ctx: Context, triaged: Triaged) -> Reaction | None:
        seen.append(("outcome", triaged.outcome.verdict.category))
        return None

    @router.on_staff_message
    async def relay(ctx: Context, message: StaffMessage) -> Reaction | None:
        seen.append(("staff", message.message.text, message.reply_to))
        return None

    @router.on_update
    async def other(ctx: Context, parsed: ParsedUpdate) -> Reaction | None:
        seen.append(("update", parsed.kind.value))
        return None

    return router


@pytest.fixture
async def make(
    database: Database, api: RecordingApi, clock: FakeClock, classifier: Classifier
) -> AsyncIterator[tuple[Make, list[Any]]]:
    made: list[TelegramRuntime] = []
    seen: list[Any] = []

    async def build() -> TelegramRuntime:
        runtime = await build_runtime(
            make_config(telegram={"tick_seconds": 0}),
            api,
            database=database,
            clock=clock,
            classifier=classifier,
            routers=[demo_router(seen)],
        )
        await runtime.start()
        made.append(runtime)
        return runtime

    yield build, seen
    for runtime in made:
        await runtime.stop(timeout=0)


def staff_text(text: str, uid: int = 42, reply_to: int | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "message_id": 77,
        "from": f.user(uid, "Agent", "en"),
        "chat": {"id": f.STAFF_CHAT, "title": "Staff", "type": "supergroup"},
        "date": f.DATE,
        "text": text,
    }
    if reply_to is not None:
        body["reply_to_message"] = {"message_id": reply_to, "chat": body["chat"], "date": f.DATE}
    return {"update_id": f.DATE + reply_to if reply_to else f.DATE + 7, "message": body}


def test_signed_data_round_trips_and_any_change_is_refused() -> None:
    data = sign(b"k", "cl", 12, "x")
    assert verify(b"k", data) == ("cl", ("12", "x"))
    assert verify(b"other", data) is None
    assert verify(b"k", data.replace(":12:", ":13:")) is None
    assert verify(b"k", "cmbot:cl:12") is None
    with pytest.raises(ValueError, match="64 bytes"):
        sign(b"k", "cl", "x" * 60)


async def test_staff_command_button_and_refusals(
    make: tuple[Make, list[Any]], api: RecordingApi, database: Database
) -> None:
    build, seen = make
    runtime = await build()
    await runtime.feed(staff_text("/ping@" + f.BOT_USERNAME + " 7"))
    await runtime.feed(f.private_message("/ping 8", uid=111))  # not staff
    await runtime.feed(staff_text("/ping@another_bot 9"))  # not for us
    await runtime.drain(30)
    assert [s for s in seen if s[0] == "ping"] == [("ping", "staff", "7")]
    pong = next(c for c in api.sent() if c.params["text"] == "pong")
    data = pong.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    refusal = next(c for c in api.sent() if c.params["chat_id"] == 111)
    assert "staff only" in refusal.params["text"]
    for uid, pressed in ((42, data), (7, data), (42, data[:-1] + "A")):
        await runtime.feed(f.callback(pressed, uid=uid))
    await runtime.drain(30)
    answers = [c.params.get("text") for c in api.sent("answerCallbackQuery")]
    assert answers == ["again 7", "Only staff can do this.", "This button is not valid."]
    assert await count(database, Event, kind="refused") == 3


async def test_hooks_see_triaged_staff_and_other_updates(make: tuple[Make, list[Any]]) -> None:
    build, seen = make
    runtime = await build()
    await runtime.feed(f.comment("How long does delivery take to Belgium?", lang="en"))
    await runtime.feed(staff_text("I'll take this one", reply_to=1001))
    await runtime.feed(
        {"update_id": 9, "poll_answer": {"poll_id": "p", "user": f.user(5), "option_ids": [1]}}
    )
    await runtime.drain(30)
    assert ("outcome", "question") in seen
    assert ("staff", "I'll take this one", "1001") in seen
    assert ("update", "poll_answer") in seen


async def test_a_job_survives_a_restart_and_runs_once_when_due(
    make: tuple[Make, list[Any]], api: RecordingApi, clock: FakeClock, database: Database
) -> None:
    build, seen = make
    first = await build()
    await first.feed(staff_text("/ping 5"))
    await first.drain(30)
    assert await first.run_due_jobs() == 0  # not due yet
    await first.stop(timeout=0)

    clock.now += 3601
    second = await build()
    assert await second.run_due_jobs() == 1
    assert await second.run_due_jobs() == 0
    await second.drain(30)
    reminders = [c for c in api.sent() if "reminder" in c.params["text"]]
    assert [c.params["text"] for c in reminders] == ["reminder &lt;5&gt;"]
    assert seen.count(("job", "5")) == 1
    assert await count(database, Event, kind="reminded") == 1
