"""A cheap pre-check that tells which playbook regexes cannot match a text, so they are not run.

Python's ``re`` is slow on long alternations with ``IGNORECASE``; most messages match none
of the patterns. From the parsed pattern we derive a set of literal strings of which every
match must contain at least one ("problem", "issue", "bug"... for
``\\b(?:problems?|issues?|bug)\\b``). :class:`PatternPrefilter` puts the literals of all
patterns in one Aho-Corasick automaton (pyahocorasick): one pass over a text yields the
patterns that may match; only those are searched.

The check is exact, never a guess. Under ``IGNORECASE`` literals and texts are compared in the
character classes ``re`` itself uses (:mod:`bot.text.regex_case`: "ı" and "İ" match "i", the
Kelvin sign "k", "ſ" "s"...), character for character, so it holds on any text, ASCII or
not. A pattern whose structure it does not understand (inline flag groups, optional parts,
character ranges...) simply gets no literals and is always run.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

import ahocorasick

from bot.text.regex_case import canonical, canonical_char

Literals = frozenset[str]


def _char(code: int, ignore_case: bool) -> str:
    """The literal as it appears in the compared form of the text."""
    ch = chr(code)
    return canonical_char(ch) if ignore_case else ch


def _best(options: list[Literals]) -> Literals | None:
    """The most selective of several required sets (longest shortest literal, then fewest)."""
    if not options:
        return None
    return max(options, key=lambda s: (min((len(x) for x in s), default=99), -len(s)))


def _sequence(items: Any, ignore_case: bool) -> Literals | None:
    options: list[Literals] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            options.append(frozenset(["".join(run)]))
            run.clear()

    for op, av in items:
        if op is sre.LITERAL:
            run.append(_char(av, ignore_case))
            continue
        flush()
        found = _item(op, av, ignore_case)
        if found is not None:
            options.append(found)
    flush()
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
            chars.add(_char(value, ignore_case))
        return frozenset(chars)
    return None


def required_literals(regex: re.Pattern[str]) -> Literals | None:
    """Strings one of which every match contains, in the compared form of the text
    (:func:`bot.text.regex_case.canonical` when the pattern ignores case, the text as is
    otherwise); None when no such set is known."""
    try:
        parsed = sre_parse.parse(regex.pattern, regex.flags)
        found = _sequence(list(parsed), ignores_case(regex))
    except (re.error, RecursionError):
        return None
    if found is not None and (not found or any(not x for x in found)):
        return None  # an empty literal is in every text
    return found


def ignores_case(regex: re.Pattern[str]) -> bool:
    """Whether the pattern as a whole ignores case (``re.IGNORECASE`` or a leading ``(?i)``)."""
    return bool(regex.flags & re.IGNORECASE)


def may_match(literals: Literals | None, haystack: str) -> bool:
    """Whether a pattern can match, from its literals and the compared form of the text
    (one pattern at a time; :class:`PatternPrefilter` does all of them in one pass)."""
    if literals is None:
        return True
    return any(x in haystack for x in literals)


def _automaton(table: dict[str, list[int]]) -> Any:
    if not table:
        return None
    automaton = ahocorasick.Automaton()
    for literal, owners in table.items():
        automaton.add_word(literal, tuple(owners))
    automaton.make_automaton()
    return automaton


class PatternPrefilter:
    """The patterns (by position) that may match a text, from one pass per compared form."""

    def __init__(self, regexes: Sequence[re.Pattern[str]]) -> None:
        always: list[int] = []
        folded: dict[str, list[int]] = {}  # literals of patterns that ignore case
        exact: dict[str, list[int]] = {}  # literals of case-sensitive patterns
        for index, regex in enumerate(regexes):
            literals = required_literals(regex)
            if literals is None:
                always.append(index)
                continue
            table = folded if ignores_case(regex) else exact
            for literal in literals:
                table.setdefault(literal, []).append(index)
        self.always = frozenset(always)
        self._folded = _automaton(folded)
        self._exact = _automaton(exact)

    def candidates(self, text: str) -> set[int]:
        """The positions of the patterns that may match ``text``; a superset of those that do."""
        found = set(self.always)
        if self._folded is not None:
            for _end, owners in self._folded.iter(canonical(text)):
                found.update(owners)
        if self._exact is not None:
            for _end, owners in self._exact.iter(text):
                found.update(owners)
        return found
