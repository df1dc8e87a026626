"""A cheap pre-check that tells when a playbook regex cannot match, so it is not run.

Python's ``re`` is slow on long alternations with ``IGNORECASE``; most messages match none
of the patterns. From the parsed pattern we derive a set of literal strings of which every
match must contain at least one ("problem", "issue", "bug"... for
``\\b(?:problems?|issues?|bug)\\b``): when none is in the text, the search is skipped.

The check is exact, never a guess: it is only used on ASCII texts, where ``IGNORECASE``
means "same lowercase" (a pattern character outside ASCII that matches an ASCII one, such as
the Kelvin sign or a dotless i, disables the filter for that pattern), and a pattern whose
structure it does not understand simply gets no filter.
"""

from __future__ import annotations

import re
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

Literals = frozenset[str]

_ASCII = [chr(c) for c in range(128)]


class _Unsafe(Exception):
    """The pattern holds a character the ASCII reasoning does not cover."""


def _char(code: int, ignore_case: bool) -> str | None:
    """The literal as it appears in lowercased ASCII text; None when it cannot appear."""
    ch = chr(code)
    if ch.isascii():
        return ch.lower() if ignore_case else ch
    if ignore_case and any(re.fullmatch(re.escape(ch), a, re.IGNORECASE) for a in _ASCII):
        raise _Unsafe(ch)
    return None  # a non-ASCII character never occurs in ASCII text


def _best(options: list[Literals]) -> Literals | None:
    """The most selective of several required sets (longest shortest literal, then fewest)."""
    if not options:
        return None
    return max(options, key=lambda s: (min((len(x) for x in s), default=99), -len(s)))


def _sequence(items: Any, ignore_case: bool) -> Literals | None:
    options: list[Literals] = []
    run: list[str] = []
    impossible = False

    def flush() -> None:
        if run:
            options.append(frozenset(["".join(run)]))
            run.clear()

    for op, av in items:
        if op is sre.LITERAL:
            ch = _char(av, ignore_case)
            if ch is None:
                impossible = True
                flush()
            else:
                run.append(ch)
            continue
        flush()
        found = _item(op, av, ignore_case)
        if found is not None:
            options.append(found)
    flush()
    if impossible:
        return frozenset()  # cannot match ASCII text at all
    return _best(options)


def _item(op: Any, av: Any, ignore_case: bool) -> Literals | None:
    if op is sre.SUBPATTERN:
        _group, add_flags, del_flags, body = av
        if add_flags or del_flags:
            return None
        return _sequence(body, ignore_case)
    if op is sre.BRANCH:
        union: set[str] = set()
        for branch in av[1]:
            found = _sequence(branch, ignore_case)
            if found is None:
                return None
            union |= found
        return frozenset(union)
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
        low, _high, body = av
        return _sequence(body, ignore_case) if low >= 1 else None
    if op is sre.IN:
        chars: set[str] = set()
        for kind, value in av:
            if kind is not sre.LITERAL:
                return None
            ch = _char(value, ignore_case)
            if ch is not None:
                chars.add(ch)
        return frozenset(chars)
    return None


def required_literals(regex: re.Pattern[str]) -> Literals | None:
    """Strings one of which every match on an ASCII text contains (lowercased when the
    pattern ignores case); None when no such set is known."""
    try:
        parsed = sre_parse.parse(regex.pattern, regex.flags)
        ignore_case = bool(parsed.state.flags & re.IGNORECASE)
        found = _sequence(list(parsed), ignore_case)
    except (_Unsafe, re.error, RecursionError):
        return None
    if found is not None and any(not x for x in found):
        return None  # an empty literal is in every text
    return found


def may_match(literals: Literals | None, haystack: str) -> bool:
    """Whether the pattern can match ``haystack`` (ASCII, lowercased when it ignores case)."""
    if literals is None:
        return True
    return any(x in haystack for x in literals)
