"""The triage classifier: named checks combined into a multi-label verdict.

For each category the checks that speak for it (keywords, patterns, the trained model, the
FAQ, the sentiment hint, a staff correction) are combined with a noisy-or; a label applies
when the combined evidence reaches the category's threshold. Spam is different on purpose:
its families' weights are added and at least ``min_signals`` of them must fire, so one weak
signal never removes a message, and a complaint is never spam. The primary category is the
applying label with the highest playbook priority; ``other`` when none applies.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from bot.classify.phrase_index import PhraseHit, phrase_tokens
from bot.classify.playbook_index import (
    build_phrase_index,
    compile_patterns,
    example_rows,
    faq_examples,
    faq_owner,
)
from bot.classify.sentiment import negated, negation_ends, sentiment_of
from bot.classify.spam_checks import SpamContext, find_urls, spam_signals
from bot.classify.spam_memory import SpamMemory
from bot.classify.text_model import (
    FEATURIZER,
    SimilarityIndex,
    TextModel,
    TrainingRow,
    targets,
)
from bot.domain import CheckHit, InboundMessage, Sentiment, Verdict
from bot.playbooks import PlaybookSet
from bot.text.language import LanguageDetector
from bot.text.normalise import Normalised, match_key, normalise

OTHER = "other"
SPAM = "spam"
COMPLAINT = "complaint"
PATTERN_TEXT_LIMIT = 20_000
SENTIMENT_HINT_SCORE = 0.2


def noisy_or(scores: Iterable[float]) -> float:
    remaining = 1.0
    for score in scores:
        remaining *= 1.0 - max(0.0, min(1.0, score))
    return 1.0 - remaining


def model_score(probability: float) -> float:
    """The model's evidence: nothing below 0.5, then the probability itself."""
    return probability if probability >= 0.5 else 0.0


class Classifier:
    def __init__(
        self,
        playbooks: PlaybookSet,
        detector: LanguageDetector,
        *,
        training: Sequence[TrainingRow] = (),
        memory: SpamMemory | None = None,
    ) -> None:
        self.playbooks = playbooks
        self.detector = detector
        self.memory = memory
        self.categories = [c for c in playbooks.categories if c != OTHER] + [OTHER]
        self.index = build_phrase_index(playbooks)
        self.patterns = compile_patterns(playbooks)
        self.window = playbooks.sentiment.negation_window if playbooks.sentiment else 3
        self._negation_tokens = {
            tok
            for lex in (playbooks.sentiment.languages.values() if playbooks.sentiment else ())
            for word in lex.negations
            for tok in phrase_tokens(word)
        }
        self._rows: list[TrainingRow] = [*example_rows(playbooks), *training]
        self._corrections: dict[str, str] = {}
        self._model: TextModel | None = None
        self._faq = SimilarityIndex(*faq_examples(playbooks))
        self._faq_owner = faq_owner(playbooks)
        self._spam_index: SimilarityIndex | None = None

    # -- learning -----------------------------------------------------------------------
    def learn(self, text: str, label: str) -> None:
        """Record a correction: the next verdict uses it, without a restart."""
        targets(label, self.categories, exclusive=False)  # raises ModelError if unknown
        self._corrections[match_key(text)] = label
        self._rows.append(TrainingRow(normalise(text).folded, label))
        self._model = None
        self._spam_index = None

    def add_training(self, rows: Iterable[TrainingRow]) -> None:
        for row in rows:
            targets(row.label, self.categories, row.exclusive)
            self._rows.append(row)
        self._model = None
        self._spam_index = None

    @property
    def model(self) -> TextModel:
        if self._model is None:
            self._model = TextModel.train(self._rows, self.categories)
        return self._model

    @property
    def spam_index(self) -> SimilarityIndex:
        if self._spam_index is None:
            spam = [
                r.text for r in self._rows if targets(r.label, self.categories, False).get(SPAM)
            ]
            self._spam_index = SimilarityIndex(spam, [SPAM] * len(spam))
        return self._spam_index

    # -- classification -----------------------------------------------------------------
    def classify(self, message: InboundMessage) -> Verdict:
        return self.classify_many([message])[0]

    def classify_many(self, messages: Sequence[InboundMessage]) -> list[Verdict]:
        norms = [normalise(m.text) for m in messages]
        features = FEATURIZER.transform([n.folded for n in norms])
        probabilities = self.model.predict(features)
        faq_best = self._faq.best(features)
        spam_best = self.spam_index.best(features)
        return [
            self._verdict(m, n, p, f, s[1])
            for m, n, p, f, s in zip(
                messages, norms, probabilities, faq_best, spam_best, strict=True
            )
        ]

    def _verdict(
        self,
        message: InboundMessage,
        norm: Normalised,
        probabilities: dict[str, float],
        faq_best: tuple[str | None, float, str | None],
        spam_similarity: float,
    ) -> Verdict:
        guess = self.detector.detect(
            norm.clean, hint=message.lang_hint, prior=message.extra.get("chat_language")
        )
        language = guess.language
        checks: list[CheckHit] = [
            CheckHit(
                "language",
                None,
                guess.confidence,
                {"language": language, "source": guess.source, **guess.details},
            )
        ]
        hits = self.index.find(norm.tokens)
        sentiment, _, sentiment_check = sentiment_of(norm.clean, hits, self.window)
        if sentiment_check is not None:
            checks.append(sentiment_check)
        variables: dict[str, str] = {}
        checks += self._keyword_checks(hits)
        checks += self._pattern_checks(norm, language, variables)
        for hit in hits:
            if hit.tag.group == "product":
                variables.setdefault("product", hit.tag.owner)
        for category, probability in probabilities.items():
            if model_score(probability) > 0:
                checks.append(
                    CheckHit(
                        "model",
                        category,
                        model_score(probability),
                        {"probability": round(probability, 3)},
                    )
                )
        for pb in self.playbooks.categories.values():
            if (
                pb.sentiment_hint is not None
                and pb.sentiment_hint == sentiment
                and pb.category != OTHER
            ):
                checks.append(
                    CheckHit(
                        "sentiment_hint",
                        pb.category,
                        SENTIMENT_HINT_SCORE,
                        {"reason": f"{sentiment.value} message"},
                    )
                )
        faq_id, faq_check = self._faq_check(hits, faq_best)
        if faq_check is not None:
            checks.append(faq_check)
        spam = self.playbooks.categories.get(SPAM)
        if spam is not None and spam.spam is not None:
            ctx = SpamContext(
                message, norm, hits, find_urls(norm.clean), self.memory, spam_similarity
            )
            checks += spam_signals(ctx, spam.spam)
        correction = self._corrections.get(match_key(message.text))
        return self._combine(checks, correction, language, sentiment, variables, faq_id)

    def _keyword_checks(self, hits: Sequence[PhraseHit]) -> list[CheckHit]:
        ends = negation_ends(hits)
        found: dict[str, list[str]] = {}
        dropped: dict[str, list[str]] = {}
        for hit in hits:
            if hit.tag.group != "keyword":
                continue
            own_negation = any(t in self._negation_tokens for t in phrase_tokens(hit.tag.phrase))
            bucket = dropped if (not own_negation and negated(hit, ends, self.window)) else found
            words = bucket.setdefault(hit.tag.owner, [])
            if hit.tag.phrase not in words:
                words.append(hit.tag.phrase)
        checks = []
        for category, words in found.items():
            weight = self.playbooks.categories[category].keyword_weight
            score = noisy_or([weight] * len(words))
            details: dict[str, object] = {"matched": words}
            if category in dropped:
                details["negated"] = dropped[category]
            checks.append(CheckHit("keyword", category, score, details))
        return checks

    def _pattern_checks(
        self, norm: Normalised, language: str, variables: dict[str, str]
    ) -> list[CheckHit]:
        text = norm.clean[:PATTERN_TEXT_LIMIT]
        checks = []
        for compiled in self.patterns:
            rule = compiled.rule
            if rule.languages and language not in rule.languages:
                continue
            match = compiled.regex.search(text)
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

    def _faq_check(
        self, hits: Sequence[PhraseHit], best: tuple[str | None, float, str | None]
    ) -> tuple[str | None, CheckHit | None]:
        ends = negation_ends(hits)
        keyword_hits: dict[str, list[str]] = {}
        for hit in hits:
            if hit.tag.group == "faq" and not negated(hit, ends, self.window):
                keyword_hits.setdefault(hit.tag.owner, []).append(hit.tag.phrase)
        candidates: dict[str, float] = {
            faq_id: noisy_or([0.45] * len(words)) for faq_id, words in keyword_hits.items()
        }
        faq_id, similarity, nearest = best
        if faq_id is not None and similarity >= 0.35:
            candidates[faq_id] = noisy_or([candidates.get(faq_id, 0.0), similarity])
        if not candidates:
            return None, None
        chosen = max(candidates, key=lambda k: candidates[k])
        score = candidates[chosen]
        details: dict[str, object] = {"faq_id": chosen, "matched": keyword_hits.get(chosen, [])}
        if chosen == faq_id:
            details.update(similarity=round(similarity, 3), nearest_example=nearest)
        check = CheckHit("faq", self._faq_owner[chosen], score, details)
        return (chosen if score >= 0.5 else None), check

    def _combine(
        self,
        checks: list[CheckHit],
        correction: str | None,
        language: str,
        sentiment: Sentiment,
        variables: dict[str, str],
        faq_id: str | None,
    ) -> Verdict:
        forced: dict[str, bool] = {}
        if correction is not None:
            forced = targets(correction, self.categories, exclusive=False)
            for category, positive in forced.items():
                checks.append(
                    CheckHit(
                        "correction",
                        category,
                        1.0 if positive else 0.0,
                        {"label": correction, "reason": "corrected by staff"},
                    )
                )
        scores: dict[str, float] = {}
        for category in self.categories:
            own = [c.score for c in checks if c.category == category]
            if category == SPAM:
                scores[category] = min(1.0, sum(own))
            else:
                scores[category] = noisy_or(own)
        labels = []
        for pb in self.playbooks.by_priority():
            category = pb.category
            if category == OTHER or scores[category] < pb.threshold:
                continue
            if category == SPAM and pb.spam is not None:
                signals = sum(1 for c in checks if c.category == SPAM and c.score > 0)
                if signals < pb.spam.min_signals and forced.get(SPAM) is not True:
                    continue
            labels.append(category)
        for category, positive in forced.items():
            if positive and category not in labels:
                labels.append(category)
            if not positive and category in labels:
                labels.remove(category)
        if COMPLAINT in labels and SPAM in labels and forced.get(SPAM) is not True:
            labels.remove(SPAM)
            checks.append(
                CheckHit(
                    "complaint_not_spam",
                    COMPLAINT,
                    0.0,
                    {"reason": "a complaint is never treated as spam"},
                )
            )
        priority = {pb.category: pb.priority for pb in self.playbooks.categories.values()}
        labels.sort(key=lambda c: -priority.get(c, 0))
        if labels:
            primary = labels[0]
            confidence = scores[primary]
        else:
            primary = OTHER
            labels = [OTHER]
            confidence = 1.0 - max((v for k, v in scores.items() if k != OTHER), default=0.0)
        return Verdict(
            category=primary,
            labels=tuple(labels),
            language=language,
            sentiment=sentiment,
            confidence=confidence,
            checks=tuple(checks),
            scores=scores,
            variables=variables,
            faq_id=faq_id,
        )
