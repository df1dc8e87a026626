"""The matching fold behind ``Normalised.folded`` and ``match_key`` (see :mod:`.normalise`).

Input is already ``clean`` (NFKC, invisible characters removed, whitespace collapsed). Steps:
casefold → strip accents → rejoin spaced-out letters → per word: look-alikes to the word's
dominant script, leetspeak undone, letter runs of 3+ reduced to 2.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from bot.text.scripts import CONFUSABLES, EXTRA_FOLDS, LEET, script_of
from bot.text.unicode_sets import ASTRAL, MARK_BMP_RE, MARK_DELETE

_TLDS = (
    "com|net|org|info|biz|io|co|me|ly|gg|xyz|top|site|online|shop|store|club|pro|app|link|"
    "live|click|fun|vip|win|bet|ru|su|ua|by|kz|fr|de|es|it|pt|br|uk|us|eu|ca|be|ch|nl|pl|tr|"
    "in|cn|jp|tk|ml|ga|cf|gq|cc|tv|ai|dev|ws"
)
# Word characters: letters, digits and underscore, plus Indic/Southeast-Asian spacing
# vowel signs (category Mc, which Python's \w leaves out).
_W = r"[\w\u0900-\u0dff\u0f00-\u0fff\u1000-\u109f\u1780-\u17ff]"
_URL = (
    r"(?P<url>(?:https?://|www\.|t\.me/)\S+"
    r"|(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
    rf"|(?<![\w.@])(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:{_TLDS})\b(?:/\S*)?)|"
)
_REST = (
    r"(?P<mention>(?<![\w@])@\w{2,32})"
    r"|(?P<tag>(?<![\w#])#\w+)"
    rf"|(?P<word>(?:(?<![\w$])\$(?=[^\W\d_]))?{_W}+(?:[$@]+{_W}+)*)"
)
_TOKEN_RE = re.compile(_URL + _REST)
_TOKEN_NO_URL_RE = re.compile(_REST)  # most messages: no URL, a much cheaper scan
# Anything the slow path would act on; when absent, folded == the accent-stripped text.
_SUSPECT_RE = re.compile(
    r"[\d$@#/]|\.\w|([^\W\d_])\1\1|(?<![^\W_])[^\W_][ ._\-][^\W_][ ._\-][^\W_](?![^\W_])"
    r"|[a-z\u00c0-\u024f][\u0370-\u052f]|[\u0370-\u052f][a-z\u00c0-\u024f]"
)
_LATIN_MARK_RE = re.compile("[\u0300-\u036f]+")
_EXTRA_FOLD_RE = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(EXTRA_FOLDS)) + "]")
_PLAIN_WORD_RE = re.compile(f"{_W}+")
_URL_HINT_RE = re.compile(rf"://|www\.|t\.me/|@\w+\.|\w\.(?:{_TLDS})\b")
# "c.a.s.h", "c-a-s-h", "c_a_s_h": one separator, 3+ single characters, inside one chunk.
_JOINED_RE = re.compile(r"(?<![^\W_])[^\W_]([._\-])[^\W_](?:\1[^\W_])+(?![^\W_])")
# "f r e e": 3+ chunks of one character each, separated by single spaces.
_SPACED_RE = re.compile(r"(?<![^\s(\[\"'«])[^\W_](?: [^\W_]){2,}(?=[\s.,!?;:)\]\"'»]|$)")
_ELONG_RE = re.compile(r"([^\W\d_])\1{2,}")
_CONFUSABLE_SCRIPTS = frozenset(("latin", "cyrillic", "greek"))
_AMBIGUOUS = frozenset(ch for (src, _dst), table in CONFUSABLES.items() for ch in table)
_TRAILING_LEET_REPEAT = frozenset("0345")


@dataclass(slots=True)
class FoldCounts:
    confusables: int = 0
    mixed_words: int = 0
    leet_words: int = 0
    spaced: int = 0
    elongated: int = 0


@dataclass(frozen=True, slots=True)
class Folded:
    folded: str
    tokens: tuple[str, ...]
    urls: tuple[str, ...] = field(default=())
    mentions: tuple[str, ...] = field(default=())
    hashtags: tuple[str, ...] = field(default=())


def _strip_accents(s: str) -> str:
    if s.isascii():
        return s
    s = unicodedata.normalize("NFKC", s)  # casefold can leave a non-NFKC string
    s = unicodedata.normalize("NFD", s)
    # Below U+0370 the only marks NFD can produce are U+0300-U+036F: a cheap regex does it.
    top = max(s)
    if top < "\u0370":
        s = _LATIN_MARK_RE.sub("", s)
    elif top >= ASTRAL:
        s = s.translate(MARK_DELETE)
    else:  # the same deletions by a constant-time class: much faster on long texts
        s = MARK_BMP_RE.sub("", s)
    s = unicodedata.normalize("NFC", s)
    if s and max(s) >= "\u00c6" and _EXTRA_FOLD_RE.search(s):
        s = s.translate(EXTRA_FOLDS)
    return " ".join(s.split())


def _dominant_script(word: str, counts: FoldCounts) -> str:
    """The word's script; look-alike letters of other scripts are mapped to it in place."""
    total: dict[str, int] = {}
    strong: dict[str, int] = {}
    for ch in word:
        if ch.isalpha():
            sc = "latin" if ch.isascii() else script_of(ch)
            total[sc] = total.get(sc, 0) + 1
            if ch not in _AMBIGUOUS:
                strong[sc] = strong.get(sc, 0) + 1
    mixable = [sc for sc in total if sc in _CONFUSABLE_SCRIPTS]
    if len(mixable) < 2:
        return max(total, key=lambda sc: (total[sc], sc == "latin")) if total else "latin"
    ranking = strong if any(sc in strong for sc in mixable) else total
    return max(mixable, key=lambda sc: (ranking.get(sc, 0), total[sc], sc == "latin"))


def _fix_confusables(word: str, dominant: str, counts: FoldCounts) -> str:
    out: list[str] = []
    replaced = 0
    mixed = False
    for ch in word:
        if ch.isalpha():
            sc = "latin" if ch.isascii() else script_of(ch)
            if sc != dominant and sc in _CONFUSABLE_SCRIPTS and dominant in _CONFUSABLE_SCRIPTS:
                mixed = True
                table = CONFUSABLES.get((sc, dominant), {})
                if ch in table:
                    ch = table[ch]
                    replaced += 1
        out.append(ch)
    if mixed:
        counts.mixed_words += 1
        counts.confusables += replaced
    return "".join(out) if replaced else word


def _undo_leet(word: str, script: str, counts: FoldCounts) -> str:
    """Map leet characters to letters when the word is clearly obfuscated.

    A run of leet characters counts when it sits between letters ("m0ney", "ca$h"); a
    trailing run counts when it repeats 0, 3, 4 or 5 ("fr33"); a leading "$" before letters
    counts ("$ave"). Then every run is mapped. Words with other digits ("covid19", "b2b"),
    fewer than two letters ("24h") or only an edge digit ("mp3", "1er", "win10") are kept.
    """
    table = LEET.get(script)
    if table is None:
        return word
    letters = 0
    for ch in word:
        if ch.isalpha():
            letters += 1
        elif ch not in table:
            return word
    if letters < 2:
        return word
    proven = word[0] == "$"
    n = len(word)
    i = 0
    while i < n and not proven:
        if word[i].isalpha():
            i += 1
            continue
        j = i
        while j < n and not word[j].isalpha():
            j += 1
        run = word[i:j]
        if (i > 0 and j < n) or (
            j == n and len(run) >= 2 and len(set(run)) == 1 and run[0] in _TRAILING_LEET_REPEAT
        ):
            proven = True
        i = j
    if not proven:
        return word
    counts.leet_words += 1
    return "".join(table.get(ch, ch) for ch in word)


_LATIN_RE = re.compile(r"[a-z\u00c0-\u024f]")
_CYRILLIC_RE = re.compile(r"[\u0400-\u052f]")
_GREEK_RE = re.compile(r"[\u0370-\u03ff]")


_FOLD_CACHE_LIMIT = 100_000
_FOLDED_WORDS: dict[tuple[str, bool], tuple[str, int, int, int, int]] = {}


def _fold_word(word: str, counts: FoldCounts, elongated: bool) -> str:
    """:func:`_fold_word_once`, remembered per word (with what it adds to the counts)."""
    key = (word, elongated)
    known = _FOLDED_WORDS.get(key)
    if known is None:
        own = FoldCounts()
        folded = _fold_word_once(word, own, elongated)
        known = (folded, own.confusables, own.mixed_words, own.leet_words, own.elongated)
        if len(_FOLDED_WORDS) >= _FOLD_CACHE_LIMIT:
            _FOLDED_WORDS.clear()
        _FOLDED_WORDS[key] = known
    folded, confusables, mixed, leet, runs = known
    if confusables or mixed or leet or runs:
        counts.confusables += confusables
        counts.mixed_words += mixed
        counts.leet_words += leet
        counts.elongated += runs
    return folded


def _fold_word_once(word: str, counts: FoldCounts, elongated: bool) -> str:
    script = "latin"
    original = word
    if not word.isascii():
        found = [
            name
            for name, pattern in (
                ("latin", _LATIN_RE),
                ("cyrillic", _CYRILLIC_RE),
                ("greek", _GREEK_RE),
            )
            if pattern.search(word)
        ]
        if len(found) > 1:
            script = _dominant_script(word, counts)
            word = _fix_confusables(word, script, counts)
        elif found:
            script = found[0]
        else:
            script = "other"
    if not word.isalpha():
        word = _undo_leet(word, script, counts)
    if elongated or word != original:  # "A@A" -> "aaa" must be reduced too
        word, n = _ELONG_RE.subn(r"\1\1", word)
        counts.elongated += n
    return word


def _dollar_before(s: str, start: int) -> bool:
    """A "$" right before ``start`` that the word pattern would take as a word's first
    character if a letter followed it (not itself after a word character or "$")."""
    if start == 0 or s[start - 1] != "$":
        return False
    before = s[start - 2] if start >= 2 else ""
    return not (before == "$" or re.match(r"\w", before) is not None)


def _rejoin(match: re.Match[str], counts: FoldCounts) -> str:
    sep = match.group(1) if match.re.groups else " "
    joined = match.group(0).replace(sep, "")
    if sum(ch.isalpha() for ch in joined) < 2:
        return match.group(0)
    counts.spaced += 1
    return joined


def fold_clean(clean: str, counts: FoldCounts) -> Folded:
    """Fold an already ``clean`` text; ``counts`` receives what was undone."""
    s = _strip_accents(clean.casefold())
    if not _SUSPECT_RE.search(s):
        return Folded(s, tuple(_PLAIN_WORD_RE.findall(s)))
    for spaced in (_JOINED_RE, _SPACED_RE):
        if spaced.search(s):
            s = spaced.sub(lambda m: _rejoin(m, counts), s)
    elongated = _ELONG_RE.search(s) is not None
    tokens: list[str] = []
    urls: list[str] = []
    mentions: list[str] = []
    tags: list[str] = []
    pieces: list[str] = []  # the text rebuilt, only from the first token that changes
    last = 0
    token_re = _TOKEN_RE if _URL_HINT_RE.search(s) else _TOKEN_NO_URL_RE
    for m in token_re.finditer(s):
        kind = m.lastgroup
        tok = m.group()
        if kind == "word":
            if not elongated and tok.isascii() and tok.isalpha():
                tokens.append(tok)  # most words: nothing to undo
                continue
            new = _fold_word(tok, counts, elongated)
            start = m.start()
            if _dollar_before(s, start) and not tok[0].isalpha() and new[:1].isalpha():
                # "$0a0a": the "$" was not part of the word ("$" + digit), but once the word
                # reads "oaoa" it is ("$" + letter): fold it with the word now, as a second
                # pass would (folding must give the same text when run again on its result).
                new = _fold_word("$" + new, counts, elongated)
                if new[0] != "$":
                    pieces.append(s[last : start - 1])
                    pieces.append(new)
                    last = m.end()
                    tokens.append(new)
                    continue
                new = new[1:]
        elif kind == "url":
            tok = tok.rstrip(".,;:!?)»\"'")  # the text itself keeps the trailing characters
            urls.append(tok)
            tokens.append(tok)
            continue
        elif kind == "mention":
            mentions.append(tok)
            tokens.append(tok)
            continue
        else:
            new = "#" + _fold_word(tok[1:], counts, elongated)
            tags.append(new)
        if new != tok:
            pieces.append(s[last : m.start()])
            pieces.append(new)
            last = m.end()
        tokens.append(new)
    folded = "".join(pieces) + s[last:] if pieces else s
    return Folded(folded, tuple(tokens), tuple(urls), tuple(mentions), tuple(tags))
