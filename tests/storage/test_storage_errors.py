"""Failures come out as clear StorageErrors naming the database, never its password."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from bot.errors import MigrationError, StorageError
from bot.storage import Database, Store
from bot.storage.urls import normalise_url

PASSWORD = "hunter2-secret"


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _unreachable_url(backend: str, tmp_path: Path) -> str:
    if backend == "sqlite":
        blocker = tmp_path / "not-a-folder"
        blocker.write_text("a file where a folder should be")
        return f"sqlite:///{tmp_path}/db-is-a-folder"  # made a folder below
    return f"postgresql://cmbot:{PASSWORD}@127.0.0.1:{_closed_port()}/cmbot"


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
async def test_unreachable_database(backend: str, tmp_path: Path) -> None:
    url = _unreachable_url(backend, tmp_path)
    if backend == "sqlite":
        (tmp_path / "db-is-a-folder").mkdir()  # SQLite cannot open a folder as a database
    db = Database(url)
    try:
        for attempt in (db.upgrade(), Store(db).count_inbound(), db.current_revision()):
            with pytest.raises(StorageError) as caught:
                await attempt
            message = str(caught.value)
            assert "cannot reach database" in message, message
            assert db.url_for_display in message
            assert PASSWORD not in message and PASSWORD not in repr(caught.value.__cause__)
            assert "check that the database server is running" in message
    finally:
        await db.dispose()


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_sqlite_folder_that_cannot_be_created(backend: str, tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    url = f"sqlite:///{tmp_path}/file/sub/cmbot.db"
    if backend == "postgres":
        url = url.replace("sqlite:", "sqlite+pysqlite:")
    with pytest.raises(StorageError, match="cannot create the folder"):
        Database(url)


async def test_missing_postgres_database_says_to_create_it(database_url: str) -> None:
    url = normalise_url(database_url)
    if url.get_backend_name() != "postgresql":
        # SQLite creates missing files; an unknown revision is its migration failure.
        db = Database(database_url)
        with pytest.raises(MigrationError, match="no-such-revision"):
            await db.upgrade("no-such-revision")
        await db.dispose()
        return
    db = Database(url.set(database=f"{url.database}_missing", password=PASSWORD))
    try:
        with pytest.raises(StorageError, match="create the database") as caught:
            await db.upgrade()
        assert PASSWORD not in str(caught.value)
    finally:
        await db.dispose()


async def test_a_write_lock_held_too_long_is_explained(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "locked.db"
    db = Database(f"sqlite:///{path}")
    await db.upgrade()
    holder = sqlite3.connect(path, isolation_level=None, timeout=0)
    holder.execute("BEGIN IMMEDIATE")  # another process writing for a long time
    try:
        store = Store(db)  # waits for the busy timeout (5 s), then explains
        with pytest.raises(StorageError, match="stayed locked while recording a 'x' event"):
            await store.record_event("x", {})
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        await db.dispose()
