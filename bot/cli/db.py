"""``cmbot db upgrade``."""

from __future__ import annotations

import asyncio

import click

from bot.config import Config
from bot.storage import Database


@click.group()
def db() -> None:
    """Database maintenance."""


@db.command("upgrade")
@click.pass_obj
def upgrade(config: Config) -> None:
    """Create or migrate the database schema to the current version."""

    async def run() -> str | None:
        database = Database(config.database_url())
        try:
            await database.upgrade()
            return await database.current_revision()
        finally:
            await database.dispose()

    revision = asyncio.run(run())
    click.echo(f"{Database(config.database_url()).url_for_display}: schema at revision {revision}")
