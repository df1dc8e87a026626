"""``cmbot shell``: chat with the bot in a terminal as a customer."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import click

from bot.app import build_classifier
from bot.classify.classifier import Classifier
from bot.cli.common import DEMO_VARIABLES, playbooks_option
from bot.config import Config
from bot.domain import InboundMessage, MessageKind
from bot.errors import CmbotError
from bot.pipeline import Outcome, Pipeline
from bot.storage import Database, Store

HELP = (
    "Type a message as a customer. Commands: /dm or /comment (where you write), "
    "/lang xx (your Telegram language), /name Alice, /correct LABEL (teach the last verdict), "
    "/quit."
)


@click.command()
@playbooks_option
@click.option(
    "--store/--no-store",
    default=True,
    show_default=True,
    help="Record the conversation in the configured database.",
)
@click.pass_obj
def shell(config: Config, playbooks_dir: Path | None, store: bool) -> None:
    """Chat with cmbot as a customer: the verdict, why, and the drafted reply."""
    classifier = build_classifier(config, playbooks_dir=playbooks_dir).ready()
    asyncio.run(_loop(config, classifier, store))


def _show(outcome: Outcome) -> None:
    v = outcome.verdict
    labels = ", ".join(v.labels)
    click.secho(
        f"  {v.category} [{labels}] · {v.language} · {v.sentiment.value} · "
        f"confidence {v.confidence:.2f}",
        fg="cyan",
    )
    for check in v.checks:
        if check.category or check.name == "language":
            click.echo(
                f"    {check.name} → {check.category or '-'} {check.score:.2f} {check.details}"
            )
    decision = outcome.decision
    click.secho(f"  action: {decision.action.value} ({'; '.join(decision.reasons)})", fg="yellow")
    if decision.draft is not None:
        note = " (fallback language)" if decision.draft.fallback_language else ""
        click.secho(f"  bot{note}: {decision.draft.text}", fg="green")


async def _loop(config: Config, classifier: Classifier, store: bool) -> None:
    database = Database(config.database_url()) if store else None
    if database is not None:
        await database.upgrade()
    pipeline = Pipeline(classifier, Store(database) if database else None, variables=DEMO_VARIABLES)
    restored = await pipeline.restore_corrections()
    if restored:
        click.echo(f"(learned {restored} stored correction(s))")
    kind, hint, name, last = MessageKind.DM, None, None, None
    interactive = sys.stdin.isatty()
    click.echo(HELP)
    try:
        while True:
            if interactive:
                click.echo("you> ", nl=False)
            line = sys.stdin.readline()
            if not line:
                break
            text = line.rstrip("\n")
            if text in ("/quit", "/exit"):
                break
            if text in ("/dm", "/comment"):
                kind = MessageKind.DM if text == "/dm" else MessageKind.COMMENT
                click.echo(f"  now writing as a {kind.value}")
                continue
            if text.startswith("/lang "):
                hint = text.split(maxsplit=1)[1].strip() or None
                continue
            if text.startswith("/name "):
                name = text.split(maxsplit=1)[1].strip() or None
                continue
            if text.startswith("/correct "):
                if last is None:
                    click.echo("  nothing to correct yet")
                    continue
                try:
                    await pipeline.correct(last, text.split(maxsplit=1)[1].strip())
                    click.echo("  learned: the next verdicts use this correction")
                except CmbotError as exc:
                    click.echo(f"  {exc}")
                continue
            if not text.strip():
                continue
            last = text
            message = InboundMessage(
                text=text,
                kind=kind,
                lang_hint=hint,
                first_name=name,
                platform="shell",
                chat_id="shell",
                user_id="shell-user",
            )
            _show(await pipeline.handle(message))
    finally:
        if database is not None:
            await database.dispose()
