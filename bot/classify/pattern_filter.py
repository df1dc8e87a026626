"""A cheap pre-check that tells which playbook regexes cannot match a text, so they are not run.

Python's ``re`` is slow on long alternations with ``IGNORECASE``; most messages match none
of the patterns. From the parsed pattern we derive a :class:`Requirement` on the literal
strings a match must contain: ``\\b(?:problems?|issues?|bug)\\b`` needs one of "problem",
"issue", "bug"; ``\\d+p\\s?(?:/|per\\s)\\s?(?:msg|min)`` needs "p" *and* "/" or "per" *and*
"msg" or "min"; an alternation needs what one of its branches needs. Small finite parts are
expanded into the strings they can match (``rates?`` → "rate", "rates"; ``[!?]{3}`` → "!!!",
"!!?"...), so the literals are as long as the pattern allows.

:class:`PatternPrefilter` puts the literals of all patterns in one Aho-Corasick automaton
(pyahocorasick): one pass over a text gives the literals present, and only the patterns
whose requirement holds are searched.

The check is exact, never a guess. Under ``IGNORECASE`` literals and texts are compared in the
character classes ``re`` itself uses (:mod:`bot.text.regex_case`: "ı" and "İ" match "i", the
Kelvin sign "k", "ſ" "s"...), character for character, so it holds on any text, ASCII or
not. A part whose structure it does not understand (inline flag groups, lookarounds,
character ranges, unbounded repeats...) simply requires nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
from operator import itemgetter
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

import ahocorasick

from bot.text.regex_case import canonical, canonical_char

#: Most strings a finite part of a pattern is expanded into.
MAX_EXPANSION = 64
#: Longest bounded repeat (``x{0,3}``) that is expanded.
MAX_REPEAT_EXPANDED = 3
#: Most outcomes remembered per pattern (see :meth:`PatternPrefilter._holds`).
MEMO_LIMIT = 4096
_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT)
_literal = itemgetter(1)  # of an automaton match: (end, literal)


@dataclass(frozen=True)
class Requirement:
    """``any_of`` strings present (a leaf), or all/one of ``parts`` holding."""

    any_of: frozenset[str] = frozenset()
    parts: tuple[Requirement, ...] = ()
    all_parts: bool = True

    def holds(self, present: set[str]) -> bool:
        if not self.parts:
            return not self.any_of.isdisjoint(present)
        if self.all_parts:
            return all(part.holds(present) for part in self.parts)
        return any(part.holds(present) for part in self.parts)

    def literals(self) -> Iterator[str]:
        yield from self.any_of
        for part in self.parts:
            yield from part.literals()

    def shortest(self) -> int:
        """The length of the shortest literal (a rough inverse of how often it holds)."""
        return min((len(x) for x in self.literals()), default=0)

    def test(self) -> Callable[[set[str]], bool]:
        """:meth:`holds` as one function of nested closures (no recursion at run time);
        the parts of a conjunction are tried most selective first."""
        if not self.parts:
            if len(self.any_of) == 1:
                (only,) = self.any_of
                return lambda present: only in present
            isdisjoint = self.any_of.isdisjoint
            return lambda present: not isdisjoint(present)
        parts = sorted(self.parts, key=Requirement.shortest, reverse=self.all_parts)
        tests = [part.test() for part in parts]
        combined = tests[-1]
        for first in reversed(tests[:-1]):
            combined = _both(first, combined) if self.all_parts else _either(first, combined)
        return combined


def _both(
    first: Callable[[set[str]], bool], then: Callable[[set[str]], bool]
) -> Callable[[set[str]], bool]:
    return lambda present: first(present) and then(present)


def _either(
    first: Callable[[set[str]], bool], other: Callable[[set[str]], bool]
) -> Callable[[set[str]], bool]:
    return lambda present: first(present) or other(present)


def _all(parts: list[Requirement]) -> Requirement | None:
    if not parts:
        return None
    if not all(_common(p) for p in parts):
        # Single letters and digits are in most texts: they only cost automaton hits where
        # something rarer is also needed (dropping a part of a conjunction keeps it exact).
        parts = [p for p in parts if not _common(p)]
    return parts[0] if len(parts) == 1 else Requirement(parts=tuple(parts), all_parts=True)


def _common(part: Requirement) -> bool:
    """A part that holds in most texts: it is met by a single letter, digit or space."""
    return not part.parts and any(len(x) == 1 and (x.isalnum() or x.isspace()) for x in part.any_of)


def _any(parts: list[Requirement]) -> Requirement:
    leaves = [p for p in parts if not p.parts]  # merged into one leaf: any of their strings
    merged = Requirement(any_of=frozenset().union(*(p.any_of for p in leaves)))
    others = [p for p in parts if p.parts]
    if not others:
        return merged
    return Requirement(parts=(merged, *others) if leaves else tuple(others), all_parts=False)


def _product(left: set[str], right: set[str]) -> set[str] | None:
    if len(left) * len(right) > MAX_EXPANSION:
        return None
    return {a + b for a in left for b in right}


def _exact(op: Any, av: Any, ignore_case: bool) -> set[str] | None:
    """Every string the item can match, when that is a small finite set."""
    if op is sre.LITERAL:
        ch = chr(av)
        return {canonical_char(ch) if ignore_case else ch}
    if op is sre.AT:
        return {""}  # zero-width: the strings around it are adjacent
    if op is sre.IN:
        chars = set()
        for kind, value in av:
            if kind is not sre.LITERAL:
                return None
            ch = chr(value)
            chars.add(canonical_char(ch) if ignore_case else ch)
        return chars
    if op is sre.SUBPATTERN:
        _group, add_flags, del_flags, body = av
        return None if (add_flags or del_flags) else _exact_sequence(body, ignore_case)
    if op is sre.BRANCH:
        union: set[str] = set()
        for branch in av[1]:
            found = _exact_sequence(branch, ignore_case)
            if found is None:
                return None
            union |= found
        return union if len(union) <= MAX_EXPANSION else None
    if op in _REPEATS:
        low, high, body = av
        if high > MAX_REPEAT_EXPANDED:
            return None
        once = _exact_sequence(body, ignore_case)
        if once is None:
            return None
        strings: set[str] = set()
        power = {""}
        for count in range(high + 1):
            if count >= low:
                strings |= power
            if count < high:
                longer = _product(power, once)
                if longer is None:
                    return None
                power = longer
        return strings if len(strings) <= MAX_EXPANSION else None
    return None


def _exact_sequence(items: Any, ignore_case: bool) -> set[str] | None:
    strings = {""}
    for op, av in items:
        found = _exact(op, av, ignore_case)
        longer = None if found is None else _product(strings, found)
        if longer is None:
            return None
        strings = longer
    return strings


def _sequence(items: Any, ignore_case: bool) -> Requirement | None:
    """What a run of items needs: every maximal finite stretch gives one of its strings."""
    parts: list[Requirement] = []
    run: set[str] = {""}

    def close() -> None:
        if "" not in run:  # a stretch that may match nothing tells nothing
            parts.append(Requirement(any_of=frozenset(run)))

    for op, av in items:
        found = _exact(op, av, ignore_case)
        if found is not None:
            longer = _product(run, found)
            if longer is not None:
                run = longer
            else:
                close()
                run = found
            continue
        close()
        run = {""}
        needed = _item(op, av, ignore_case)
        if needed is not None:
            parts.append(needed)
    close()
    return _all(parts)


def _item(op: Any, av: Any, ignore_case: bool) -> Requirement | None:
    if op is sre.SUBPATTERN:
        _group, add_flags, del_flags, body = av
        if add_flags or del_flags:
            return None
        return _sequence(body, ignore_case)
    if op is sre.BRANCH:
        options = []
        for branch in av[1]:
            found = _sequence(branch, ignore_case)
            if found is None:
                return None
            options.append(found)
        return _any(options)
    if op in _REPEATS:
        low, _high, body = av
        return _sequence(body, ignore_case) if low >= 1 else None
    return None


def ignores_case(regex: re.Pattern[str]) -> bool:
    """Whether the pattern as a whole ignores case (``re.IGNORECASE`` or a leading ``(?i)``)."""
    return bool(regex.flags & re.IGNORECASE)


def _nested(op: Any, av: Any) -> list[Any]:
    """The item lists inside one parsed item."""
    if op is sre.SUBPATTERN:
        return [av[3]]
    if op is sre.BRANCH:
        return list(av[1])
    if op in _REPEATS:
        return [av[2]]
    if op in (sre.ASSERT, sre.ASSERT_NOT):
        return [av[1]]
    if op is sre.ATOMIC_GROUP:
        return [av]
    if op is sre.GROUPREF_EXISTS:
        return [x for x in av[1:] if x is not None]
    return []


def _local_flags(items: Any) -> bool:
    for op, av in items:
        if op is sre.SUBPATTERN and (av[1] or av[2]):
            return True
        if any(_local_flags(inner) for inner in _nested(op, av)):
            return True
    return False


def same_on_lowercase_ascii(regex: re.Pattern[str]) -> bool:
    """Whether the pattern finds a match in an ASCII text exactly when it finds one in the
    text lowercased: true for ``IGNORECASE`` patterns without local flag groups, whose
    every step compares lowercased characters or case-blind classes (``\\w``, ``\\d``...)."""
    if not ignores_case(regex):
        return False
    try:
        return not _local_flags(list(sre_parse.parse(regex.pattern, regex.flags)))
    except (re.error, RecursionError):
        return False


def requirement(regex: re.Pattern[str]) -> Requirement | None:
    """What every match contains, in the compared form of the text
    (:func:`bot.text.regex_case.canonical` when the pattern ignores case, the text as is
    otherwise); None when nothing is known."""
    try:
        parsed = sre_parse.parse(regex.pattern, regex.flags)
        found = _sequence(list(parsed), ignores_case(regex))
    except (re.error, RecursionError):
        return None
    if found is not None and any(not x for x in found.literals()):
        return None  # defensive: an empty literal is in every text
    return found


def required_literals(regex: re.Pattern[str]) -> frozenset[str] | None:
    """Every literal string the requirement of ``regex`` mentions (None: no requirement)."""
    found = requirement(regex)
    return None if found is None else frozenset(found.literals())


def _automaton(literals: set[str]) -> Any:
    if not literals:
        return None
    automaton = ahocorasick.Automaton()
    for literal in literals:
        automaton.add_word(literal, literal)
    automaton.make_automaton()
    return automaton


def _present(automaton: Any, text: str) -> set[str]:
    """The automaton's literals found in ``text``."""
    return set(map(_literal, automaton.iter(text)))


class PatternPrefilter:
    """The patterns (by position) that may match a text, from one pass per compared form."""

    def __init__(self, regexes: Sequence[re.Pattern[str]]) -> None:
        always: list[int] = []
        leaves: list[int] = []  # needing one of some literals: found means it may match
        self._needs: dict[int, Callable[[set[str]], bool]] = {}
        self._mentioned: dict[int, frozenset[str]] = {}  # the literals a test looks at
        self._outcomes: dict[int, dict[frozenset[str], bool]] = {}
        folded: dict[str, set[int]] = {}  # literal -> patterns that ignore case
        exact: dict[str, set[int]] = {}  # literal -> case-sensitive patterns
        for index, regex in enumerate(regexes):
            needed = requirement(regex)
            if needed is None:
                always.append(index)
                continue
            if needed.parts:
                self._needs[index] = needed.test()
                self._mentioned[index] = frozenset(needed.literals())
                self._outcomes[index] = {}
            else:
                leaves.append(index)
            table = folded if ignores_case(regex) else exact
            for literal in needed.literals():
                table.setdefault(literal, set()).add(index)
        self.always = frozenset(always)
        self._leaves = frozenset(leaves)
        self._folded_owners = folded
        self._exact_owners = exact
        self._folded = _automaton(set(folded))
        self._exact = _automaton(set(exact))

    def _add(
        self,
        found: set[int],
        automaton: Any,
        owners: dict[str, set[int]],
        text: str,
        among: Collection[int] | None,
    ) -> None:
        self._resolve(found, _present(automaton, text), owners, among)

    def _resolve(
        self,
        found: set[int],
        present: set[str],
        owners: dict[str, set[int]],
        among: Collection[int] | None,
    ) -> None:
        """Add to ``found`` the patterns whose requirement holds with these literals present."""
        if not present:
            return
        touched = set().union(*map(owners.__getitem__, present))
        if among is not None:
            touched.intersection_update(among)
        found |= touched & self._leaves
        touched -= self._leaves
        if touched:
            holds = self._holds
            found.update(i for i in touched if holds(i, present))

    def _holds(self, index: int, present: set[str]) -> bool:
        """Whether the requirement of pattern ``index`` holds, remembered per pattern.

        A requirement only asks whether some of its own literals are present, so its
        outcome is a function of ``present`` restricted to them: a handful of distinct
        subsets ({"p"}, {"to", "txt"}...) cover most texts. One set intersection and a
        look-up replace the nested tests (tens of Python calls for a pattern with many
        branches: most of the pre-check's time before).
        """
        key = self._mentioned[index] & present  # a frozenset: hashable
        outcomes = self._outcomes[index]
        outcome = outcomes.get(key)
        if outcome is None:
            if len(outcomes) >= MEMO_LIMIT:
                outcomes.clear()
            outcome = outcomes[key] = self._needs[index](present)
        return outcome

    def candidates(self, text: str, among: Collection[int] | None = None) -> set[int]:
        """The positions of the patterns that may match ``text``, a superset of those that
        do; only positions ``among`` those given, when given (others may be left out)."""
        found = set(self.always)
        if self._folded is not None:
            self._add(found, self._folded, self._folded_owners, canonical(text), among)
        if self._exact is not None:
            self._add(found, self._exact, self._exact_owners, text, among)
        return found

    def candidates_of_both(
        self, text: str, among: Collection[int], folded: str, among_folded: Collection[int]
    ) -> tuple[set[int], set[int]]:
        """:meth:`candidates` of ``text`` among ``among`` and of ``folded`` among
        ``among_folded`` (skipped when empty), with the work shared when the two texts
        compare the same: most messages' folded text is their text lowercased, which
        ignoring case compares the same. Then the literals present are those of the first
        pass and, the outcome being a function of them, the patterns found among
        ``among_folded`` are those found among ``among`` (when it holds them all).
        """
        found = set(self.always)
        found_folded = set(self.always) if among_folded else set()
        nested = bool(among_folded) and set(among_folded).issubset(among)
        for automaton, owners, compare in (
            (self._folded, self._folded_owners, canonical),
            (self._exact, self._exact_owners, None),
        ):
            if automaton is None:
                continue
            compared = compare(text) if compare else text
            present = _present(automaton, compared)
            resolved: set[int] = set()
            self._resolve(resolved, present, owners, among)
            found |= resolved
            if not among_folded:
                continue
            other = compare(folded) if compare else folded
            if other != compared:
                self._resolve(found_folded, _present(automaton, other), owners, among_folded)
            elif nested:
                found_folded |= resolved.intersection(among_folded)
            else:
                self._resolve(found_folded, present, owners, among_folded)
        return found, found_folded
