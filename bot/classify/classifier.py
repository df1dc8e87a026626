"""The triage classifier: named checks combined into a multi-label verdict.

The checks are keywords (one Aho-Corasick pass, :mod:`bot.classify.phrase_index`), regex
patterns, the trained text model, FAQ similarity, sentiment, the sentiment hint of a playbook,
the spam families (:mod:`bot.classify.spam_checks`) and staff corrections; how they combine
is in :mod:`bot.classify.combine`. The primary category is the applying label with the highest
playbook priority; ``other`` when none applies.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Sequence

import numpy as np
import scipy.sparse as sp

from bot.classify.checks import faq_check, keyword_checks, negation_tokens, pattern_checks
from bot.classify.combine import (
    COMPLAINT,
    OTHER,
    SPAM,
    TRUSTED_MODEL_POSITIVES,
    Context,
    combine,
    model_score,
)
from bot.classify.complaint_rules import BACKED_MODEL, complaint_checks
from bot.classify.model_cache import trained_model
from bot.classify.playbook_index import (
    build_phrase_index,
    compile_patterns,
    example_rows,
    faq_examples,
    faq_owner,
)
from bot.classify.sentiment import sentiment_of
from bot.classify.spam_checks import SpamContext, enabled_families, find_urls, spam_signals
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
from bot.text.language import LanguageDetector, LanguageGuess
from bot.text.normalise import Normalised, match_key, normalise
from bot.text.regex_case import canonical

SENTIMENT_HINT_SCORE = 0.2
Nearest = tuple[str | None, float, str | None]  # (label, similarity, nearest text)
NO_MATCH: Nearest = (None, 0.0, None)


def row_products(row: sp.csr_matrix, matrix: sp.csr_matrix) -> np.ndarray:
    """``(row @ matrix).toarray()`` for a one-row CSR ``row``, bit for bit (see
    :func:`entry_products`)."""
    return entry_products(row.indices, row.data, matrix)


def entry_products(columns: np.ndarray, values: np.ndarray, matrix: sp.csr_matrix) -> np.ndarray:
    """``(row @ matrix).toarray()`` for the row with ``values`` at ``columns`` (in CSR order),
    bit for bit, without scipy's per-call overhead (most of a one-message call).

    scipy's CSR product adds, for each output column, ``row value * matrix value`` over the
    row's entries in their stored order; :func:`numpy.bincount` adds the same products, in
    the same order, one by one.
    """
    starts = matrix.indptr[columns]
    lengths = matrix.indptr[columns + 1] - starts
    total = int(lengths.sum())
    if not total:
        return np.zeros((1, matrix.shape[1]))
    first = np.cumsum(lengths) - lengths  # where each entry's products start
    positions = np.arange(total) + np.repeat(starts - first, lengths)
    products = np.repeat(values, lengths) * matrix.data[positions]
    sums = np.bincount(matrix.indices[positions], weights=products, minlength=matrix.shape[1])
    return sums.reshape(1, -1)


def _normalised(texts: Sequence[str]) -> list[Normalised]:
    """:func:`normalise` of each text, once per distinct text of the batch: a flood of one
    spam in a batch is normalised once (:class:`Normalised` is immutable, so sharing it is
    safe)."""
    if len(texts) < 2:
        return [normalise(t) for t in texts]
    done: dict[str, Normalised] = {}
    return [done.get(t) or done.setdefault(t, normalise(t)) for t in texts]


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
        self._by_priority = playbooks.by_priority()
        spam = playbooks.categories.get(SPAM)
        self._spam_settings = spam.spam if spam is not None else None
        self._spam_families = enabled_families(spam.spam) if spam and spam.spam else []
        self.index = build_phrase_index(playbooks)
        self.patterns = compile_patterns(playbooks)
        self.window = playbooks.sentiment.negation_window if playbooks.sentiment else 3
        self._negation_tokens = negation_tokens(playbooks)
        self._rows: list[TrainingRow] = [*example_rows(playbooks), *training]
        self._corrections: dict[str, str] = {}
        self._model: TextModel | None = None
        self._trusted_categories: frozenset[str] | None = None
        self._faq = SimilarityIndex(*faq_examples(playbooks))
        self._faq_owner = faq_owner(playbooks)
        self._spam_index: SimilarityIndex | None = None
        # FAQ and spam indexes side by side, as CSR: scipy would convert a CSC operand to CSR on
        # every product (most of the time of a one-message batch).
        self._stacked: sp.csr_matrix | None = None

    # -- learning -----------------------------------------------------------------------
    def learn(self, text: str, label: str) -> None:
        """Record a correction: the next verdict uses it, without a restart."""
        targets(label, self.categories, exclusive=False)  # raises ModelError if unknown
        self._corrections[match_key(text)] = label
        self._rows.append(TrainingRow(normalise(text).folded, label))
        self._model = None
        self._spam_index = None
        self._stacked = None

    def add_training(self, rows: Iterable[TrainingRow]) -> None:
        for row in rows:
            targets(row.label, self.categories, row.exclusive)
            self._rows.append(row)
        self._model = None
        self._spam_index = None
        self._stacked = None

    @property
    def model(self) -> TextModel:
        if self._model is None:
            self._model = trained_model(self._rows, self.categories)
            self._trusted_categories = None
        return self._model

    @property
    def spam_index(self) -> SimilarityIndex:
        if self._spam_index is None:
            spam = [
                r.text for r in self._rows if targets(r.label, self.categories, False).get(SPAM)
            ]
            self._spam_index = SimilarityIndex(spam, [SPAM] * len(spam))
        return self._spam_index

    # -- start-up -----------------------------------------------------------------------
    def ready(self, *, freeze_gc: bool = True) -> Classifier:
        """Build everything a first message would (the model, trained or read from the cache;
        the similarity indexes; the language tables; the case tables of non-ASCII texts),
        then, with ``freeze_gc``, move every object alive so far out of the garbage
        collector's sight (:func:`gc.freeze`).

        Why freeze: the process holds a few hundred thousand long-lived objects (playbooks,
        the model, numpy/scipy/sklearn modules) that a full collection walks every time; in
        the triage benchmark those walks were about a tenth of a batch's time and the longest
        single-message pauses. Frozen objects are still freed by reference counting; only
        cycles among them would stay (there are none per message). Call it once, where the
        classifier is built and before messages flow; calling it again (after
        :meth:`learn`) only freezes what was built since.
        """
        self.model  # noqa: B018 - trains or loads it
        self._trusted()
        self._similarities(["ready"])
        self.detector.detect_many(["ready"])
        canonical("prêt")  # the case tables of non-ASCII texts (about 0.2 s to build)
        if freeze_gc:
            gc.collect()  # what is garbage now is not frozen with the rest
            gc.freeze()
        return self

    # -- classification -----------------------------------------------------------------
    def classify(self, message: InboundMessage) -> Verdict:
        return self.classify_many([message])[0]

    def classify_many(self, messages: Sequence[InboundMessage]) -> list[Verdict]:
        norms = _normalised([m.text for m in messages])
        # Texts without letters (empty, emoji, digits) give the model nothing to read.
        wordy = [i for i, n in enumerate(norms) if n.stats.letters > 0]
        probabilities: list[dict[str, float]] = [{} for _ in norms]
        faq_best = [NO_MATCH] * len(norms)
        spam_best = [NO_MATCH] * len(norms)
        if wordy:
            texts = [norms[i].folded for i in wordy]
            faq_rows, spam_rows = self._similarities(texts)
            for i, p, f, s in zip(
                wordy, self.model.predict(texts), faq_rows, spam_rows, strict=True
            ):
                probabilities[i], faq_best[i], spam_best[i] = p, f, s
        guesses = self.detector.detect_many(
            [n.clean for n in norms],
            [m.lang_hint for m in messages],
            [m.extra.get("chat_language") for m in messages],
        )
        return [
            self._verdict(m, n, g, p, f, s[1])
            for m, n, g, p, f, s in zip(
                messages, norms, guesses, probabilities, faq_best, spam_best, strict=True
            )
        ]

    def _similarities(self, texts: Sequence[str]) -> tuple[list[Nearest], list[Nearest]]:
        """The nearest FAQ example and known spam of each text, from one sparse product."""
        spam = self.spam_index
        if self._stacked is None:
            parts = [m for m in (self._faq.columns, spam.columns) if m is not None]
            self._stacked = sp.hstack(parts, format="csc").tocsr() if parts else None
        n_faq = len(self._faq.texts)
        if self._stacked is None:
            empty = np.zeros((len(texts), 0))
            return self._faq.best_of(empty), spam.best_of(empty)
        if len(texts) == 1:  # one message: the row's arrays, no scipy matrix
            values, columns, _ = FEATURIZER.rows(texts)
            products = entry_products(columns, values, self._stacked)
        else:
            products = (FEATURIZER.transform(texts) @ self._stacked).toarray()
        return self._faq.best_of(products[:, :n_faq]), spam.best_of(products[:, n_faq:])

    def _trusted(self) -> frozenset[str]:
        """Categories whose model learnt from enough labelled positives (not playbook
        examples) to be trusted."""
        if self._trusted_categories is None:
            model = self.model
            self._trusted_categories = frozenset(
                c for c in model.sizes if model.labelled.get(c, 0) >= TRUSTED_MODEL_POSITIVES
            )
        return self._trusted_categories

    def _verdict(
        self,
        message: InboundMessage,
        norm: Normalised,
        guess: LanguageGuess,
        probabilities: dict[str, float],
        faq_best: tuple[str | None, float, str | None],
        spam_similarity: float,
    ) -> Verdict:
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
        checks += keyword_checks(self.playbooks, hits, self.window, self._negation_tokens)
        checks += pattern_checks(self.patterns, norm, language, variables)
        for hit in hits:
            if hit.tag.group == "product":
                variables.setdefault("product", hit.tag.owner)
        trusted = self._trusted()
        for category, probability in probabilities.items():
            score = model_score(probability, trusted=category in trusted)
            if category == COMPLAINT and category not in trusted and probability >= BACKED_MODEL:
                score = probability  # :mod:`.complaint_rules` asks it for backing
            if score > 0:
                checks.append(
                    CheckHit("model", category, score, {"probability": round(probability, 3)})
                )
        checks += self._sentiment_hints(sentiment)
        faq_id, faq = faq_check(self._faq_owner, hits, faq_best, self.window)
        if faq is not None:
            checks.append(faq)
        if self._spam_settings is not None:
            ctx = SpamContext(
                message, norm, hits, find_urls(norm.clean), self.memory, spam_similarity
            )
            checks += spam_signals(ctx, self._spam_settings, self._spam_families)
        # ``folded`` is exactly ``match_key(message.text)``.
        correction = self._corrections.get(norm.folded) if self._corrections else None
        checks = complaint_checks(checks, sentiment, trusted=COMPLAINT in trusted)
        context = Context(language, sentiment, variables, faq_id, trusted)
        return combine(
            self.playbooks, self.categories, checks, correction, context, self._by_priority
        )

    def _sentiment_hints(self, sentiment: Sentiment) -> list[CheckHit]:
        """A little evidence for the categories whose playbook expects this sentiment.

        Neutral is the default of most messages, so it is never evidence for anything.
        """
        if sentiment == Sentiment.NEUTRAL:
            return []
        return [
            CheckHit(
                "sentiment_hint",
                pb.category,
                SENTIMENT_HINT_SCORE,
                {"reason": f"{sentiment.value} message"},
            )
            for pb in self.playbooks.categories.values()
            if pb.sentiment_hint == sentiment and pb.category != OTHER
        ]
