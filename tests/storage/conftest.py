"""Shared fixtures: every storage test runs on a real SQLite file and a real PostgreSQL.

* ``backend``: ``"sqlite"`` or ``"postgres"`` (the parametrisation; reuse it in other test
  packages by importing these fixtures from ``tests.storage.conftest`` or copying the pattern);
* ``database_url``: an empty throwaway database of that backend, a file under ``tmp_path`` or
  a PostgreSQL database created for the test and dropped afterwards (names carry the process
  id and a random part, so concurrent runs never collide);
* ``fresh_database``: a :class:`~bot.storage.Database` on it with no schema yet;
* ``database``: a throwaway database at the newest schema (on PostgreSQL, copied from a
  template database migrated once per test session, dropped when the session ends);
* ``store``: a ``Store`` on ``database``.

PostgreSQL is found at ``$CMBOT_TEST_PG_URL`` (default ``postgresql://postgres@127.0.0.1:5432/
test``, used only to create and drop the per-test databases). When it is unreachable the tests
fail with a message saying so, unless ``CMBOT_SKIP_PG=1`` is set, which skips them.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import pool, text
from sqlalchemy.ext.asyncio import create_async_engine

from bot.storage import Database, Store
from bot.storage.urls import display_url, normalise_url

PG_ADMIN_URL = os.environ.get("CMBOT_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
SKIP_PG = os.environ.get("CMBOT_SKIP_PG") == "1"
BACKENDS = ["sqlite", "postgres"]

_pg_problem: list[str] = []  # filled once if the server cannot be reached
_pg_template: list[str] = []  # name of this session's migrated template database


async def _pg_admin(sql: str) -> None:
    engine = create_async_engine(
        normalise_url(PG_ADMIN_URL), isolation_level="AUTOCOMMIT", poolclass=pool.NullPool
    )
    try:
        async with engine.connect() as connection:
            await connection.execute(text(sql))
    finally:
        await engine.dispose()


async def _create_pg_database(template: str | None = None) -> str:
    if SKIP_PG:
        pytest.skip("CMBOT_SKIP_PG=1: PostgreSQL storage tests skipped")
    if _pg_problem:
        pytest.fail(_pg_problem[0], pytrace=False)
    name = f"cmbot_test_{os.getpid()}_{uuid.uuid4().hex[:12]}"
    copy = f' TEMPLATE "{template}"' if template else ""
    try:
        await _pg_admin(f'CREATE DATABASE "{name}"{copy}')
    except Exception as exc:  # any failure here means: no usable server
        _pg_problem.append(
            f"PostgreSQL for the storage tests is unreachable at {display_url(PG_ADMIN_URL)} "
            f"({type(exc).__name__}: {exc}). Start the server, point CMBOT_TEST_PG_URL at one "
            "(user allowed to CREATE DATABASE), or set CMBOT_SKIP_PG=1 to skip these tests."
        )
        pytest.fail(_pg_problem[0], pytrace=False)
    return normalise_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)


async def _drop_pg_database(url: str) -> None:
    await _pg_admin(f'DROP DATABASE IF EXISTS "{normalise_url(url).database}" WITH (FORCE)')


async def _migrated_pg_database() -> str:
    if not _pg_template:
        url = await _create_pg_database()
        db = Database(url)
        try:
            await db.upgrade()
        finally:
            await db.dispose()
        _pg_template.append(str(normalise_url(url).database))
    return await _create_pg_database(template=_pg_template[0])


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    for name in _pg_template:
        asyncio.run(_pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
async def database_url(backend: str, tmp_path: Path) -> AsyncIterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'cmbot.db'}"
        return
    url = await _create_pg_database()
    try:
        yield url
    finally:
        await _drop_pg_database(url)


@pytest.fixture
async def fresh_database(database_url: str) -> AsyncIterator[Database]:
    db = Database(database_url)
    try:
        yield db
    finally:
        await db.dispose()


@pytest.fixture
async def database(backend: str, tmp_path: Path) -> AsyncIterator[Database]:
    if backend == "sqlite":
        db = Database(f"sqlite:///{tmp_path / 'cmbot.db'}")
        try:
            await db.upgrade()
            yield db
        finally:
            await db.dispose()
        return
    url = await _migrated_pg_database()
    db = Database(url)
    try:
        yield db
    finally:
        await db.dispose()
        await _drop_pg_database(url)


@pytest.fixture
def store(database: Database) -> Store:
    return Store(database)
