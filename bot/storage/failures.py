"""Translate SQLAlchemy and driver errors into :class:`bot.errors.StorageError` at the edge.

Messages name the database (password hidden), what was being done, the driver's reason, and
the fix. They never include SQL parameters: those hold customers' messages.
"""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError, IntegrityError, NoResultFound

from bot.errors import MigrationError, StorageError
from bot.storage.urls import scrub_secrets

_REASON_LIMIT = 300
CONNECT_FIX = (
    "check that the database server is running and that the host, port, user, password and "
    "database name in the URL are right (set the URL with CMBOT_DATABASE__URL or the config)"
)


def reason_of(exc: BaseException) -> str:
    """The driver's own one-line explanation, scrubbed of passwords and shortened."""
    inner = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    lines = [line.strip() for line in str(inner).splitlines() if line.strip()]
    text = lines[0] if lines else type(inner).__name__
    text = scrub_secrets(text)
    if len(text) > _REASON_LIMIT:
        text = text[: _REASON_LIMIT - 1] + "…"
    return text


def is_connection_failure(exc: BaseException) -> bool:
    """True when the database could not be reached at all (as opposed to a failed statement)."""
    if isinstance(exc, OSError | TimeoutError):
        return True
    if isinstance(exc, DBAPIError):
        return exc.statement is None or exc.connection_invalidated
    return False


def translate(
    exc: BaseException, database: str, doing: str, *, migrating: bool = False
) -> StorageError:
    """A :class:`StorageError` (or :class:`MigrationError`) telling what went wrong and the fix.

    ``database`` must already be safe to show (see :func:`bot.storage.urls.display_url`);
    ``doing`` says what cmbot was doing, e.g. ``"recording an inbound message"``.
    """
    reason = reason_of(exc)
    if "database is locked" in reason:
        return StorageError(
            f"database {database!r} stayed locked while {doing}: another process (or a "
            "migration) held SQLite's write lock for too long; try again, and run one cmbot "
            "per SQLite file (use PostgreSQL for several processes)"
        )
    if is_connection_failure(exc):
        fix = CONNECT_FIX
        if "does not exist" in reason and "database" in reason:
            fix = "create the database first (e.g. createdb NAME) or fix its name in the URL"
        return StorageError(f"cannot reach database {database!r} while {doing}: {reason}; {fix}")
    if migrating:
        return MigrationError(
            f"migrating database {database!r} failed while {doing}: {reason}; the migration "
            "was rolled back. Check that no other program changed the schema, then run the "
            "upgrade again (or restore a backup)"
        )
    if isinstance(exc, IntegrityError):
        return StorageError(
            f"database {database!r} refused the data while {doing}: {reason}; the rows it "
            "refers to must exist (check the ids passed in), unique values must be new and "
            "statuses must be one of the allowed values"
        )
    if isinstance(exc, NoResultFound):
        return StorageError(
            f"database {database!r} has no such record while {doing}; check the id passed in"
        )
    if "no such table" in reason or ("relation" in reason and "does not exist" in reason):
        return StorageError(
            f"database {database!r} has no cmbot schema (or an old one) while {doing}: "
            f"{reason}; run the schema upgrade first (Database.upgrade())"
        )
    return StorageError(f"database {database!r} failed while {doing}: {reason}")
