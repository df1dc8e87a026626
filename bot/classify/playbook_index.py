"""Compile a playbook set into what the classifier runs: one phrase automaton, compiled
patterns, training rows and similarity indexes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from bot.classify.pattern_filter import PatternPrefilter, same_on_lowercase_ascii
from bot.classify.phrase_index import PhraseIndex, PhraseTag
from bot.classify.text_model import TrainingRow
from bot.playbooks import PlaybookSet
from bot.playbooks.model import PatternRule
from bot.text.normalise import normalise


@dataclass(frozen=True)
class CompiledPattern:
    category: str
    rule: PatternRule
    regex: re.Pattern[str]
    #: It finds a match in an ASCII text exactly when it does in the lowercased text.
    same_on_lowercase: bool = False


@dataclass(frozen=True)
class CompiledPatterns:
    """The playbook patterns in priority order, with the pre-check that tells which of them
    may match a text (see :mod:`.pattern_filter`)."""

    patterns: tuple[CompiledPattern, ...]
    prefilter: PatternPrefilter
    _by_language: dict[str, frozenset[int]] = field(default_factory=dict, compare=False)
    _foldable: dict[tuple[str, bool], frozenset[int]] = field(default_factory=dict, compare=False)

    def applicable(self, language: str) -> frozenset[int]:
        """The positions of the patterns that apply to messages in ``language``."""
        found = self._by_language.get(language)
        if found is None:
            found = frozenset(
                i
                for i, c in enumerate(self.patterns)
                if not c.rule.languages or language in c.rule.languages
            )
            self._by_language[language] = found
        return found

    def foldable(self, language: str, lowercase_only: bool) -> frozenset[int]:
        """The applicable patterns that may match the folded text where the text itself
        gave no match: those that ignore case, less, when the folded text is only the ASCII
        text lowercased, those that find the same there (see ``same_on_lowercase``)."""
        key = (language, lowercase_only)
        found = self._foldable.get(key)
        if found is None:
            found = frozenset(
                i
                for i in self.applicable(language)
                if not self.patterns[i].rule.case_sensitive
                and not (lowercase_only and self.patterns[i].same_on_lowercase)
            )
            self._foldable[key] = found
        return found

    def __iter__(self) -> Iterator[CompiledPattern]:
        return iter(self.patterns)

    def __len__(self) -> int:
        return len(self.patterns)


def _phrases(playbooks: PlaybookSet) -> Iterator[tuple[str, PhraseTag]]:
    for pb in playbooks.categories.values():
        for lang, words in pb.keywords.items():
            for word in words:
                yield word, PhraseTag("keyword", pb.category, lang, word)
        for entry in pb.faq:
            for lang, words in entry.keywords.items():
                for word in words:
                    yield word, PhraseTag("faq", entry.id, lang, word)
        if pb.spam is not None:
            for family, signal in pb.spam.signals.items():
                for lang, words in signal.phrases.items():
                    for word in words:
                        yield word, PhraseTag("spam", family, lang, word)
    if playbooks.sentiment is not None:
        for lang, lexicon in playbooks.sentiment.languages.items():
            for group in ("positive", "negative", "negations", "intensifiers"):
                name = {"negations": "negation", "intensifiers": "intensifier"}.get(group, group)
                for word in getattr(lexicon, group):
                    yield word, PhraseTag(name, name, lang, word)
    for product in playbooks.settings.products:
        for alias in (product.name, *product.aliases):
            yield alias, PhraseTag("product", product.name, None, alias)


def build_phrase_index(playbooks: PlaybookSet) -> PhraseIndex:
    return PhraseIndex(_phrases(playbooks))


def compile_patterns(playbooks: PlaybookSet) -> CompiledPatterns:
    compiled = []
    for pb in playbooks.by_priority():
        for rule in pb.patterns:
            flags = 0 if rule.case_sensitive else re.IGNORECASE
            regex = re.compile(rule.regex, flags)
            compiled.append(
                CompiledPattern(pb.category, rule, regex, same_on_lowercase_ascii(regex))
            )
    return CompiledPatterns(tuple(compiled), PatternPrefilter([c.regex for c in compiled]))


def example_rows(playbooks: PlaybookSet) -> list[TrainingRow]:
    """Playbook examples (and FAQ phrasings, as questions) as exclusive training rows."""
    rows: list[TrainingRow] = []
    for pb in playbooks.categories.values():
        for texts in pb.examples.values():
            rows.extend(TrainingRow(normalise(t).folded, pb.category, True) for t in texts)
        for entry in pb.faq:
            for texts in entry.examples.values():
                rows.extend(TrainingRow(normalise(t).folded, pb.category, True) for t in texts)
    return rows


def faq_examples(playbooks: PlaybookSet) -> tuple[list[str], list[str]]:
    texts, ids = [], []
    for pb in playbooks.categories.values():
        for entry in pb.faq:
            for examples in entry.examples.values():
                for text in examples:
                    texts.append(normalise(text).folded)
                    ids.append(entry.id)
    return texts, ids


def faq_owner(playbooks: PlaybookSet) -> dict[str, str]:
    """FAQ id -> the category that holds it."""
    return {e.id: pb.category for pb in playbooks.categories.values() for e in pb.faq}
