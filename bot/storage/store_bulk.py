"""Contacts and chats of a whole batch of messages: one query and one upsert for all of them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Table, case, func

from bot import domain
from bot.domain import utcnow
from bot.storage.store_people import CHATS, CONTACTS, PeopleStore

CACHE_LIMIT = 100_000
#: The contact fields erasure clears (:meth:`PeopleStore.forget_contact`).
PERSONAL = frozenset({"username", "first_name", "language"})


class BulkPeopleStore(PeopleStore):
    def _people_ids(
        self, session: Connection, messages: Sequence[domain.InboundMessage]
    ) -> tuple[dict[tuple[str, str], int], dict[tuple[str, str], int]]:
        """Contact and chat ids for ``messages``, keyed by ``(platform, platform id)``.

        Rows are only written when new or changed since this store last saw them (an
        in-memory cache); an erased contact's personal fields stay empty (the upsert itself
        keeps them: no read first). Runs inside a :meth:`~bot.storage.Database.run_write`
        transaction.
        """
        contacts: dict[tuple[str, str], dict[str, Any]] = {}
        chats: dict[tuple[str, str], dict[str, Any]] = {}
        for msg in messages:
            if msg.user_id is not None:
                contacts[(msg.platform, msg.user_id)] = {
                    "username": msg.username,
                    "first_name": msg.first_name,
                    "language": msg.lang_hint,
                }
            if msg.chat_id is not None:
                chats[(msg.platform, msg.chat_id)] = {
                    "title": msg.chat_title,
                    "kind": msg.extra.get("chat_type"),
                }
        contact_ids = self._bulk(session, CONTACTS, "user_id", contacts)
        chat_ids = self._bulk(session, CHATS, "chat_id", chats)
        return contact_ids, chat_ids

    def _bulk(
        self,
        session: Connection,
        table: Table,
        id_column: str,
        wanted: dict[tuple[str, str], dict[str, Any]],
    ) -> dict[tuple[str, str], int]:
        cache: dict[tuple[Any, ...], int] = self.__dict__.setdefault("_people_cache", {})
        name = "contacts" if table is CONTACTS else table.name
        ids: dict[tuple[str, str], int] = {}
        rows = []
        now = utcnow()
        for key, values in wanted.items():
            known = cache.get((name, *key, *values.values()))
            if known is not None:
                ids[key] = known
            else:
                rows.append(
                    {
                        "platform": key[0],
                        id_column: key[1],
                        **values,
                        "created_at": now,
                        "updated_at": now,
                    }
                )
        if not rows:
            return ids
        fields = tuple(k for k in rows[0] if k not in ("platform", id_column, "created_at"))
        returning = self._people_upsert(table, id_column, fields)
        if len(cache) > CACHE_LIMIT:
            cache.clear()
        for platform, platform_id, row_id in session.execute(returning, rows).all():
            key = (platform, platform_id)
            ids[key] = int(row_id)
            cache[(name, *key, *wanted[key].values())] = int(row_id)
        return ids

    def _people_upsert(self, table: Table, id_column: str, fields: tuple[str, ...]) -> Any:
        """The upsert statement of ``table`` for these ``fields``."""

        def build() -> Any:
            stmt = self._insert(table)
            changes: dict[str, Any] = {
                k: func.coalesce(stmt.excluded[k], table.c[k]) for k in fields
            }
            if table is CONTACTS:  # an erased contact's personal fields stay as erasure left them
                for k in PERSONAL.intersection(fields):
                    changes[k] = case((table.c.erased, table.c[k]), else_=changes[k])
            upsert = stmt.on_conflict_do_update(
                index_elements=["platform", id_column], set_=changes
            )
            return upsert.returning(table.c.platform, table.c[id_column], table.c.id)

        return self._built_once(("people_upsert", table.name, fields), build)
