"""Portable column types and the text-safety rules of the storage layer.

**Timestamps.** :class:`UTCDateTime` is ``DateTime(timezone=True)``: PostgreSQL keeps the
offset (``timestamptz``); SQLite has no time zone type and hands back naive values. Every value
is converted to UTC when written and comes back as an aware UTC ``datetime`` on both backends.
A naive ``datetime`` given to the store is taken to be UTC already.

**Text with NUL bytes and broken Unicode.** PostgreSQL refuses ``\\x00`` in ``text`` columns,
and no database can store a lone UTF-16 surrogate (``"\\ud800"``, which ``json.loads`` happily
produces from an escaped Telegram payload). The rule is:

* every ``text``/``varchar`` column holds *clean* text: :func:`clean_text` replaces NUL and lone
  surrogates by U+FFFD (�), so the column is always valid, readable and searchable;
* where the exact text matters (a customer's message), the table also has a nullable
  ``text_exact`` binary column holding the original as UTF-8 (surrogates kept with
  ``surrogatepass``). It is ``NULL`` whenever the clean text *is* the original, so it doubles as
  the "was altered" flag; :func:`restore_text` gives the original back.
* JSON columns use the plain ``JSON`` type (``json`` on PostgreSQL, not ``jsonb``): the JSON
  serialiser escapes NUL as ``\\u0000``, which ``json`` stores verbatim and ``jsonb`` rejects.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, Dialect, String, Text
from sqlalchemy.types import TypeDecorator

REPLACEMENT = "\ufffd"


def clean_text(value: str) -> str:
    """``value`` without NUL and lone surrogates (each replaced by U+FFFD)."""
    if "\x00" in value:
        value = value.replace("\x00", REPLACEMENT)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        # Pair up surrogates that form a character, replace the lone ones.
        value = value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return value


def exact_bytes(value: str) -> bytes | None:
    """The original text as bytes when :func:`clean_text` would alter it, else ``None``."""
    if clean_text(value) == value:
        return None
    return value.encode("utf-8", "surrogatepass")


def restore_text(clean: str, exact: bytes | None) -> str:
    """The original text from a clean column and its ``text_exact`` companion."""
    if exact is None:
        return clean
    return bytes(exact).decode("utf-8", "surrogatepass")


class CleanText(TypeDecorator[str]):
    """Unbounded text, cleaned by :func:`clean_text` on the way in."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else clean_text(value)


class CleanString(TypeDecorator[str]):
    """Bounded text (``VARCHAR(length)``), cleaned by :func:`clean_text` on the way in."""

    impl = String
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else clean_text(value)


class UTCDateTime(TypeDecorator[datetime]):
    """An aware UTC timestamp on every backend (see the module docstring)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)
