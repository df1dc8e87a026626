"""Text normalisation for matching, spam checks and language detection.

:func:`normalise` never raises on a ``str`` and returns a :class:`Normalised` with

* ``clean``  – NFKC, invisible characters (zero-width, bidi controls, controls, fillers)
  removed, combining-mark floods trimmed, whitespace collapsed. Case and accents are kept:
  this is what language detection and the text model read.
* ``folded`` – ``clean`` made for matching: casefolded, accents stripped (NFD, combining
  marks removed, NFC; plus œ→oe, ø→o, ł→l...), letters spaced out with one consistent
  separator rejoined ("c.a.s.h", "f r e e", "c-a-s-h" → "cash", only runs of 3+ single
  characters with at least two letters), and inside each word: look-alike letters mapped to
  the word's dominant script (:mod:`bot.text.scripts`), leetspeak undone ("fr33", "m0ney",
  "ca$h", "gr@tuit"; real numbers such as "2024", "24h", "mp3", "win10", "1er" are kept) and
  runs of 3+ identical letters reduced to **two** ("freeeee" → "free", "cooool" → "cool",
  "looove" → "loove"). Two, not one, so that human keywords with double letters ("free",
  "cool") keep matching and regexes written against ordinary spelling still work.
* ``tokens`` – the words of ``folded``, with URLs, @mentions and #hashtags kept whole (they
  are also exposed separately in ``urls``, ``mentions`` and ``hashtags``).

:func:`match_key` applies exactly the same folding. **Keywords and texts must both go through
it**: a playbook keyword "Remboursé", "ARNAQUE" or "в личку" is folded once at load time with
``match_key`` and then compared with ``Normalised.folded`` (substring/regex) or ``tokens``.

Only the first :data:`MAX_CHARS` characters are analysed (Telegram messages hold at most 4096);
``stats.truncated`` says when that happened, so the work stays bounded on a 1 MB input.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from bot.text.folding import FoldCounts, fold_clean
from bot.text.scripts import script_of
from bot.text.unicode_sets import (
    ASCII_CONTROL_RE,
    ASTRAL,
    INVISIBLE_BMP_RE,
    INVISIBLE_DELETE,
    MARK_FLOOD_RE,
    is_emoji,
)

__all__ = ["MAX_CHARS", "Normalised", "TextStats", "clean_text", "match_key", "normalise"]

#: Characters analysed; the rest of a longer text is ignored (``stats.truncated``).
MAX_CHARS = 32_768

_RUN_RE = re.compile(r"(.)\1+", re.DOTALL)
_LOW_INVISIBLE_RE = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\xad\u034f]+")
# Three marks in a row from the blocks "Zalgo" text draws on (a cheap pre-check).
_MARK_HINT_RE = re.compile("[\u0300-\u036f\u0483-\u0489\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff]{3}")
_SYMBOL_RE = re.compile(r"[^\w\s]")
_ASCII_LETTERS = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_ASCII_UPPER = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ASCII_DIGITS = b"0123456789"


@dataclass(frozen=True, slots=True)
class TextStats:
    """Counts the spam checks use. Ratios are 0.0 when their denominator is 0."""

    length: int  # characters of the original text
    truncated: bool  # only the first MAX_CHARS characters were analysed
    letters: int  # letters in clean
    uppercase_ratio: float  # uppercase letters / letters
    digits_ratio: float  # digits / non-space characters of clean
    emoji: int  # emoji code points (a ZWJ family counts each person)
    symbols: int  # punctuation and symbols other than emoji
    zero_width_removed: int  # invisible/zero-width/control characters removed
    marks_trimmed: int  # combining marks dropped from "Zalgo" floods (> 2 in a row)
    confusables_replaced: int  # look-alike letters mapped to their word's script
    mixed_script_words: int  # words mixing Latin with Cyrillic or Greek letters
    leet_words: int  # words whose leetspeak was undone
    spaced_words: int  # spaced-out letter runs rejoined ("f r e e")
    elongated_runs: int  # letter runs of 3+ reduced to 2
    max_char_run: int  # longest run of one repeated character in clean
    urls: int
    mentions: int
    hashtags: int
    words: int  # tokens in folded
    scripts: frozenset[str]  # scripts of the letters: "latin", "cyrillic", "arabic", ...


@dataclass(frozen=True, slots=True)
class Normalised:
    original: str
    clean: str
    folded: str
    tokens: tuple[str, ...]
    urls: tuple[str, ...]
    mentions: tuple[str, ...]
    hashtags: tuple[str, ...]
    stats: TextStats


def _clean(text: str) -> tuple[str, int, int]:
    """(clean text, invisible characters removed, combining marks trimmed)."""
    if text.isascii():
        stripped = ASCII_CONTROL_RE.sub("", text)
        return " ".join(stripped.split()), len(text) - len(stripped), 0
    if max(text) < "\u0600":  # Latin, Greek, Cyrillic...: only controls and two others
        stripped = _LOW_INVISIBLE_RE.sub("", text)
    elif max(text) >= ASTRAL:
        stripped = text.translate(INVISIBLE_DELETE)
    else:  # the same deletions by a constant-time class: much faster on long texts
        stripped = INVISIBLE_BMP_RE.sub("", text)
    removed = len(text) - len(stripped)
    nfkc = unicodedata.normalize("NFKC", stripped)
    trimmed = nfkc
    if _MARK_HINT_RE.search(nfkc):
        trimmed = MARK_FLOOD_RE.sub(r"\1", nfkc)
    return " ".join(trimmed.split()), removed, len(nfkc) - len(trimmed)


def clean_text(text: str) -> str:
    """Only the ``clean`` form of :func:`normalise` (cheaper when nothing else is needed)."""
    return _clean(text[:MAX_CHARS])[0]


def match_key(s: str) -> str:
    """The matching form of ``s``: exactly what :func:`normalise` puts in ``folded``.

    Use it on playbook keywords at load time and compare with ``Normalised.folded`` or
    ``Normalised.tokens``; ``match_key(match_key(s)) == match_key(s)``.
    """
    return fold_clean(_clean(s[:MAX_CHARS])[0], FoldCounts()).folded


def _char_stats(clean: str) -> tuple[int, int, int, int, int, frozenset[str]]:
    """(letters, uppercase, digits, emoji, symbols, scripts) of ``clean``."""
    if clean.isascii():
        raw = clean.encode("ascii")
        letters = len(raw) - len(raw.translate(None, _ASCII_LETTERS))
        upper = len(raw) - len(raw.translate(None, _ASCII_UPPER))
        digits = len(raw) - len(raw.translate(None, _ASCII_DIGITS))
        symbols = len(raw) - letters - digits - raw.count(b" ")
        return letters, upper, digits, 0, symbols, frozenset(("latin",) if letters else ())
    letters = sum(map(str.isalpha, clean))
    upper = sum(map(str.isupper, filter(str.isalpha, clean)))  # not the letter-like symbols
    digits = sum(map(str.isdigit, clean))
    emoji = symbols = 0
    for ch in _SYMBOL_RE.findall(clean):
        if is_emoji(ord(ch)):
            emoji += 1
        elif unicodedata.category(ch)[0] in "PS":
            symbols += 1
    scripts = frozenset(script_of(ch) for ch in set(clean) if ch.isalpha())
    return letters, upper, digits, emoji, symbols, scripts


def _max_run(clean: str) -> int:
    if not clean:
        return 0
    return max((m.end() - m.start() for m in _RUN_RE.finditer(clean)), default=1)


def normalise(text: str) -> Normalised:
    """Normalise one message; never raises on a ``str`` (see the module docstring)."""
    analysed = text[:MAX_CHARS]
    clean, removed, trimmed = _clean(analysed)
    counts = FoldCounts()
    fold = fold_clean(clean, counts)
    letters, upper, digits, emoji, symbols, scripts = _char_stats(clean)
    non_space = len(clean) - clean.count(" ")
    stats = TextStats(
        length=len(text),
        truncated=len(text) > MAX_CHARS,
        letters=letters,
        uppercase_ratio=upper / letters if letters else 0.0,
        digits_ratio=digits / non_space if non_space else 0.0,
        emoji=emoji,
        symbols=symbols,
        zero_width_removed=removed,
        marks_trimmed=trimmed,
        confusables_replaced=counts.confusables,
        mixed_script_words=counts.mixed_words,
        leet_words=counts.leet_words,
        spaced_words=counts.spaced,
        elongated_runs=counts.elongated,
        max_char_run=_max_run(clean),
        urls=len(fold.urls),
        mentions=len(fold.mentions),
        hashtags=len(fold.hashtags),
        words=len(fold.tokens),
        scripts=scripts,
    )
    return Normalised(
        original=text,
        clean=clean,
        folded=fold.folded,
        tokens=fold.tokens,
        urls=fold.urls,
        mentions=fold.mentions,
        hashtags=fold.hashtags,
        stats=stats,
    )
