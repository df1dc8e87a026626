"""How Python's ``re`` compares characters under ``IGNORECASE``, as one character map.

With ``re.IGNORECASE`` (on ``str`` patterns) a pattern character ``c`` matches a text character
``t`` when their *simple* lowercase forms are equal, or are both in one of the small groups
of extra equivalences ``re`` knows about (``i``/``ı``, ``s``/``ſ``, ``µ``/``μ``, ``σ``/``ς``,
``в``/``ᲀ``...). :func:`canonical` maps every character to one representative of that
class (the smallest code point among the simple lowercase form and its extra equivalents),
character for character, so

    ``re`` matches ``c`` against ``t`` under IGNORECASE  ⟹  ``canonical(c) == canonical(t)``

and a string of literals the pattern needs is found in ``canonical(text)`` whenever the
pattern matches ``text``. Unlike ``str.lower`` the map keeps the length of the text ("İ"
lowers to two characters) and knows the extra equivalences ("ı" matches "I"; the Kelvin sign
matches "k"); unlike ``str.casefold`` it does not expand "ß" to "ss", which ``re`` does not
either. On ASCII text it is exactly ``str.lower``.
"""

from __future__ import annotations

import _sre  # re's engine: the very lowercase re uses
import re
from functools import cache
from re import _casefix  # type: ignore[attr-defined]

__all__ = ["canonical", "canonical_char", "canonical_table", "unlike_lower"]

_EXTRA: dict[int, tuple[int, ...]] = _casefix._EXTRA_CASES
_CHUNK = 256


def _representative(code: int) -> int:
    lower: int = _sre.unicode_tolower(code)
    return min((lower, *_EXTRA.get(lower, ())))


@cache
def _tables() -> tuple[dict[int, int], frozenset[int]]:
    table: dict[int, int] = {}
    unlike: set[int] = set()
    for start in range(0, 0x110000, _CHUNK):
        codes = range(start, min(start + _CHUNK, 0x110000))
        block = "".join(chr(c) for c in codes if not 0xD800 <= c < 0xE000)
        if block.lower() == block:  # no character of the block has a lowercase form
            continue
        for code in codes:
            representative = _representative(code)
            if representative != code:
                table[code] = representative
            if chr(code).lower() != chr(representative):
                unlike.add(code)
    for code in _EXTRA:  # already lowercase, but with a smaller equivalent
        representative = _representative(code)
        if representative != code:
            table[code] = representative
        if chr(code).lower() != chr(representative):
            unlike.add(code)
    return table, frozenset(unlike)


def canonical_table() -> dict[int, int]:
    """``{code point: representative}`` for every character that is not its own (for
    :meth:`str.translate`). Built once, on first use (a fraction of a second)."""
    return _tables()[0]


def unlike_lower() -> frozenset[int]:
    """The few characters whose representative is not their ``str.lower`` ("İ", "ı", "ſ",
    "σ"...): a text without any of them is mapped by ``str.lower`` alone."""
    return _tables()[1]


@cache
def _unlike_lower_re() -> re.Pattern[str]:
    return re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(unlike_lower())) + "]")


def canonical_char(ch: str) -> str:
    """The representative of one character's IGNORECASE class."""
    return chr(_representative(ord(ch)))


def canonical(text: str) -> str:
    """``text`` with every character replaced by its IGNORECASE representative."""
    if text.isascii() or _unlike_lower_re().search(text) is None:
        return text.lower()  # str.lower is per character but for "Σ" and "İ", both unlike
    return text.translate(canonical_table())
