"""The IGNORECASE character map agrees with ``re`` itself."""

from __future__ import annotations

import re
import sys

from hypothesis import given
from hypothesis import strategies as st

from bot.text.regex_case import canonical, canonical_char, canonical_table, unlike_lower


def test_table_covers_every_character() -> None:
    table = canonical_table()
    for code in range(sys.maxunicode + 1):
        assert chr(table.get(code, code)) == canonical_char(chr(code)), hex(code)


def test_lowercase_elsewhere() -> None:
    unlike = unlike_lower()
    for code in range(sys.maxunicode + 1):
        if code not in unlike and not 0xD800 <= code < 0xE000:
            assert chr(code).lower() == canonical_char(chr(code)), hex(code)


@given(st.text() | st.text(alphabet="aΣσςİIıiſsΑ "))
def test_canonical_is_per_character(text: str) -> None:
    assert canonical(text) == "".join(canonical_char(ch) for ch in text)


def test_ascii_is_lowercase() -> None:
    ascii_text = "".join(chr(c) for c in range(128))
    assert canonical(ascii_text) == ascii_text.lower()
    assert canonical(ascii_text + "é") == ascii_text.lower() + "é"


def test_every_ignorecase_match_has_the_same_representative() -> None:
    """For each cased character (the only ones ``re`` folds), every character it matches
    under IGNORECASE has its representative; uncased characters only match themselves."""
    table = canonical_table()
    cased = {chr(c) for c in table} | {chr(c) for c in table.values()}
    cased |= {low for ch in list(cased) for low in ch.lower() + ch.upper()}
    haystack = "".join(sorted(cased))
    for ch in cased:
        for match in re.finditer(re.escape(ch), haystack, re.IGNORECASE):
            assert canonical(match.group()) == canonical(ch), (ch, match.group())


def test_known_classes() -> None:
    assert canonical("İI\u212aſΣςσ") == canonical("iiksσσσ")
    assert canonical("Straße") == "straße"  # no expansion to "ss", as in re
    assert len(canonical("İSTANBUL")) == len("İSTANBUL")


@given(st.text())
def test_length_is_kept(text: str) -> None:
    assert len(canonical(text)) == len(text)
