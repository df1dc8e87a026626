"""The storage fixtures (SQLite and PostgreSQL) and the runtime fixtures for the reports tests."""

from tests.storage.conftest import backend, database, database_url, store  # noqa: F401
from tests.telegram.conftest import api, clock, make_runtime  # noqa: F401
