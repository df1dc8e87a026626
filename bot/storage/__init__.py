"""Storage: SQLAlchemy 2 (async) on SQLite by default or PostgreSQL, migrated by alembic.

::

    from bot.storage import Database, Store, default_database_url

    db = Database(default_database_url())   # sqlite+aiosqlite:///cmbot.db unless configured
    await db.upgrade()                        # alembic to head; safe on every start
    store = Store(db)
    inbound_id = await store.record_inbound(message)
    await db.dispose()

Modules: :mod:`~bot.storage.urls` (URL forms, hiding passwords), :mod:`~bot.storage.database`
(engine, sessions, migrations), :mod:`~bot.storage.store` (the repository),
:mod:`~bot.storage.models` (tables), :mod:`~bot.storage.types` (portable column types and the
NUL-byte rule), :mod:`~bot.storage.migrate` (alembic without alembic.ini).
"""

from bot.storage.database import Database
from bot.storage.store import Store
from bot.storage.urls import default_database_url

__all__ = ["Database", "Store", "default_database_url"]
