"""The runtime end to end at the transport seam, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Mapping
from typing import Any

from sqlalchemy import event, func, select

from bot.storage import Database
from bot.storage.models import Event, InboundMessage, OutboundMessage, RawUpdate, Verdict
from tests.storage.conftest import backend, database, database_url  # noqa: F401  fixtures
from tests.telegram import fakes as f
from tests.telegram.conftest import Factory, crash
from tests.telegram.fakes import FakeClock, RecordingApi


async def count(db: Database, model: type, **where: Any) -> int:
    async with db.session() as session:
        query = select(func.count()).select_from(model).filter_by(**where)
        return int(await session.scalar(query) or 0)


def replies(api: RecordingApi, chat: int = f.GROUP) -> list[Mapping[str, Any]]:
    return [c.params for c in api.sent() if c.params["chat_id"] == chat]


async def test_start_learns_the_bot_username(make_runtime: Factory) -> None:
    runtime = await make_runtime()
    assert runtime.bot_username == f.BOT_USERNAME


async def test_public_complaint_gets_a_reply_in_its_thread_with_a_private_button(
    make_runtime: Factory, api: RecordingApi, database: Database
) -> None:
    runtime = await make_runtime()
    await runtime.feed(f.comment("My parcel never arrived, this is a scandal", lang="en"))
    await runtime.drain(30)
    (reply,) = replies(api)
    assert reply["reply_parameters"] == {"message_id": 120}
    (button,) = reply["reply_markup"]["inline_keyboard"][0]
    assert button["url"] == f"https://t.me/{f.BOT_USERNAME}?start=c{f.GROUP}_120"
    assert button["url"] in reply["text"]
    (card,) = replies(api, f.STAFF_CHAT)
    assert card["parse_mode"] == "HTML" and "Complaint" in card["text"]
    assert await count(database, RawUpdate, status="done") == 1
    assert await count(database, OutboundMessage, status="sent") == 2


async def test_the_same_update_twice_yields_one_reply(
    make_runtime: Factory, api: RecordingApi, database: Database
) -> None:
    runtime = await make_runtime()
    update = f.comment("How long does delivery take to Belgium?", lang="en")
    await asyncio.gather(runtime.feed(update), runtime.feed(update))
    await runtime.drain(30)
    await runtime.feed(update)
    await runtime.drain(30)
    assert len(replies(api)) == 1
    assert await count(database, RawUpdate) == 1
    assert await count(database, InboundMessage) == 1


async def test_crash_before_processing_and_while_sending_loses_and_doubles_nothing(
    make_runtime: Factory, database: Database, clock: FakeClock
) -> None:
    received: list[Any] = []
    hang = asyncio.Event()

    class HangingApi(RecordingApi):
        async def call(self, method: str, params: Mapping[str, Any]) -> Any:
            result = await super().call(method, params)
            if method == "sendMessage":
                received.append(params)
                await hang.wait()  # Telegram got it; the bot dies before the answer
            return result

    first = await make_runtime(bot_api=HangingApi(clock))
    updates = [
        f.private_message(f"Do you ship to Canada? #{i}", uid=9000 + i, lang="en") for i in range(6)
    ]
    for update in updates[:3]:
        await first.feed(update)
    for _ in range(500):  # let it process and start sending all three (each one hangs)
        await asyncio.sleep(0.01)
        if len(received) == 3:
            break
    first._accepting = False  # the next ones are stored but never processed: then killed
    for update in updates[3:]:
        await first.feed(update)
    crash(first)

    api = RecordingApi(clock)
    second = await make_runtime(bot_api=api)
    await second.drain(30)
    sent = [c.params["chat_id"] for c in api.sent()] + [p["chat_id"] for p in received]
    assert sorted(sent) == [9000 + i for i in range(6)]  # exactly one reply each
    assert await count(database, RawUpdate, status="done") == 6


async def test_an_update_that_interrupts_processing_every_time_is_set_aside(
    make_runtime: Factory, database: Database
) -> None:
    """Each start that takes the update into processing counts one attempt (the first one
    when it is stored, since the idle runtime processes it at once); at the limit it is set
    aside as failed and the next updates go on."""
    stuck = asyncio.Event()

    async def hang(_messages: Any) -> Any:
        stuck.set()
        await asyncio.Event().wait()  # the process dies in the middle of it

    async def attempts() -> list[int]:
        async with database.session() as session:
            return list((await session.scalars(select(RawUpdate.attempts))).all())

    poison = f.private_message("Do you ship to Canada?", uid=9100, lang="en")
    for start in range(3):
        runtime = await make_runtime(start=False)
        runtime.pipeline.handle_many = hang  # type: ignore[method-assign]
        await runtime.start()
        if start == 0:
            await runtime.feed(poison)
        await asyncio.wait_for(stuck.wait(), 10)
        stuck.clear()
        crash(runtime)
        assert await attempts() == [start + 1]
    last = await make_runtime()
    await last.feed(f.private_message("Do you ship to Canada?", uid=9101, lang="en"))
    await last.drain(30)
    assert await count(database, RawUpdate, status="failed") == 1
    assert await count(database, RawUpdate, status="done") == 1
    assert await count(database, InboundMessage) == 1  # the poison update was not processed


async def test_a_lone_update_costs_few_transactions(
    make_runtime: Factory, database: Database, api: RecordingApi
) -> None:
    """Stored as taken into processing, its cases read, its results saved with its reply
    marked ``sending`` (the outbox claimed it), the reply's result: four transactions (group
    commits make a burst cheaper)."""
    runtime = await make_runtime()
    await runtime.drain(30)
    begun: list[object] = []

    def on_begin(connection: object) -> None:
        begun.append(connection)

    engines = [database.engine.sync_engine, database._inline_engine, database._sync_engine]
    for engine in filter(None, engines):
        event.listen(engine, "begin", on_begin)
    try:
        await runtime.feed(f.private_message("Do you ship to Canada?", uid=9200, lang="en"))
        await runtime.drain(30)
    finally:
        for engine in filter(None, engines):
            event.remove(engine, "begin", on_begin)
    assert len(api.sent()) == 1
    assert len(begun) == 4


async def test_edited_message_is_retriaged_and_answered_again_only_if_its_category_changed(
    make_runtime: Factory, api: RecordingApi, database: Database
) -> None:
    runtime = await make_runtime()
    original = f.comment("Love the new serum, thank you!", lang="en")
    await runtime.feed(original)
    await runtime.drain(30)
    await runtime.feed(f.edited(original, "Love the new serum, thanks a lot!"))
    await runtime.drain(30)
    assert len(replies(api)) == 1  # same category: no second reply
    await runtime.feed(f.edited(original, "My parcel never arrived, this is a scandal"))
    await runtime.drain(30)
    assert len(replies(api)) == 2
    assert await count(database, Verdict) == 3


async def test_group_burst_delivers_every_reply_in_order_within_limits(
    make_runtime: Factory, api: RecordingApi
) -> None:
    runtime = await make_runtime(telegram={"staff_chat_id": None})
    from bot.errors import RetryAfter

    api.fail(RetryAfter("Too Many Requests: retry after 5", 5), chat_id=f.GROUP, times=3)
    updates = [
        f.comment(
            "How long does delivery take to Belgium?", uid=3000 + i, message_id=1000 + i, lang="en"
        )
        for i in range(60)
    ]
    await asyncio.gather(*(runtime.feed(u) for u in updates))
    await runtime.drain(60)
    sent = replies(api)
    assert [r["reply_parameters"]["message_id"] for r in sent] == [1000 + i for i in range(60)]
    times = [c.at for c in api.sent() if c.params["chat_id"] == f.GROUP]
    assert min(b - a for a, b in itertools.pairwise(times)) >= 1.0
    assert all(b - a >= 60.0 for a, b in zip(times, times[20:], strict=False))  # 20/min


async def test_own_messages_and_automatic_forwards_get_no_action(
    make_runtime: Factory, api: RecordingApi, database: Database
) -> None:
    runtime = await make_runtime()
    own = f.comment("Earn 500$ daily with crypto t.me/xx bit.ly/abc")
    own["message"]["from"] = {"id": f.BOT_ID, "is_bot": True, "first_name": "Solène"}
    await runtime.feed(own)
    await runtime.feed(f.channel_post_forward())
    await runtime.drain(30)
    assert [c.method for c in api.calls] == ["getMe"]
    assert await count(database, RawUpdate, status="done") == 2


async def test_business_message_is_answered_through_its_connection(
    make_runtime: Factory, api: RecordingApi
) -> None:
    runtime = await make_runtime()
    await runtime.feed(f.business_message("Do you ship to Canada?"))
    await runtime.drain(30)
    (reply,) = replies(api, 333)
    assert reply["business_connection_id"] == "bc-1"


async def test_deep_link_start_ties_the_private_chat_to_the_comment(
    make_runtime: Factory, api: RecordingApi, database: Database
) -> None:
    runtime = await make_runtime()
    await runtime.feed(f.comment("Colis MS-123456 jamais reçu, c'est honteux", uid=222))
    await runtime.drain(30)
    await runtime.feed(f.private_message(f"/start c{f.GROUP}_120", uid=222))
    await runtime.drain(30)
    assert await count(database, Event, kind="moved_to_private") == 1
    (ask,) = replies(api, 222)
    assert "MS-" in ask["text"]  # the complaint playbook's ask_details reply


async def test_staff_approve_a_draft_once_and_only_staff(
    make_runtime: Factory, api: RecordingApi, database: Database
) -> None:
    runtime = await make_runtime()
    await runtime.feed(f.comment("hello", message_id=130))
    await runtime.drain(30)
    assert replies(api) == []  # drafted, waiting for a human
    (card,) = replies(api, f.STAFF_CHAT)
    buttons = [b[0]["callback_data"] for b in card["reply_markup"]["inline_keyboard"]]
    assert [b.rsplit(":", 1)[0] for b in buttons] == [
        f"cmbot:a:{f.GROUP}:130",
        f"cmbot:r:{f.GROUP}:130",
    ]
    forged = buttons[0].replace(":130:", ":131:")
    for presser, data in ((7, buttons[0]), (42, forged), (42, buttons[0]), (42, buttons[0])):
        await runtime.feed(f.callback(data, uid=presser))
        await runtime.drain(30)
    answers = [c.params.get("text") for c in api.sent("answerCallbackQuery")]
    assert answers == [
        "Only staff can do this.",
        "This button is not valid.",
        "Sent ✓",
        "Already handled.",
    ]
    assert await count(database, Event, kind="refused") == 2
    assert len(replies(api)) == 1


async def test_new_members_first_messages_carry_the_signal(
    make_runtime: Factory, database: Database
) -> None:
    runtime = await make_runtime()
    await runtime.feed(f.new_members(4242))
    await runtime.feed(f.comment("Hi all, nice serum", uid=4242, message_id=140))
    await runtime.drain(30)
    assert await count(database, InboundMessage, is_new_member=True) == 1
