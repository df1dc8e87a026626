"""A trained text model: one binary classifier per category over character n-grams.

Training rows come from the playbooks' examples (each example belongs to exactly one
category, so it is a negative for the others), from ``--train`` files and from staff
corrections. A row from a labelled file only speaks for its own label: ``spam`` is a positive
for spam, ``ham`` a negative for spam, ``not_complaint`` a negative for complaint, and it says
nothing about the other categories. Features are character n-grams within words and word
uni/bigrams of the normalised text, hashed (:mod:`bot.classify.features`, the same features
as scikit-learn's HashingVectorizer) for the similarity indexes; the models themselves read
character 1-5 grams across word boundaries, kept when seen in two training texts
(:mod:`bot.classify.char_features`: they see how a message is addressed, which words and
punctuation alone miss). Each category gets a logistic regression with balanced class
weights, its regularisation chosen by cross-validation inside the training rows.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.special import expit
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss
from sklearn.model_selection import StratifiedKFold, cross_val_predict

from bot.classify.char_features import CharVocabulary
from bot.classify.features import FEATURIZER
from bot.errors import ModelError

__all__ = [
    "FEATURIZER",
    "SimilarityIndex",
    "TextModel",
    "TrainingRow",
    "rows_fingerprint",
    "targets",
]

MIN_PER_CLASS = 4
#: Candidate inverse regularisations of the logistic regressions. Each category's C is chosen
#: among them by cross-validation inside its training rows (:func:`fit_category`), so no value
#: is fitted on evaluation data. Complaint tweets, 5-fold F1 of the whole classifier over three
#: fold seeds: fixed C=8 0.801, chosen C 0.806 (Telegram spam 0.961 → 0.966).
C_GRID = (4.0, 8.0, 16.0, 32.0)
#: The C used when a class has too few rows to cross-validate.
DEFAULT_C = 8.0
INNER_FOLDS = 3
NEGATIVE_PREFIXES = ("not_", "non_", "no_")
SYNONYMS = {"ham": "not_spam"}


@dataclass(frozen=True)
class TrainingRow:
    text: str  # already normalised (the ``folded`` form)
    label: str
    exclusive: bool = False  # a playbook example: negative for every other category


def targets(label: str, categories: Sequence[str], exclusive: bool) -> dict[str, bool]:
    """Which categories a label speaks for, and how."""
    label = SYNONYMS.get(label, label)
    for prefix in NEGATIVE_PREFIXES:
        if label.startswith(prefix) and label[len(prefix) :] in categories:
            return {label[len(prefix) :]: False}
    if label not in categories:
        allowed = ", ".join([*categories, "ham", *(f"not_{c}" for c in categories)])
        raise ModelError(f"unknown label {label!r}; use one of: {allowed}")
    if exclusive:
        return {c: c == label for c in categories}
    return {label: True}


class SimilarityIndex:
    """Nearest labelled text by cosine similarity of hashed features."""

    def __init__(self, texts: Sequence[str], labels: Sequence[str]) -> None:
        self.labels = list(labels)
        self.texts = list(texts)
        self._matrix = FEATURIZER.transform(self.texts).T.tocsc() if texts else None

    def best(self, features: sp.csr_matrix) -> list[tuple[str | None, float, str | None]]:
        """For each row: (label, similarity 0..1, the nearest text)."""
        if self._matrix is None:
            return [(None, 0.0, None)] * features.shape[0]
        return self.best_of((features @ self._matrix).toarray())

    def best_of(self, products: np.ndarray) -> list[tuple[str | None, float, str | None]]:
        """:meth:`best` from the products of the rows with :attr:`columns` (see below)."""
        if self._matrix is None:
            return [(None, 0.0, None)] * products.shape[0]
        sims = products / 2.0
        best = sims.argmax(axis=1)
        return [
            (self.labels[j], float(row[j]), self.texts[j])
            for row, j in zip(sims, best.tolist(), strict=True)
        ]

    @property
    def columns(self) -> sp.csc_matrix | None:
        """The index as feature columns, one per text (to stack with other indexes)."""
        return self._matrix


class TextModel:
    """Per-category probabilities for normalised texts.

    The per-category logistic regressions are stacked into one coefficient matrix, so that
    scoring a batch is one sparse-dense product and a sigmoid: the same numbers as each
    model's ``predict_proba`` (same sums in the same order), without its per-call checks.
    """

    def __init__(
        self,
        models: dict[str, LogisticRegression],
        sizes: dict[str, tuple[int, int]],
        labelled: dict[str, int] | None = None,
        vocabulary: CharVocabulary | None = None,
    ):
        self.categories = list(models)
        self.sizes = sizes  # category -> (positives, negatives) it was trained on
        # category -> positives from labelled data (``--train``, corrections), not playbooks
        self.labelled = labelled or {}
        self.vocabulary = vocabulary or CharVocabulary.fit([])[0]
        self.coef = np.zeros((self.vocabulary.size, len(models)), dtype=np.float64)
        self.intercept = np.zeros(len(models), dtype=np.float64)
        for i, model in enumerate(models.values()):
            self.coef[:, i] = model.coef_[0]
            self.intercept[i] = model.intercept_[0]

    def predict(self, texts: Sequence[str]) -> list[dict[str, float]]:
        """For each normalised text, the probability of each category that has a model."""
        n = len(texts)
        if not self.categories or not n:
            return [{} for _ in range(n)]
        if n == 1:  # one message (``classify``): no sparse matrix, a dense product
            _, cols, values = self.vocabulary.entries(texts)
            logits = (values @ self.coef[cols])[None, :] + self.intercept
        else:
            logits = self.vocabulary.transform(texts) @ self.coef + self.intercept
        probabilities = expit(logits)
        names = self.categories
        return [dict(zip(names, row, strict=True)) for row in probabilities.tolist()]

    @classmethod
    def train(cls, rows: Iterable[TrainingRow], categories: Sequence[str]) -> TextModel:
        per_category: dict[str, tuple[list[int], list[int]]] = {c: ([], []) for c in categories}
        labelled = dict.fromkeys(categories, 0)
        texts: list[str] = []
        for row in rows:
            for category, positive in targets(row.label, categories, row.exclusive).items():
                indexes, labels = per_category[category]
                indexes.append(len(texts))
                labels.append(1 if positive else 0)
                if positive and not row.exclusive:
                    labelled[category] += 1
            texts.append(row.text)
        # One vocabulary for all categories, so that one product scores them all.
        vocabulary, features = CharVocabulary.fit(texts)
        models: dict[str, LogisticRegression] = {}
        sizes: dict[str, tuple[int, int]] = {}
        for category, (indexes, labels) in per_category.items():
            positives = sum(labels)
            negatives = len(labels) - positives
            if positives < MIN_PER_CLASS or negatives < MIN_PER_CLASS:
                continue
            model = fit_category(features[indexes], np.asarray(labels))
            models[category] = model
            sizes[category] = (positives, negatives)
        return cls(models, sizes, labelled, vocabulary)


def _logistic(c: float) -> LogisticRegression:
    return LogisticRegression(  # seeded: the same rows give the same model
        C=c,
        class_weight="balanced",
        solver="liblinear",
        dual=True,
        max_iter=1000,
        random_state=0,
    )


def fit_category(features: sp.csr_matrix, labels: np.ndarray) -> LogisticRegression:
    """A logistic regression whose C has the lowest log-loss in an inner cross-validation.

    Log-loss is a proper scoring rule: it rewards probabilities that mean what they say,
    which is how :mod:`bot.classify.combine` uses them, rather than one decision threshold.
    The inner folds are stratified and seeded, so the same rows give the same C.
    """
    c = DEFAULT_C
    if min(np.bincount(labels, minlength=2)) >= 2 * INNER_FOLDS:
        folds = StratifiedKFold(INNER_FOLDS, shuffle=True, random_state=0)

        def loss(candidate: float) -> float:
            predicted = cross_val_predict(
                _logistic(candidate), features, labels, cv=folds, method="predict_proba"
            )
            return float(log_loss(labels, predicted[:, 1]))

        c = min(C_GRID, key=loss)
    return _logistic(c).fit(features, labels)


def rows_fingerprint(rows: Sequence[TrainingRow]) -> str:
    digest = hashlib.sha256()
    for row in rows:
        digest.update(f"{row.label}\0{int(row.exclusive)}\0{row.text}\n".encode("utf-8", "replace"))
    return digest.hexdigest()
