"""``cmbot contest verify|export`` and ``cmbot engagement check``."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from bot.config import Config
from bot.engagement.draw import verify
from bot.engagement.loader import FOLDER, check_definitions
from bot.errors import InputError
from bot.storage import Database, Store


def _ids(text: str) -> list[str]:
    """Ids from a JSON list, or separated by commas, spaces or new lines."""
    text = text.strip()
    if text.startswith("["):
        try:
            return [str(x) for x in json.loads(text)]
        except json.JSONDecodeError as exc:
            raise InputError(f"the entry list is not valid JSON: {exc}") from None
    return [part for part in text.replace(",", " ").split() if part]


@click.group()
def contest() -> None:
    """Verify or export a contest's draw."""


@contest.command("verify")
@click.option(
    "--from",
    "source",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A JSON file from `cmbot contest export` (commitment, seed, entries, rounds).",
)
@click.option("--commitment", help="The commitment published in the announcement.")
@click.option("--seed", help="The seed revealed at the draw.")
@click.option(
    "--entries",
    "entries_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The published entry ids (one per line, comma-separated or a JSON list).",
)
@click.option("--entry", "entry_ids", multiple=True, help="An entry id (repeatable).")
@click.option("--winners", help="The announced winners, comma-separated, in order.")
@click.option("--round", "round_", type=int, default=None, help="0 for the draw, 1.. for rerolls.")
@click.option(
    "--exclude", default="", help="Earlier winners excluded from a reroll (comma-separated)."
)
def verify_command(
    source: Path | None,
    commitment: str | None,
    seed: str | None,
    entries_file: Path | None,
    entry_ids: tuple[str, ...],
    winners: str | None,
    round_: int | None,
    exclude: str,
) -> None:
    """Recompute the winners from commitment + seed + entry list; exit 1 if they differ."""
    data: dict[str, Any] = json.loads(source.read_text(encoding="utf-8")) if source else {}
    commitment = commitment or data.get("commitment")
    seed = seed or data.get("seed")
    entries = list(entry_ids) or (
        _ids(entries_file.read_text(encoding="utf-8")) if entries_file else []
    )
    entries = entries or [str(e) for e in data.get("entries", [])]
    rounds = [[str(w) for w in r] for r in data.get("rounds", [])]
    if winners is not None:
        rounds_to_check = [(round_ or 0, _ids(winners), _ids(exclude))]
    elif rounds:
        picked = range(len(rounds)) if round_ is None else [round_]
        rounds_to_check = [(r, rounds[r], [w for x in rounds[:r] for w in x]) for r in picked]
    else:
        raise click.UsageError("give --winners (or --from an export with its rounds)")
    if not commitment or not seed or not entries:
        raise click.UsageError("need the commitment, the seed and the entry list")
    failed = False
    for number, announced, excluded in rounds_to_check:
        result = verify(commitment, seed, entries, announced, round=number, exclude=excluded)
        status = "OK" if result.ok else "MISMATCH"
        click.echo(f"round {number}: {status}: {result.reason}; winners {', '.join(announced)}")
        if not result.ok:
            failed = True
            if result.expected:
                click.echo(f"  expected from this seed and list: {', '.join(result.expected)}")
    if failed:
        raise SystemExit(1)


@contest.command("export")
@click.argument("item_id", type=int)
@click.pass_obj
def export(config: Config, item_id: int) -> None:
    """Print contest ITEM_ID's commitment, revealed seed, entry list and winners as JSON."""

    async def run() -> dict[str, Any]:
        database = Database(config.database_url())
        try:
            item = await Store(database).item(item_id)
        finally:
            await database.dispose()
        if item is None or item.kind != "contest":
            raise InputError(f"no contest #{item_id} in {database.url_for_display}")
        state = item.state
        out: dict[str, Any] = {
            "item": item.id,
            "title": item.title,
            "commitment": state.get("commitment"),
        }
        if state.get("revealed"):
            out.update(
                seed=state["seed"],
                entries=state.get("eligible", []),
                rounds=state.get("rounds", []),
            )
        return out

    click.echo(json.dumps(asyncio.run(run()), indent=2, ensure_ascii=False))


@click.group()
def engagement() -> None:
    """Check poll, quiz and contest definitions; export their records."""


@engagement.command("check")
@click.argument("directory", type=click.Path(path_type=Path), default=None, required=False)
@click.pass_obj
def check(config: Config, directory: Path | None) -> None:
    """Validate DIRECTORY (default: <playbooks>/engagement); exit 1 with file:line: key: message."""
    folder = directory or config.playbooks / FOLDER
    problems = check_definitions(folder, datetime.now(UTC))
    for problem in problems:
        click.echo(str(problem), err=True)
    if problems:
        click.echo(f"{len(problems)} error(s)", err=True)
        raise SystemExit(1)
    click.echo(f"{folder}: definitions are valid")


@engagement.command("export")
@click.argument("item_id", type=int)
@click.pass_obj
def export_item(config: Config, item_id: int) -> None:
    """Print poll, quiz or contest ITEM_ID with every vote, answer and entry as JSON."""

    async def run() -> dict[str, Any]:
        database = Database(config.database_url())
        store = Store(database)
        try:
            item = await store.item(item_id)
            if item is None:
                raise InputError(
                    f"no poll, quiz or contest #{item_id} in {database.url_for_display}"
                )
            await store.resolve_polls()
            polls = await store.polls_of(item.id)
            answers = await store.answers([p.poll_id for p in polls if p.poll_id])
            entries = await store.entries(item.id)
        finally:
            await database.dispose()
        state = dict(item.state)
        if not state.get("revealed"):
            state.pop("seed", None)  # secret until the draw
        return {
            "item": item.id,
            "kind": item.kind,
            "title": item.title,
            "status": item.status,
            "definition": item.definition,
            "state": state,
            "polls": [
                {"question": p.question, "poll_id": p.poll_id, "opened_at": p.opened_at.isoformat()}
                for p in polls
            ],
            "answers": [
                {
                    "poll_id": a.poll_id,
                    "user_id": a.user_id,
                    "name": a.name,
                    "options": list(a.option_ids),
                    "at": a.answered_at.isoformat(),
                }
                for a in answers
            ],
            "entries": [
                {"entry": e.id, "user_id": e.user_id, **e.payload, "at": e.created_at.isoformat()}
                for e in entries
            ],
        }

    click.echo(json.dumps(asyncio.run(run()), indent=2, ensure_ascii=False))
