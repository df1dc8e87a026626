"""Alembic, driven from Python: no ``alembic.ini`` is needed anywhere.

The functions taking a ``Connection`` are synchronous on purpose: :class:`~bot.storage.Database`
calls them through ``AsyncConnection.run_sync`` and alembic runs on that connection, inside
the caller's transaction (see ``migrations/env.py``).

For developers, ``python -m bot.storage`` wraps the usual alembic commands with the same
configuration (database from ``$CMBOT_DATABASE__URL``), e.g. to write a new revision after
changing the models::

    CMBOT_DATABASE__URL=sqlite:///var/dev.db python -m bot.storage upgrade head
    CMBOT_DATABASE__URL=sqlite:///var/dev.db python -m bot.storage \\
        revision --autogenerate -m "add leads.notes" --rev-id 0002

then review the new file under ``bot/storage/migrations/versions/``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from alembic import command
from alembic.config import CommandLine, Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Connection

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# Any constant will do: it only has to be the same for every cmbot process.
_PG_LOCK_KEY = 0x636D626F74  # "cmbot"


def alembic_config(connection: Connection | None = None, url: str | None = None) -> Config:
    """An alembic :class:`Config` for cmbot's migrations, optionally bound to a connection."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR).replace("%", "%%"))
    config.set_main_option("path_separator", "os")
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str | None:
    """The newest revision shipped with this version of cmbot."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(connection: Connection) -> str | None:
    """The revision the database is at (``None`` for an empty database)."""
    return MigrationContext.configure(connection).get_current_revision()


def _serialise(connection: Connection) -> None:
    """Make concurrent upgrades from several processes wait for each other (PostgreSQL)."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})


def _check_foreign_keys(connection: Connection) -> list[str]:
    """SQLite migrations run with foreign keys off; list what they left dangling."""
    if connection.dialect.name != "sqlite":
        return []
    rows = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    return [f"{row[0]} row {row[1]} -> {row[2]}" for row in rows]


def upgrade(connection: Connection, revision: str = "head") -> list[str]:
    """Upgrade to ``revision``; return the foreign-key problems found afterwards (SQLite)."""
    _serialise(connection)
    command.upgrade(alembic_config(connection), revision)
    return _check_foreign_keys(connection)


def downgrade(connection: Connection, revision: str) -> list[str]:
    """Downgrade to ``revision`` (``"base"`` drops every table)."""
    _serialise(connection)
    command.downgrade(alembic_config(connection), revision)
    return _check_foreign_keys(connection)


def main(argv: list[str] | None = None) -> None:
    """``python -m bot.storage <alembic command> ...`` with cmbot's configuration."""
    from bot.storage.urls import default_database_url, normalise_url

    url = normalise_url(default_database_url()).render_as_string(hide_password=False)
    cli = CommandLine(prog="python -m bot.storage")
    options = cli.parser.parse_args(sys.argv[1:] if argv is None else argv)
    if not hasattr(options, "cmd"):
        cli.parser.error("too few arguments")
    config = alembic_config(url=url)
    config.cmd_opts = options
    cli.run_cmd(config, options)
