"""``cmbot demo``: replay a bundled sample inbox through the pipeline, no token, no network."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from importlib import resources
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import Progress
from rich.table import Table

from bot.app import build_classifier
from bot.classify.classifier import Classifier
from bot.cli.common import DEMO_VARIABLES, playbooks_option
from bot.config import Config
from bot.domain import InboundMessage, MessageKind
from bot.pipeline import Outcome, Pipeline
from bot.storage import Database, Store


def sample_inbox() -> list[InboundMessage]:
    text = resources.files("bot.demo").joinpath("inbox.jsonl").read_text(encoding="utf-8")
    messages = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        item = json.loads(line)
        messages.append(
            InboundMessage(
                text=item["text"],
                kind=MessageKind.DM if item.get("kind") == "dm" else MessageKind.COMMENT,
                platform="demo",
                chat_id=item.get("chat", "demo"),
                chat_title=item.get("chat"),
                message_id=str(number),
                user_id=f"demo-{number}",
                first_name=item.get("first_name"),
                lang_hint=item.get("lang_hint"),
            )
        )
    return messages


@click.command()
@playbooks_option
@click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="SQLite file to write (default: the configured database, cmbot.db).",
)
@click.pass_obj
def demo(config: Config, playbooks_dir: Path | None, db_path: Path | None) -> None:
    """Triage a sample inbox of comments and DMs and show what cmbot would do."""
    url = f"sqlite:///{db_path}" if db_path else config.database_url()
    console = Console(emoji=False)
    classifier = build_classifier(config, playbooks_dir=playbooks_dir)
    messages = sample_inbox()
    outcomes, where = asyncio.run(_run(url, classifier, messages, console))
    _table(console, outcomes)
    _summary(console, outcomes, where)


async def _run(
    url: str, classifier: Classifier, messages: list[InboundMessage], console: Console
) -> tuple[list[Outcome], str]:
    database = Database(url)
    try:
        await database.upgrade()
        pipeline = Pipeline(
            classifier,
            Store(database),
            variables=DEMO_VARIABLES,
        )
        outcomes: list[Outcome] = []
        with Progress(console=console, transient=True) as progress:
            job = progress.add_task("triaging the sample inbox", total=len(messages))
            for start in range(0, len(messages), 16):
                outcomes += await pipeline.handle_many(messages[start : start + 16])
                progress.advance(job, len(messages[start : start + 16]))
        return outcomes, database.url_for_display
    finally:
        await database.dispose()


def _table(console: Console, outcomes: list[Outcome]) -> None:
    table = Table(title="cmbot demo: the sample inbox", show_lines=True, expand=True)
    for name, ratio in (
        ("message", 4),
        ("category", 2),
        ("lang", 1),
        ("conf", 1),
        ("why", 3),
        ("action / drafted reply", 5),
    ):
        table.add_column(name, ratio=ratio, overflow="fold")
    for o in outcomes:
        v = o.verdict
        labels = v.category + ("".join(f"\n+{x}" for x in v.labels if x != v.category))
        action = o.decision.action.value
        reply = o.decision.draft.text if o.decision.draft else ""
        where = "DM" if o.message.kind == MessageKind.DM else "comment"
        table.add_row(
            f"[dim]{where}[/dim] {escape(o.message.text[:160])}",
            labels,
            v.language,
            f"{v.confidence:.2f}",
            escape(v.why()),
            f"[bold]{action}[/bold] {escape(reply)}",
        )
    console.print(table)


def _summary(console: Console, outcomes: list[Outcome], where: str) -> None:
    categories = Counter(o.verdict.category for o in outcomes)
    languages = Counter(o.verdict.language for o in outcomes)
    actions = Counter(o.decision.action.value for o in outcomes)
    escalated = sum(1 for o in outcomes if o.decision.escalate)
    console.print(
        f"\n[bold]{len(outcomes)} messages[/bold]: "
        + ", ".join(f"{n} {c}" for c, n in categories.most_common())
    )
    console.print("languages: " + ", ".join(f"{n} {c}" for c, n in languages.most_common()))
    console.print(
        "actions: "
        + ", ".join(f"{n} {a}" for a, n in actions.most_common())
        + f"; {escalated} escalated to staff"
    )
    console.print(f"Every message, verdict and draft is stored in [bold]{where}[/bold].")
    console.print("Next: `cmbot shell` to chat with the bot, `cmbot playbooks check playbooks/`.")
