"""Unicode scripts, look-alike letters and leetspeak tables used by :mod:`bot.text.normalise`.

The look-alike tables are a deliberately small, hand-written subset of Unicode's
``confusables.txt``: the lowercase Cyrillic and Greek letters that are routinely swapped for
Latin ones (and back) in spam ("gооgle" with Cyrillic о, "вitcoin" with Latin o...). Case is
folded before the tables are used, so an uppercase look-alike (Cyrillic Н for Latin H) is
covered by its lowercase pair (н ↔ h). Mapping is only applied *inside a word* towards the
word's dominant script, so real Russian or Greek words are never rewritten.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from typing import Final

# (first code point, last code point, script). Sorted; gaps are "other".
_RANGES: Final[tuple[tuple[int, int, str], ...]] = (
    (0x0041, 0x005A, "latin"),
    (0x0061, 0x007A, "latin"),
    (0x00AA, 0x00AA, "latin"),
    (0x00BA, 0x00BA, "latin"),
    (0x00C0, 0x024F, "latin"),
    (0x0250, 0x02AF, "latin"),
    (0x0370, 0x03FF, "greek"),
    (0x0400, 0x052F, "cyrillic"),
    (0x0530, 0x058F, "armenian"),
    (0x0590, 0x05FF, "hebrew"),
    (0x0600, 0x06FF, "arabic"),
    (0x0700, 0x074F, "syriac"),
    (0x0750, 0x077F, "arabic"),
    (0x0780, 0x07BF, "thaana"),
    (0x08A0, 0x08FF, "arabic"),
    (0x0900, 0x0DFF, "indic"),
    (0x0E00, 0x0E7F, "thai"),
    (0x0E80, 0x0EFF, "lao"),
    (0x0F00, 0x0FFF, "tibetan"),
    (0x1000, 0x109F, "myanmar"),
    (0x10A0, 0x10FF, "georgian"),
    (0x1100, 0x11FF, "hangul"),
    (0x1200, 0x139F, "ethiopic"),
    (0x1780, 0x17FF, "khmer"),
    (0x1C80, 0x1C8F, "cyrillic"),
    (0x1D00, 0x1DBF, "latin"),
    (0x1E00, 0x1EFF, "latin"),
    (0x1F00, 0x1FFF, "greek"),
    (0x2C60, 0x2C7F, "latin"),
    (0x2DE0, 0x2DFF, "cyrillic"),
    (0x3040, 0x30FF, "kana"),
    (0x3130, 0x318F, "hangul"),
    (0x31F0, 0x31FF, "kana"),
    (0x3400, 0x4DBF, "cjk"),
    (0x4E00, 0x9FFF, "cjk"),
    (0xA640, 0xA69F, "cyrillic"),
    (0xA720, 0xA7FF, "latin"),
    (0xAC00, 0xD7AF, "hangul"),
    (0xF900, 0xFAFF, "cjk"),
    (0xFB1D, 0xFB4F, "hebrew"),
    (0xFB50, 0xFDFF, "arabic"),
    (0xFE70, 0xFEFF, "arabic"),
    (0xFF21, 0xFF3A, "latin"),
    (0xFF41, 0xFF5A, "latin"),
    (0xFF66, 0xFF9F, "kana"),
    (0xFFA0, 0xFFDC, "hangul"),
    (0x20000, 0x3134F, "cjk"),
)
_CACHE: dict[str, str] = {}
_STARTS: Final[list[int]] = [r[0] for r in _RANGES]


def script_of(char: str) -> str:
    """The script of one letter ("latin", "cyrillic", "greek", "arabic", "cjk", ...).

    Returns ``"other"`` for code points outside the table (callers only ask about letters).
    """
    known = _CACHE.get(char)
    if known is not None:
        return known
    cp = ord(char)
    name = "other"
    i = bisect_right(_STARTS, cp) - 1
    if i >= 0:
        first, last, script = _RANGES[i]
        if first <= cp <= last:
            name = script
    if len(_CACHE) < 65_536:
        _CACHE[char] = name
    return name


_ASCII_LETTERS: Final = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def script_counts(text: str) -> Counter[str]:
    """Letters per script, scripts in order of first appearance."""
    if text.isascii():
        raw = text.encode("ascii")
        letters = len(raw) - len(raw.translate(None, _ASCII_LETTERS))
        return Counter({"latin": letters}) if letters else Counter()
    scripts: Counter[str] = Counter()
    for ch, count in Counter(text).items():  # each distinct character once
        if ch.isalpha():
            scripts[script_of(ch)] += count
    return scripts


# Cyrillic (lowercase) -> Latin look-alike.
CYRILLIC_TO_LATIN: Final[dict[str, str]] = {
    "а": "a", "в": "b", "с": "c", "ԁ": "d", "е": "e", "һ": "h", "н": "h", "і": "i",
    "ј": "j", "к": "k", "ӏ": "l", "м": "m", "о": "o", "р": "p", "ԛ": "q", "ѕ": "s",
    "т": "t", "ԝ": "w", "х": "x", "у": "y", "ү": "y",
}  # fmt: skip
# Latin (lowercase) -> Cyrillic look-alike (for Latin letters slipped into Russian words).
LATIN_TO_CYRILLIC: Final[dict[str, str]] = {
    "a": "а", "b": "в", "c": "с", "e": "е", "h": "н", "k": "к", "m": "м", "o": "о",
    "p": "р", "t": "т", "x": "х", "y": "у", "i": "і", "j": "ј", "s": "ѕ",
}  # fmt: skip
# Greek (lowercase, accents already stripped) -> Latin look-alike.
GREEK_TO_LATIN: Final[dict[str, str]] = {
    "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o",
    "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "γ": "y", "ω": "w", "ϲ": "c", "ϳ": "j",
}  # fmt: skip
LATIN_TO_GREEK: Final[dict[str, str]] = {
    "a": "α", "b": "β", "e": "ε", "i": "ι", "k": "κ", "n": "η", "o": "ο", "p": "ρ",
    "t": "τ", "u": "υ", "v": "ν", "x": "χ", "y": "γ", "w": "ω",
}  # fmt: skip

# (from script, to script) -> table.
CONFUSABLES: Final[dict[tuple[str, str], dict[str, str]]] = {
    ("cyrillic", "latin"): CYRILLIC_TO_LATIN,
    ("greek", "latin"): GREEK_TO_LATIN,
    ("latin", "cyrillic"): LATIN_TO_CYRILLIC,
    ("latin", "greek"): LATIN_TO_GREEK,
}

# Leetspeak, by the script of the word it sits in. Digits 2, 6, 8, 9 are left out for Latin
# because they are far more often real ("b2b", "h2o", "k8s", "covid19").
LEET: Final[dict[str, dict[str, str]]] = {
    "latin": {
        "0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t",
        "@": "a", "$": "s",
    },
    "cyrillic": {"0": "о", "3": "з", "4": "ч", "6": "б", "@": "а"},
}  # fmt: skip

# Latin letters that do not decompose under NFD but are accented forms all the same.
EXTRA_FOLDS: Final[dict[int, str]] = str.maketrans(
    {
        "ø": "o",
        "ł": "l",
        "đ": "d",
        "ħ": "h",
        "ı": "i",
        "ŧ": "t",
        "ƀ": "b",
        "ɨ": "i",
        "œ": "oe",
        "æ": "ae",
        "ð": "d",
        "þ": "th",
        "ŀ": "l",
        "ȷ": "j",
    }
)
