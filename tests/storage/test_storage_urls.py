"""URL normalisation, password hiding and the default URL."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.errors import StorageError
from bot.storage import Database, default_database_url
from bot.storage.urls import DEFAULT_DATABASE_URL, display_url, normalise_url, scrub_secrets

CASES = {
    "sqlite": [
        ("sqlite:///x.db", "sqlite+aiosqlite:///x.db"),
        ("sqlite+pysqlite:///data/x.db", "sqlite+aiosqlite:///data/x.db"),
        ("sqlite+aiosqlite:////abs/x.db", "sqlite+aiosqlite:////abs/x.db"),
        ("sqlite://", "sqlite+aiosqlite://"),
    ],
    "postgres": [
        ("postgresql://u:pw@h:5432/db", "postgresql+asyncpg://u:pw@h:5432/db"),
        ("postgres://u:pw@h/db", "postgresql+asyncpg://u:pw@h/db"),
        ("postgresql+psycopg2://u@h/db", "postgresql+asyncpg://u@h/db"),
        ("postgresql+asyncpg://u@h/db", "postgresql+asyncpg://u@h/db"),
        ("postgres://u:pw@h/db?sslmode=require", "postgresql+asyncpg://u:pw@h/db?ssl=require"),
    ],
}
SECRET = "s3cr%40t:p%40ss"  # percent-encoded "@" and a ":" inside the password


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_normalise_url(backend: str) -> None:
    for given, expected in CASES[backend]:
        assert normalise_url(given).render_as_string(hide_password=False) == expected


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_database_url_for_display_hides_the_password(backend: str, tmp_path: Path) -> None:
    if backend == "sqlite":
        db = Database(f"sqlite:///{tmp_path}/a.db")
        assert db.url_for_display == f"sqlite+aiosqlite:///{tmp_path}/a.db"
        return
    db = Database(f"postgres://cm:{SECRET}@db.example:6543/cmbot")
    assert db.url_for_display == "postgresql+asyncpg://cm:***@db.example:6543/cmbot"
    assert "s3cr" not in repr(db)
    assert db.url.password == "s3cr@t:p@ss"  # the real one is still there for connecting


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_unparseable_or_unsupported_urls_raise_without_the_password(backend: str) -> None:
    bad = "sqlite:/x.db" if backend == "sqlite" else "postgres//u:hunter2@host/db"
    with pytest.raises(StorageError, match="cannot be parsed") as caught:
        Database(bad)
    assert "hunter2" not in str(caught.value)
    with pytest.raises(StorageError, match="unsupported backend 'mysql'") as caught:
        Database("mysql://u:hunter2@h/db")
    assert "hunter2" not in str(caught.value) and "sqlite:///" in str(caught.value)


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_scrub_secrets_in_free_text(backend: str) -> None:
    scheme = "sqlite" if backend == "sqlite" else "postgresql+asyncpg"
    text = f"failed: {scheme}://user:hunter2@host/db (see logs)"
    assert scrub_secrets(text) == f"failed: {scheme}://user:***@host/db (see logs)"
    assert display_url(f"{scheme}://user:hunter2@host/db") == f"{scheme}://user:***@host/db"


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_default_url(backend: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CMBOT_DATABASE__URL", raising=False)
    assert default_database_url() == DEFAULT_DATABASE_URL == "sqlite+aiosqlite:///cmbot.db"
    chosen = "sqlite:///var/x.db" if backend == "sqlite" else "postgresql://u@h/db"
    monkeypatch.setenv("CMBOT_DATABASE__URL", chosen)
    assert default_database_url() == chosen


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_relative_sqlite_folder_is_created(
    backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    folder = "var/data" if backend == "sqlite" else "other/place"
    Database(f"sqlite:///{folder}/cmbot.db")
    assert (tmp_path / folder).is_dir()
    assert not (tmp_path / folder / "cmbot.db").exists()  # nothing connects yet
