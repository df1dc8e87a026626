"""Character classes built once from :mod:`unicodedata` (invisible characters, combining marks).

Built at import from the running Python's Unicode database (about 15 ms), so a newer Python
with a newer Unicode version is covered without editing hand-kept ranges.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from itertools import chain

# Invisible or filler characters that are not in category Cf but render as nothing.
_INVISIBLE_EXTRA = (
    0x034F,  # combining grapheme joiner
    0x115F, 0x1160, 0x3164, 0xFFA0,  # Hangul fillers
    0x17B4, 0x17B5,  # Khmer inherent vowels
    0x2800,  # braille blank
)  # fmt: skip
_SCANNED = (range(0x00A0, 0x20000), range(0xE0000, 0xE1000))


def _ranges(points: Iterable[int]) -> str:
    """A regex character-class body for a set of code points, as compact ranges."""
    ordered = sorted(set(points))
    parts: list[str] = []
    i = 0
    while i < len(ordered):
        j = i
        while j + 1 < len(ordered) and ordered[j + 1] == ordered[j] + 1:
            j += 1
        first, last = ordered[i], ordered[j]
        parts.append(re.escape(chr(first)))
        if last > first:
            parts.append("-" + re.escape(chr(last)))
        i = j + 1
    return "".join(parts)


def _scan() -> tuple[set[int], set[int]]:
    invisible: set[int] = set(range(0x00, 0x09)) | set(range(0x0E, 0x20))
    invisible |= set(range(0x7F, 0x85)) | set(range(0x86, 0xA0))  # C1 controls but NEL
    invisible |= set(range(0xD800, 0xE000))  # lone surrogates
    invisible |= set(range(0xFE00, 0xFE10)) | set(range(0xE0100, 0xE01F0))  # variation sel.
    invisible |= set(range(0xFFF0, 0xFFF9)) | set(_INVISIBLE_EXTRA)
    marks: set[int] = set()
    category = unicodedata.category
    for cp in chain(*_SCANNED):
        cat = category(chr(cp))
        if cat == "Cf":
            invisible.add(cp)
        elif cat in ("Mn", "Me"):
            marks.add(cp)
    marks -= invisible
    return invisible, marks


_INVISIBLE, _MARKS = _scan()

#: Characters removed by ``clean``: controls (not whitespace), format characters (zero-width
#: space/joiners, bidi controls, soft hyphen, BOM, tags), variation selectors, fillers, surrogates.
#: A ``str.translate`` table: one hash lookup per character, much faster than a regex class.
INVISIBLE_DELETE: dict[int, None] = dict.fromkeys(_INVISIBLE)
#: Non-spacing and enclosing combining marks (what accent folding strips after NFD).
MARK_DELETE: dict[int, None] = dict.fromkeys(_MARKS)
#: The characters of each set below U+10000, as regexes: ``re`` tests a class of BMP
#: characters in constant time (a class reaching beyond the BMP is scanned range by range), so
#: on a text without astral characters ``sub("")`` deletes them much faster than the
#: translation (one dictionary look-up per character).
INVISIBLE_BMP_RE = re.compile(f"[{_ranges(c for c in _INVISIBLE if c < 0x10000)}]")
MARK_BMP_RE = re.compile(f"[{_ranges(c for c in _MARKS if c < 0x10000)}]")
ASTRAL = "\U00010000"  # text >= ASTRAL compares max(text) with the first non-BMP character
#: More than two combining marks in a row ("Zalgo" text); ``clean`` keeps the first two.
MARK_FLOOD_RE = re.compile(f"([{_ranges(_MARKS)}]{{2}})[{_ranges(_MARKS)}]+")
#: ASCII control characters other than whitespace (the fast path of ``clean``).
ASCII_CONTROL_RE = re.compile("[\x00-\x08\x0e-\x1f\x7f]+")


def is_emoji(cp: int) -> bool:
    """A pictographic emoji code point (skin-tone modifiers and flags' letters included)."""
    return (
        0x1F000 <= cp <= 0x1FAFF
        or 0x2600 <= cp <= 0x27BF
        or 0x2300 <= cp <= 0x23FF
        or 0x2B05 <= cp <= 0x2B55
        or cp in (0x00A9, 0x00AE, 0x203C, 0x2049, 0x2122, 0x2139, 0x3030, 0x303D, 0x3297, 0x3299)
    )
