"""Database URLs: the default, normalisation to the async drivers, and safe display.

cmbot talks to databases through SQLAlchemy's asyncio extension, so every URL must name an
async driver. Users write the short forms they know (``sqlite:///cmbot.db``,
``postgres://user:secret@host/db`` as Heroku and many hosts print it); :func:`normalise_url`
turns them into ``sqlite+aiosqlite://`` and ``postgresql+asyncpg://`` URLs. Only SQLite and
PostgreSQL are supported: the migrations are written and tested for those two.

A URL may carry a password, so anything shown to a human goes through :func:`display_url`
(or :func:`scrub_secrets` for free text such as a driver's error message).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from bot.errors import StorageError

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///cmbot.db"
DATABASE_URL_ENV = "CMBOT_DATABASE__URL"

_SQLITE_DRIVERS = {"sqlite", "sqlite+pysqlite", "sqlite+aiosqlite"}
_POSTGRES_DRIVERS = {
    "postgres",
    "postgresql",
    "postgresql+psycopg2",
    "postgresql+psycopg",
    "postgresql+asyncpg",
}
# scheme://user:password@ in free text, then any other user:password@ (a mistyped URL).
_PASSWORD_IN_URL = re.compile(r"(?P<head>[a-zA-Z][\w+.-]*://[^:/@\s]*:)(?P<pw>[^@\s]*)(?=@)")
_PASSWORD_AFTER_USER = re.compile(r"(?P<head>[^\s:/@'\"]+:)(?P<pw>[^\s:/@'\"]+)(?=@)")


def default_database_url() -> str:
    """The database URL to use when the config names none.

    ``$CMBOT_DATABASE__URL`` when set (so the URL, which may hold a password, need not be
    written in a file), else a SQLite file ``cmbot.db`` in the working directory.
    """
    return os.environ.get(DATABASE_URL_ENV, "").strip() or DEFAULT_DATABASE_URL


def scrub_secrets(text: str) -> str:
    """Replace any ``scheme://user:password@`` password in free text with ``***``."""
    for pattern in (_PASSWORD_IN_URL, _PASSWORD_AFTER_USER):
        text = pattern.sub(lambda m: m.group("head") + "***", text)
    return text


def parse_url(url: str | URL) -> URL:
    """Parse ``url`` or raise a :class:`StorageError` that does not echo its password."""
    if isinstance(url, URL):
        return url
    try:
        return make_url(url.strip())
    except (ArgumentError, ValueError) as exc:
        raise StorageError(
            f"database URL {scrub_secrets(url)!r} cannot be parsed; write it as "
            "sqlite:///path/to/cmbot.db or postgresql://user:password@host:5432/dbname"
        ) from exc


def display_url(url: str | URL) -> str:
    """The URL as text with its password (if any) replaced by ``***``."""
    try:
        return scrub_secrets(parse_url(url).render_as_string(hide_password=True))
    except StorageError:
        return scrub_secrets(str(url))


def normalise_url(url: str | URL) -> URL:
    """Return ``url`` with the async driver cmbot uses for its backend.

    ``sqlite://`` / ``sqlite+pysqlite://`` become ``sqlite+aiosqlite://``;
    ``postgres://``, ``postgresql://``, ``postgresql+psycopg2://`` and ``postgresql+psycopg://``
    become ``postgresql+asyncpg://`` (a libpq-style ``sslmode`` query option is renamed to
    asyncpg's ``ssl``). Any other backend raises :class:`StorageError`.
    """
    parsed = parse_url(url)
    name = parsed.drivername.lower()
    if name in _SQLITE_DRIVERS:
        return parsed.set(drivername="sqlite+aiosqlite")
    if name in _POSTGRES_DRIVERS:
        parsed = parsed.set(drivername="postgresql+asyncpg")
        if "sslmode" in parsed.query and "ssl" not in parsed.query:
            sslmode = parsed.query["sslmode"]
            parsed = parsed.difference_update_query(["sslmode"]).update_query_dict({"ssl": sslmode})
        return parsed
    raise StorageError(
        f"database URL {display_url(parsed)!r} uses the unsupported backend {name!r}; "
        "cmbot supports SQLite (sqlite:///path/to/cmbot.db) and PostgreSQL "
        "(postgresql://user:password@host:5432/dbname)"
    )


def sqlite_path(url: URL) -> Path | None:
    """The file behind a SQLite URL, or ``None`` for in-memory databases and other backends."""
    if not url.drivername.startswith("sqlite"):
        return None
    database = url.database or ""
    if database in ("", ":memory:") or database.startswith("file:"):
        return None
    return Path(database).expanduser()


def is_memory_sqlite(url: URL) -> bool:
    return url.drivername.startswith("sqlite") and sqlite_path(url) is None


def ensure_sqlite_folder(url: URL) -> None:
    """Create the folder that will hold a SQLite file, if it is missing."""
    path = sqlite_path(url)
    if path is None:
        return
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageError(
            f"cannot create the folder {str(folder)!r} for the SQLite database "
            f"{display_url(url)!r}: {exc.strerror or exc}; create it yourself or choose "
            "another path in the database URL"
        ) from exc
