"""A contest with 200 entries (duplicates, non-members, staff) in the runtime, and its draw
verified by `cmbot contest verify` from what was published."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from bot.cli.main import cli
from bot.engagement.draw import commitment, draw
from bot.telegram.runtime import TelegramRuntime
from tests.engagement.conftest import EngagementApi, button_data, staff_command
from tests.telegram import fakes as f
from tests.telegram.conftest import Factory
from tests.telegram.fakes import FakeClock

NON_MEMBERS = set(range(1011, 1021))  # never members
LEAVERS = set(range(1021, 1031))  # members at entry, gone at the draw
STAFF_IN_CHAT = {1031, 1032}  # members of the staff chat (not in telegram.staff_user_ids)
STAFF = 42  # a configured staff user


def group_texts(api: EngagementApi) -> list[str]:
    return [c.params["text"] for c in api.sent() if c.params.get("chat_id") == f.GROUP]


async def launch(runtime: TelegramRuntime, api: EngagementApi, command: str) -> str:
    await runtime.feed(staff_command(command))
    await runtime.drain(10)
    await runtime.feed(f.callback(button_data(api, "Launch")))
    await runtime.drain(10)
    await runtime.run_due_jobs()
    await runtime.drain(10)
    note = [c.params["text"] for c in api.sent() if "Launched contest" in c.params["text"]][-1]
    found = re.search(r"#(\d+)", note)
    assert found
    return found.group(1)


async def test_comment_entries_count_once_and_only_under_the_post(
    make_runtime: Factory, eapi: EngagementApi
) -> None:
    runtime = await make_runtime(bot_api=eapi)
    await launch(
        runtime,
        eapi,
        f"/contest Comments --for 1d --keyword #EclatWinter --post 100 --chat {f.GROUP}",
    )
    (announce,) = [t for t in group_texts(eapi) if "Comments" in t]
    assert "Comment with #EclatWinter under post 100" in announce and "Join" not in str(
        eapi.sent()[-1].params
    )
    for uid in range(2001, 2006):
        await runtime.feed(f.comment("I'm in! #eclatwinter", uid=uid, message_id=uid, thread=100))
    await runtime.feed(f.comment("again #ECLATWINTER", uid=2001, message_id=6001, thread=100))
    await runtime.feed(f.comment("#eclatwinter", uid=2999, message_id=7000, thread=555))
    await runtime.feed(f.comment("just a comment", uid=2998, message_id=7001, thread=100))
    spam = "Earn 500$ a day from home!!! DM me on WhatsApp http://bit.ly/easy-money #eclatwinter"
    await runtime.feed(f.comment(spam, uid=2997, message_id=7002, thread=100, lang="en"))
    await runtime.drain(30)
    entries = await runtime.store.entries(1)
    assert sorted(int(e.user_id) for e in entries) == list(range(2001, 2006))
    checks = [c for c in eapi.sent("getChatMember") if c.params["user_id"] >= 2000]
    assert len(checks) == 5  # one membership check per entry, at entry


def photo(uid: int, message_id: int, thread: int, caption: str | None = None) -> dict[str, Any]:
    update = f.comment("x", uid=uid, message_id=message_id, thread=thread)
    body = update["message"]
    del body["text"]
    body["date"] = f.DATE + 10**6  # sent during the contest
    body["photo"] = [
        {"file_id": f"ph{uid}", "file_unique_id": f"u{uid}", "width": 90, "height": 90}
    ]
    if caption is not None:
        body["caption"] = caption
    return update


async def test_photo_entries_and_minimum_activity(
    make_runtime: Factory, eapi: EngagementApi, clock: FakeClock
) -> None:
    runtime = await make_runtime(bot_api=eapi)
    for uid in (3001, 3002):  # earlier activity: 3001 wrote two comments, 3002 one
        for n in range(3 if uid == 3001 else 1):
            await runtime.feed(
                f.comment(f"Lovely serum, day {n}", uid=uid, message_id=uid * 10 + n)
            )
    await runtime.drain(30)
    clock.now += 60
    await launch(runtime, eapi, f"/contest Photos --for 1d --photo --post 100 --chat {f.GROUP}")
    await runtime.store.update_item(
        1, definition={**(await runtime.store.item(1)).definition, "min_messages": 2}
    )  # type: ignore[union-attr]
    (announce,) = [t for t in group_texts(eapi) if "Photos" in t]
    assert "Send a photo under post 100" in announce
    await runtime.feed(photo(3001, 9001, 100))  # no caption: an update hook
    await runtime.feed(photo(3002, 9002, 100, caption="my routine"))  # a caption: triaged
    await runtime.feed(photo(3003, 9003, 555))  # another post
    await runtime.feed(f.comment("no photo here", uid=3004, message_id=9004, thread=100))
    await runtime.drain(30)
    entries = await runtime.store.entries(1)
    assert sorted(e.user_id for e in entries) == ["3001", "3002"]
    assert {e.payload["how"] for e in entries} == {"photo"}
    clock.now += 86400
    await runtime.run_due_jobs()
    await runtime.drain(30)
    clock.now += 30
    await runtime.run_due_jobs()
    await runtime.drain(30)
    item = await runtime.store.item(1)
    assert item is not None and item.state["eligible"] == [
        str(e.id) for e in entries if e.user_id == "3001"
    ]
    assert "fewer than 2 comments" in next(iter(item.state["excluded"].values()))


async def test_contest_with_200_entries_draws_three_eligible_verifiable_winners(
    make_runtime: Factory,
    eapi: EngagementApi,
    clock: FakeClock,
    tmp_path: Path,
) -> None:
    for uid in NON_MEMBERS:
        eapi.statuses[uid] = "left"
    eapi.staff = set(STAFF_IN_CHAT)
    runtime = await make_runtime(bot_api=eapi)
    contest_id = await launch(
        runtime, eapi,
        f'/contest Winter giveaway --winners 3 --for 2d --chat {f.GROUP} --prize "an Éclat serum"',
    )  # fmt: skip
    (announce,) = [t for t in group_texts(eapi) if "Winter giveaway" in t]
    published = re.search(r"commitment SHA-256 ([0-9a-f]{64})", announce)
    assert published and "not sponsored or endorsed by Telegram" in announce
    join = button_data(eapi, "Join")
    presses = [*range(1001, 1188), *range(1001, 1013), STAFF]  # 187 people, 12 again, staff
    assert len(presses) == 200
    for uid in presses:
        await runtime.feed(f.callback(join, uid=uid, chat_id=f.GROUP))
    await runtime.drain(30)
    answers = [c.params.get("text") for c in eapi.sent("answerCallbackQuery")]
    assert answers.count("You are already in. Good luck!") == 12
    await runtime.stop(timeout=5)
    runtime = await make_runtime(bot_api=eapi)  # restart before the deadline
    for uid in LEAVERS:
        eapi.statuses[uid] = "left"
    clock.now += 2 * 86400
    await runtime.run_due_jobs()  # deadline: entries closed, members checked again
    await runtime.drain(30)
    await runtime.feed(f.callback(join, uid=1500, chat_id=f.GROUP))  # too late
    clock.now += 30
    await runtime.run_due_jobs()  # the draw
    await runtime.drain(30)
    texts = group_texts(eapi)
    result = next(t for t in texts if t.startswith("🏆 Winners of “Winter giveaway”"))
    seed = re.search(r"Seed: ([0-9a-f]{64})", result)
    assert seed and commitment(seed.group(1)) == published.group(1)
    idx = texts.index(result)
    entry_list = [e.strip() for e in texts[idx + 1].split(",")]
    winners = re.findall(r"• entry #(\d+)", result)
    assert len(winners) == 3
    eligible_people = 187 - len(NON_MEMBERS) - len(LEAVERS) - len(STAFF_IN_CHAT)
    assert len(entry_list) == eligible_people
    assert draw(seed.group(1), entry_list, 3) == winners
    # the entries' owners: eligible members only, never staff
    async with runtime.store.db.session() as session:
        from sqlalchemy import select

        from bot.storage.models import EngagementRecord

        rows = (
            await session.execute(
                select(EngagementRecord.id, EngagementRecord.user_id, EngagementRecord.item_id)
            )
        ).all()
    owners = {str(r[0]): int(r[1]) for r in rows}
    per_item = {}
    for r in rows:
        per_item.setdefault(r[2], []).append(int(r[1]))
    assert [len(v) for v in per_item.values()] == [188]  # one entry per person (+ staff)
    assert 1500 not in owners.values()
    for w in winners:
        assert owners[w] not in NON_MEMBERS | LEAVERS | STAFF_IN_CHAT | {STAFF}
    assert {owners[e] for e in entry_list}.isdisjoint(
        NON_MEMBERS | LEAVERS | STAFF_IN_CHAT | {STAFF}
    )
    # anyone can verify from the published texts; a changed list or seed does not verify
    runner = CliRunner()
    entries_file = tmp_path / "entries.txt"
    entries_file.write_text(texts[idx + 1], encoding="utf-8")
    base = ["contest", "verify", "--commitment", published.group(1), "--entries", str(entries_file)]
    ok = runner.invoke(cli, [*base, "--seed", seed.group(1), "--winners", ",".join(winners)])
    assert ok.exit_code == 0, ok.output
    bad_seed = runner.invoke(cli, [*base, "--seed", "0" * 64, "--winners", ",".join(winners)])
    assert bad_seed.exit_code == 1
    entries_file.write_text(", ".join([*entry_list[1:], "9999"]), encoding="utf-8")
    changed = runner.invoke(cli, [*base, "--seed", seed.group(1), "--winners", ",".join(winners)])
    assert changed.exit_code == 1
    # a reroll never returns a previous winner, and verifies too
    await runtime.feed(staff_command(f"/reroll {contest_id} 2"))
    await runtime.drain(10)
    reroll = next(t for t in group_texts(eapi) if t.startswith("🏆 Reroll 1"))
    again = re.findall(r"• entry #(\d+)", reroll)
    assert len(again) == 2 and not set(again) & set(winners)
    config = tmp_path / "config.yaml"
    url = runtime.store.db.url.render_as_string(hide_password=False)
    config.write_text(f"database:\n  url: {json.dumps(url)}\n", encoding="utf-8")
    args = ["--config", str(config), "contest", "export", contest_id]
    exported = await asyncio.to_thread(runner.invoke, cli, args)  # the CLI runs its own loop
    assert exported.exit_code == 0, exported.output
    export = tmp_path / "export.json"
    export.write_text(exported.output, encoding="utf-8")
    assert json.loads(exported.output)["rounds"] == [winners, again]
    both = runner.invoke(cli, ["contest", "verify", "--from", str(export)])
    assert both.exit_code == 0 and "round 1: OK" in both.output
