"""The phrase and pattern checks of the classifier: keywords, regex patterns and the FAQ.

Each returns named :class:`CheckHit` objects with their details, so that a verdict can say
why. Keywords and FAQ keywords preceded by a negation ("pas", "not", "не") are dropped and
reported as ``negated``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from bot.classify.phrase_index import PhraseHit, phrase_tokens
from bot.classify.playbook_index import CompiledPatterns
from bot.classify.sentiment import negated, negation_ends
from bot.domain import CheckHit
from bot.playbooks import PlaybookSet
from bot.text.normalise import Normalised

PATTERN_TEXT_LIMIT = 20_000
FAQ_KEYWORD_SCORE = 0.45
FAQ_MIN_SIMILARITY = 0.35


def noisy_or(scores: Iterable[float]) -> float:
    remaining = 1.0
    for score in scores:
        remaining *= 1.0 - max(0.0, min(1.0, score))
    return 1.0 - remaining


def negation_tokens(playbooks: PlaybookSet) -> set[str]:
    lexicons = playbooks.sentiment.languages.values() if playbooks.sentiment else ()
    return {tok for lex in lexicons for word in lex.negations for tok in phrase_tokens(word)}


def keyword_checks(
    playbooks: PlaybookSet,
    hits: Sequence[PhraseHit],
    window: int,
    negations: set[str],
) -> list[CheckHit]:
    ends = negation_ends(hits)
    found: dict[str, list[str]] = {}
    dropped: dict[str, list[str]] = {}
    for hit in hits:
        if hit.tag.group != "keyword":
            continue
        own_negation = any(t in negations for t in phrase_tokens(hit.tag.phrase))
        bucket = dropped if (not own_negation and negated(hit, ends, window)) else found
        words = bucket.setdefault(hit.tag.owner, [])
        if hit.tag.phrase not in words:
            words.append(hit.tag.phrase)
    checks = []
    for category, words in found.items():
        weight = playbooks.categories[category].keyword_weight
        score = noisy_or([weight] * len(words))
        details: dict[str, object] = {"matched": words}
        if category in dropped:
            details["negated"] = dropped[category]
        checks.append(CheckHit("keyword", category, score, details))
    return checks


def pattern_checks(
    patterns: CompiledPatterns,
    norm: Normalised,
    language: str,
    variables: dict[str, str],
) -> list[CheckHit]:
    text = norm.clean[:PATTERN_TEXT_LIMIT]
    folded = norm.folded[:PATTERN_TEXT_LIMIT]
    refold = norm.folded != text
    lowercase_only = refold and text.isascii() and folded == text.lower()
    # Only the patterns whose required literals are in the text are run (exact, see
    # :mod:`.pattern_filter`), and those that may match the folded text are run on it.
    applicable = patterns.applicable(language)
    # Accent-, case- and obfuscation-insensitive: "Пpeдлaгaeм" reads "предлагаем".
    foldable = patterns.foldable(language, lowercase_only) if refold else frozenset()
    in_text, in_folded = patterns.prefilter.candidates_of_both(text, applicable, folded, foldable)
    in_text &= applicable
    in_folded &= foldable
    checks = []
    for index in sorted(in_text | in_folded):  # in priority order
        compiled = patterns.patterns[index]
        rule = compiled.rule
        match = compiled.regex.search(text) if index in in_text else None
        if match is None and index in in_folded:
            match = compiled.regex.search(folded)
        if match is None:
            continue
        if rule.extract:
            groups = match.groupdict()
            value = groups.get(rule.extract) or (
                match.group(1) if match.groups() else match.group(0)
            )
            if value:
                variables.setdefault(rule.extract, value.strip())
        if rule.weight > 0:
            checks.append(
                CheckHit(
                    f"pattern.{rule.id}",
                    compiled.category,
                    rule.weight,
                    {"matched": match.group(0)[:80]},
                )
            )
    return checks


def faq_check(
    owners: dict[str, str],
    hits: Sequence[PhraseHit],
    best: tuple[str | None, float, str | None],
    window: int,
) -> tuple[str | None, CheckHit | None]:
    """The best FAQ entry by keywords and example similarity, and the check that says so."""
    ends = negation_ends(hits)
    keyword_hits: dict[str, list[str]] = {}
    for hit in hits:
        if hit.tag.group == "faq" and not negated(hit, ends, window):
            keyword_hits.setdefault(hit.tag.owner, []).append(hit.tag.phrase)
    candidates: dict[str, float] = {
        faq_id: noisy_or([FAQ_KEYWORD_SCORE] * len(words)) for faq_id, words in keyword_hits.items()
    }
    faq_id, similarity, nearest = best
    if faq_id is not None and similarity >= FAQ_MIN_SIMILARITY:
        candidates[faq_id] = noisy_or([candidates.get(faq_id, 0.0), similarity])
    if not candidates:
        return None, None
    chosen = max(candidates, key=lambda k: candidates[k])
    score = candidates[chosen]
    details: dict[str, object] = {"faq_id": chosen, "matched": keyword_hits.get(chosen, [])}
    if chosen == faq_id:
        details.update(similarity=round(similarity, 3), nearest_example=nearest)
    check = CheckHit("faq", owners[chosen], score, details)
    return (chosen if score >= 0.5 else None), check
