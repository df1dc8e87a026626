"""``cmbot triage``: JSONL in, one verdict line out per input line."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import click

from bot.app import build_classifier
from bot.cli.common import playbooks_option, train_option, training_rows
from bot.config import Config
from bot.domain import InboundMessage, MessageKind
from bot.drafts import draft_reply
from bot.errors import InputError
from bot.pipeline import Pipeline
from bot.storage import Database, Store

BATCH = 256
KNOWN = {"text", "lang_hint", "kind"}


def _lines(handle: IO[str], name: str) -> Iterator[tuple[int, dict[str, Any]]]:
    for number, line in enumerate(handle, 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{name}:{number}: not JSON ({exc.msg})") from None
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            raise InputError(f"{name}:{number}: expected an object with a string 'text'")
        yield number, item


def _message(item: dict[str, Any]) -> InboundMessage:
    hint = item.get("lang_hint")
    return InboundMessage(
        text=item["text"],
        kind=MessageKind.DM if item.get("kind") == "dm" else MessageKind.COMMENT,
        lang_hint=hint if isinstance(hint, str) else None,
        first_name=item.get("first_name") if isinstance(item.get("first_name"), str) else None,
        platform="cli",
    )


@click.command()
@click.argument("source", type=click.File("r", encoding="utf-8"), default="-")
@playbooks_option
@train_option
@click.option(
    "--store/--no-store",
    default=False,
    show_default=True,
    help="Also record every message and verdict in the configured database.",
)
@click.option(
    "--reply/--no-reply",
    default=False,
    show_default=True,
    help="Add the drafted reply to each output line.",
)
@click.pass_obj
def triage(
    config: Config,
    source: IO[str],
    playbooks_dir: Path | None,
    train_files: tuple[Path, ...],
    store: bool,
    reply: bool,
) -> None:
    """Classify JSONL messages from SOURCE (a file or - for stdin).

    Each input line is {"text": ..., "lang_hint"?: ..., "kind"?: "comment"|"dm"}; other
    fields are copied through. Each output line adds category, labels, language, sentiment,
    confidence and checks.
    """
    classifier = build_classifier(
        config, playbooks_dir=playbooks_dir, training=training_rows(train_files)
    )
    asyncio.run(_run(config, classifier, source, store, reply))


async def _run(config: Config, classifier: Any, source: IO[str], store: bool, reply: bool) -> None:
    database = Database(config.database_url()) if store else None
    if database is not None:
        await database.upgrade()
    pipeline = Pipeline(classifier, Store(database) if database else None)
    out = sys.stdout
    batch: list[dict[str, Any]] = []

    async def flush() -> None:
        messages = [_message(item) for item in batch]
        if pipeline.store is not None:
            outcomes = await pipeline.handle_many(messages)
            verdicts = [o.verdict for o in outcomes]
        else:
            verdicts = classifier.classify_many(messages)
        for item, message, verdict in zip(batch, messages, verdicts, strict=True):
            result = {k: v for k, v in item.items()}
            result.update(
                {k: v for k, v in verdict.as_dict().items() if k not in ("variables", "scores")}
            )
            if reply:
                draft = draft_reply(classifier.playbooks, message, verdict)
                result["reply"] = draft.text if draft else None
            out.write(json.dumps(result, ensure_ascii=False) + "\n")
        out.flush()
        batch.clear()

    try:
        for _, item in _lines(source, getattr(source, "name", "<stdin>")):
            batch.append(item)
            if len(batch) >= BATCH:
                await flush()
        if batch:
            await flush()
    finally:
        if database is not None:
            await database.dispose()
