"""Whole-word phrase matching for thousands of playbook phrases in one pass.

Every phrase (keywords, FAQ keywords, sentiment words, spam phrases) is normalised with the
same function as the messages, joined by single spaces and padded with a space on each side;
the message's tokens are joined the same way. An Aho-Corasick automaton (pyahocorasick) then
finds every whole-word phrase occurrence in time linear in the message, whatever the number
of phrases.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from typing import NamedTuple

import ahocorasick

from bot.text.normalise import normalise


@dataclass(frozen=True)
class PhraseTag:
    """What a phrase stands for: a ``group`` (e.g. ``keyword``, ``faq``, ``negative``), the
    ``owner`` in that group (a category, an FAQ id, a spam family or a language), the
    language it was declared in, and the phrase as written in the playbook."""

    group: str
    owner: str
    language: str | None
    phrase: str


class PhraseHit(NamedTuple):
    """One phrase occurrence (a named tuple: messages make many, and it is cheap to build)."""

    tag: PhraseTag
    start_token: int  # index of the first token of the match in the message
    length: int  # number of tokens


@lru_cache(maxsize=65_536)
def phrase_tokens(phrase: str) -> tuple[str, ...]:
    """The tokens of a playbook phrase, normalised like messages (remembered: the keyword
    check asks again for every phrase it finds)."""
    return tuple(normalise(phrase).tokens)


def joined(tokens: Sequence[str]) -> str:
    return " " + " ".join(tokens) + " "


class PhraseIndex:
    """An immutable automaton over tagged phrases."""

    def __init__(self, entries: Iterable[tuple[str, PhraseTag]]) -> None:
        table: dict[str, list[PhraseTag]] = {}
        for phrase, tag in entries:
            tokens = phrase_tokens(phrase)
            if not tokens:
                continue
            key = joined(tokens)
            tags = table.setdefault(key, [])
            if tag not in tags:
                tags.append(tag)
        self.size = len(table)
        self._automaton = ahocorasick.Automaton()
        for key, tags in table.items():
            self._automaton.add_word(key, (key.count(" ") - 1, len(key), tuple(tags)))
        if table:
            self._automaton.make_automaton()

    def find(self, tokens: Sequence[str]) -> list[PhraseHit]:
        """Every phrase occurrence in the message ``tokens`` (overlaps included)."""
        if not self.size or not tokens:
            return []
        text = joined(tokens)
        starts: dict[int, int] | None = None  # character offset of a token -> its index
        hits = []
        for end, (length, key_chars, tags) in self._automaton.iter(text):
            if starts is None:
                offsets = accumulate((len(t) + 1 for t in tokens), initial=1)
                starts = dict(zip(offsets, range(len(tokens)), strict=False))  # n+1 offsets
            first = starts.get(end - key_chars + 2, 0)
            for tag in tags:
                hits.append(PhraseHit(tag, first, length))
        return hits
