"""``cmbot report``: a report for a period (text, JSON, CSV, XLSX or HTML), and
``cmbot report leads``: the leads as CSV or XLSX."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

import click

from bot.config import Config
from bot.reports import service
from bot.reports.period import PERIOD_HELP, parse_period
from bot.storage import Database, Store

BINARY = {"xlsx"}


def _write(data: bytes, output: Path | None, fmt: str) -> None:
    if output is None:
        if fmt in BINARY and sys.stdout.isatty():
            raise click.UsageError(f"{fmt} is a binary format: give --output FILE")
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    output.write_bytes(data)
    click.echo(f"wrote {output} ({len(data)} bytes)", err=True)


def _brand(config: Config) -> str:
    try:
        from bot.app import resolve_playbooks_dir
        from bot.playbooks import load_playbooks

        return load_playbooks(resolve_playbooks_dir(config.playbooks)).settings.brand
    except Exception:  # the brand name is decoration; a report never fails for it
        return ""


async def _with_store(config: Config, work: Callable[[Store], Awaitable[bytes]]) -> bytes:
    database = Database(config.database_url())
    try:
        await database.upgrade()
        return await work(Store(database))
    finally:
        await database.dispose()


@click.group("report", invoke_without_command=True)
@click.option("--period", default="30d", show_default=True, help=PERIOD_HELP)
@click.option(
    "--format", "fmt", type=click.Choice(service.FORMATS), default="text", show_default=True
)
@click.option("--output", "-o", type=click.Path(path_type=Path), help="File (default: stdout).")
@click.option("--chat", "chat_id", help="Only this chat (the platform's chat id).")
@click.option("--language", help="Only this language (ISO 639-1).")
@click.pass_context
def report(
    ctx: click.Context,
    period: str,
    fmt: str,
    output: Path | None,
    chat_id: str | None,
    language: str | None,
) -> None:
    """Leads, complaints, response times, satisfaction and engagement for a period."""
    if ctx.invoked_subcommand is not None:
        return
    config: Config = ctx.obj
    span = parse_period(period, datetime.now(UTC))
    brand = _brand(config) if fmt == "html" else ""

    async def work(store: Store) -> bytes:
        data = await service.report(store, config, span, chat_id=chat_id, language=language)
        return (await service.render(store, config, data, fmt, brand)).data

    _write(asyncio.run(_with_store(config, work)), output, fmt)


@report.command("leads")
@click.option("--period", default="30d", show_default=True, help=PERIOD_HELP)
@click.option(
    "--format", "fmt", type=click.Choice(service.LEAD_FORMATS), default="csv", show_default=True
)
@click.option("--output", "-o", type=click.Path(path_type=Path), help="File (default: stdout).")
@click.option("--chat", "chat_id", help="Only this chat (the platform's chat id).")
@click.option("--language", help="Only this language (ISO 639-1).")
@click.option(
    "--pseudonymise/--no-pseudonymise",
    default=None,
    help="Pseudonyms instead of names and phones (default: reports.pseudonymise).",
)
@click.pass_obj
def leads(
    config: Config,
    period: str,
    fmt: str,
    output: Path | None,
    chat_id: str | None,
    language: str | None,
    pseudonymise: bool | None,
) -> None:
    """Export the leads of a period (erased customers never appear)."""
    span = parse_period(period, datetime.now(UTC))

    async def work(store: Store) -> bytes:
        out = await service.export_leads(
            store,
            config,
            span,
            fmt,
            chat_id=chat_id,
            language=language,
            pseudonymise=pseudonymise,
        )
        return out.data

    _write(asyncio.run(_with_store(config, work)), output, fmt)
