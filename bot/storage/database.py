"""The database handle: one async engine, sessions, and schema migrations.

SQLite connections get ``foreign_keys=ON`` (SQLite ignores foreign keys otherwise),
``journal_mode=WAL`` with ``synchronous=NORMAL`` (durable when the process is killed) and a busy
timeout. SQLAlchemy, not the ``sqlite3`` module, emits the
``BEGIN`` (the recipe of SQLAlchemy's SQLite dialect documentation), so that transactions,
savepoints and DDL behave as on PostgreSQL; it is ``BEGIN IMMEDIATE``, which takes the write
lock at once: concurrent transactions queue for up to the busy timeout instead of failing with
"database is locked" when a read turns into a write. SQLite has one writer at a time anyway.

The runtime's hot transactions (:meth:`Database.run_write`) are plain functions of a connection
run as one transaction. On PostgreSQL they run through the async engine (``run_sync``). On a
SQLite file they run on a synchronous engine, where the async driver would cost one hand-over
to its thread per statement (measured here: 5 inserts in 3.3 ms vs 0.14 ms):

* a short transaction (``rows`` up to :data:`INLINE_ROWS`) runs right in the event loop, on a
  connection whose busy timeout is 0: it takes well under a millisecond, less than handing it
  to a thread and back costs when the loop is busy (there the hand-overs, not the work, made
  the latency of a bot at 100 updates/s: p50 95 ms against 20 ms inline, same run). If
  another connection holds SQLite's write lock, it does not wait in the loop: it goes to
* the writer thread, which also runs the long transactions (a burst's batches), so that the
  loop keeps serving HTTP meanwhile, and waits for the lock up to the busy timeout.

WAL checkpoints run in a thread of their own (:mod:`bot.storage.checkpoints`), so that the
loop's commits do not copy the log back into the database file.

Migrations run on a separate short-lived engine: on SQLite with foreign keys *off*, because
alembic's batch mode rebuilds a table by dropping it, and with foreign keys on that drop would
cascade into child rows; foreign keys are checked once the migration is done.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from sqlalchemy import Engine, create_engine, event, pool
from sqlalchemy.engine import URL, Connection
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from bot.errors import CmbotError, MigrationError
from bot.storage import migrate
from bot.storage.checkpoints import FALLBACK_PAGES, WalCheckpointer
from bot.storage.failures import translate
from bot.storage.urls import display_url, ensure_sqlite_folder, is_memory_sqlite, normalise_url

T = TypeVar("T")
SQLITE_BUSY_TIMEOUT_MS = 5000
# A migration holds the write lock for its whole transaction (every revision in one go), so a
# second process upgrading at the same time waits for it longer than an ordinary writer would.
SQLITE_MIGRATION_BUSY_TIMEOUT_MS = 120_000
#: Transactions over at most this many rows run in the event loop (see the module docstring).
INLINE_ROWS = 32


def _sqlite_hooks(
    engine: AsyncEngine | Engine,
    *,
    foreign_keys: bool,
    busy_timeout_ms: int = SQLITE_BUSY_TIMEOUT_MS,
    autocheckpoint_pages: int | None = None,
) -> None:
    """Install the SQLite pragmas and SQLAlchemy-controlled ``BEGIN`` on ``engine``
    (``autocheckpoint_pages``: the commits' own WAL checkpoint threshold, see
    :mod:`bot.storage.checkpoints`; ``None``: SQLite's default)."""

    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # the driver must not emit BEGIN itself
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA journal_mode=WAL")
        # In WAL mode, NORMAL survives a killed process (only an OS crash or a power cut can
        # lose the last commits) and saves an fsync per commit.
        cursor.execute("PRAGMA synchronous=NORMAL")
        if autocheckpoint_pages is not None:
            cursor.execute(f"PRAGMA wal_autocheckpoint={int(autocheckpoint_pages)}")
        cursor.close()

    def on_begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    sync = engine.sync_engine if isinstance(engine, AsyncEngine) else engine
    event.listen(sync, "connect", on_connect)
    event.listen(sync, "begin", on_begin)


class Database:
    """A database reachable at ``url`` (see :mod:`bot.storage.urls` for accepted forms).

    Creating it connects to nothing; the first session or :meth:`upgrade` does.
    """

    def __init__(
        self, url: str | URL, *, echo: bool = False, checkpoint_thread: bool = True
    ) -> None:
        self._url = normalise_url(url)
        self.url_for_display = display_url(self._url)
        ensure_sqlite_folder(self._url)
        self.backend = self._url.get_backend_name()  # "sqlite" or "postgresql"
        self._checkpoint_thread = checkpoint_thread and self._on_sqlite_file
        self.engine = self._make_engine(echo=echo, for_migrations=False)
        self._sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        self.write_lock = asyncio.Lock()  # SQLite: this process's writers take turns
        self._writer: ThreadPoolExecutor | None = None
        self._sync_engine: Engine | None = None
        self._inline_engine: Engine | None = None
        self._checkpoints: WalCheckpointer | None = None
        pages = FALLBACK_PAGES if self._checkpoint_thread else None
        if self._on_sqlite_file:
            sync_url = self._url.set(drivername="sqlite")
            self._sync_engine = create_engine(
                sync_url, echo=echo, connect_args={"check_same_thread": False}
            )
            _sqlite_hooks(self._sync_engine, foreign_keys=True, autocheckpoint_pages=pages)
            self._inline_engine = create_engine(sync_url, echo=echo)
            _sqlite_hooks(
                self._inline_engine,
                foreign_keys=True,
                busy_timeout_ms=0,
                autocheckpoint_pages=pages,
            )
            if self._checkpoint_thread:
                self._checkpoints = WalCheckpointer(str(self._url.database))

    @property
    def _on_sqlite_file(self) -> bool:
        return self.backend == "sqlite" and not is_memory_sqlite(self._url)

    def __repr__(self) -> str:
        return f"Database({self.url_for_display!r})"

    @property
    def url(self) -> URL:
        """The normalised URL (it may hold a password: show :attr:`url_for_display` instead)."""
        return self._url

    def _make_engine(self, *, echo: bool, for_migrations: bool) -> AsyncEngine:
        kwargs: dict[str, Any] = {"echo": echo}
        if is_memory_sqlite(self._url):
            # One shared connection, or every session would see its own empty database.
            kwargs["poolclass"] = pool.StaticPool
        elif for_migrations:
            kwargs["poolclass"] = pool.NullPool
        else:
            kwargs["pool_pre_ping"] = self.backend == "postgresql"
        engine = create_async_engine(self._url, **kwargs)
        if self.backend == "sqlite":
            _sqlite_hooks(
                engine,
                foreign_keys=not for_migrations,
                busy_timeout_ms=(
                    SQLITE_MIGRATION_BUSY_TIMEOUT_MS if for_migrations else SQLITE_BUSY_TIMEOUT_MS
                ),
                autocheckpoint_pages=(
                    FALLBACK_PAGES if self._checkpoint_thread and not for_migrations else None
                ),
            )
        return engine

    @asynccontextmanager
    async def session(self, doing: str = "using the database") -> AsyncIterator[AsyncSession]:
        """A unit of work: commits when the block ends, rolls back if it raises.

        Database errors come out as :class:`bot.errors.StorageError`; ``doing`` completes their
        message ("... while recording a verdict").
        """
        try:
            async with self._sessions() as session, session.begin():
                yield session
        except CmbotError:
            raise
        except (SQLAlchemyError, OSError, TimeoutError) as exc:
            raise translate(exc, self.url_for_display, doing) from exc

    async def run_write(self, work: Callable[[Connection], T], doing: str, *, rows: int = 1) -> T:
        """``work(connection)`` as one write transaction (committed unless it raises).

        ``rows``: about how many rows it touches. On a SQLite file a short one runs in the event
        loop and a long one in cmbot's SQLite writer thread (see the module docstring); either
        way ``work`` must not touch the event loop. Errors come out as
        :class:`bot.errors.StorageError`.
        """
        try:
            if self._sync_engine is None:
                async with self.engine.begin() as connection:
                    return await connection.run_sync(work)
            async with self.write_lock:
                if rows <= INLINE_ROWS:
                    done, result = self._try_inline(work)
                    if done:
                        self._committed()
                        return result  # type: ignore[return-value]
                if self._writer is None:
                    self._writer = ThreadPoolExecutor(1, thread_name_prefix="cmbot-sqlite")
                loop = asyncio.get_running_loop()
                result = await loop.run_in_executor(self._writer, self._write_sync, work)
                self._committed()
                return result
        except CmbotError:
            raise
        except (SQLAlchemyError, OSError, TimeoutError) as exc:
            raise translate(exc, self.url_for_display, doing) from exc

    def _committed(self) -> None:
        if self._checkpoints is not None:
            self._checkpoints.committed()

    def _try_inline(self, work: Callable[[Connection], T]) -> tuple[bool, T | None]:
        """Run ``work`` in the loop; ``(False, None)`` when SQLite's write lock is taken (by
        another process, or by an async session of this one): nothing was done then."""
        assert self._inline_engine is not None
        started = False

        def run(connection: Connection) -> T:
            nonlocal started
            started = True
            return work(connection)

        try:
            with self._inline_engine.begin() as connection:
                return True, run(connection)
        except OperationalError as exc:
            if started or "locked" not in str(exc.orig):
                raise
            return False, None

    async def run_read(self, work: Callable[[Connection], T], doing: str, *, rows: int = 1) -> T:
        """``work(connection)`` for reads on the runtime's hot path, the same way as
        :meth:`run_write` (on SQLite: in the loop or one hand-over to the writer thread instead
        of one per statement)."""
        return await self.run_write(work, doing, rows=rows)

    def _write_sync(self, work: Callable[[Connection], T]) -> T:
        assert self._sync_engine is not None
        with self._sync_engine.begin() as connection:
            return work(connection)

    async def _migrate(self, step: Callable[[Connection], T], doing: str) -> T:
        engine = self.engine if is_memory_sqlite(self._url) else None
        own = engine is None
        engine = engine or self._make_engine(echo=False, for_migrations=True)
        try:
            async with engine.begin() as connection:
                return await connection.run_sync(step)
        except CmbotError:
            raise
        except Exception as exc:
            raise translate(exc, self.url_for_display, doing, migrating=True) from exc
        finally:
            if own:
                await engine.dispose()

    async def upgrade(self, revision: str = "head") -> None:
        """Bring the schema to ``revision`` (the newest by default). Safe to call every start."""
        await self._migrate(lambda c: self._checked(migrate.upgrade(c, revision)), "upgrading")

    async def downgrade(self, revision: str) -> None:
        """Take the schema back to ``revision``; ``"base"`` drops every cmbot table."""
        await self._migrate(lambda c: self._checked(migrate.downgrade(c, revision)), "downgrading")

    def _checked(self, dangling: list[str]) -> None:
        if dangling:
            raise MigrationError(
                f"migrating database {self.url_for_display!r} left rows pointing at missing "
                f"rows ({'; '.join(dangling[:5])}); the migration was rolled back. Fix or delete "
                "those rows, then upgrade again"
            )

    async def current_revision(self) -> str | None:
        """The schema revision of the database, ``None`` when it has no cmbot tables yet."""
        return await self._migrate(migrate.current_revision, "reading the schema revision")

    @staticmethod
    def head_revision() -> str | None:
        """The newest schema revision this version of cmbot knows."""
        return migrate.head_revision()

    async def is_current(self) -> bool:
        """True when the schema is at the newest revision."""
        return await self.current_revision() == self.head_revision()

    async def dispose(self) -> None:
        """Close every pooled connection. The object can still be used afterwards."""
        await self.engine.dispose()
        if self._checkpoints is not None:
            await asyncio.to_thread(self._checkpoints.stop)
        if self._inline_engine is not None:
            self._inline_engine.dispose()
        if self._writer is not None:
            writer, self._writer = self._writer, None
            await asyncio.get_running_loop().run_in_executor(writer, self._dispose_sync)
            writer.shutdown(wait=True)

    def _dispose_sync(self) -> None:
        if self._sync_engine is not None:
            self._sync_engine.dispose()

    async def __aenter__(self) -> Database:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.dispose()
