"""Alembic environment for cmbot, working with SQLAlchemy's async engines.

Two ways in (see the alembic cookbook, "Programmatic API use (connection sharing) With
Asyncio"):

* from :mod:`bot.storage.migrate`: the caller has already opened a connection on an async
  engine and calls alembic inside ``AsyncConnection.run_sync``; the sync connection arrives in
  ``config.attributes["connection"]`` and the migrations run in the caller's transaction;
* from a bare alembic command (e.g. ``revision --autogenerate``): no connection is given, so
  one is opened here on an async engine for ``sqlalchemy.url`` (or the default cmbot URL).

SQLite cannot ALTER most things, so migrations run in alembic's batch mode there.
"""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy import pool
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from bot.storage.models import Base
from bot.storage.urls import default_database_url, normalise_url

config = context.config
target_metadata = Base.metadata


def _url() -> str:
    url = config.get_main_option("sqlalchemy.url") or default_database_url()
    return normalise_url(url).render_as_string(hide_password=False)


def _configure(**kwargs: object) -> None:
    context.configure(
        target_metadata=target_metadata,
        compare_type=True,
        **kwargs,  # type: ignore[arg-type]
    )


def run_migrations_on(connection: Connection) -> None:
    _configure(connection=connection, render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()


async def run_migrations_with_own_engine() -> None:
    engine = create_async_engine(_url(), poolclass=pool.NullPool)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(run_migrations_on)
    finally:
        await engine.dispose()


def run_migrations_offline() -> None:
    url = _url()
    _configure(url=url, literal_binds=True, render_as_batch=url.startswith("sqlite"))
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
elif (shared := config.attributes.get("connection")) is not None:
    run_migrations_on(shared)
else:
    asyncio.run(run_migrations_with_own_engine())
