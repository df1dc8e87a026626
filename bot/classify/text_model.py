"""A trained text model: one binary classifier per category over hashed n-grams.

Training rows come from the playbooks' examples (each example belongs to exactly one
category, so it is a negative for the others), from ``--train`` files and from staff
corrections. A row from a labelled file only speaks for its own label: ``spam`` is a positive
for spam, ``ham`` a negative for spam, ``not_complaint`` a negative for complaint, and it says
nothing about the other categories. Features are character n-grams within words and word
uni/bigrams of the normalised text, hashed (scikit-learn's HashingVectorizer: no vocabulary,
no fitting, constant memory); each category gets a logistic regression with balanced class
weights.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.linear_model import LogisticRegression

from bot.errors import ModelError

MIN_PER_CLASS = 4
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


class Featurizer:
    """Stateless hashed features: character n-grams within words plus word uni/bigrams.

    Each part is L2-normalised, so the dot product of two rows divided by 2 is a cosine.
    """

    def __init__(self) -> None:
        self._chars = HashingVectorizer(
            analyzer="char_wb",
            ngram_range=(2, 5),
            n_features=2**18,
            alternate_sign=False,
            norm="l2",
            lowercase=False,
        )
        self._words = HashingVectorizer(
            analyzer="word",
            ngram_range=(1, 2),
            n_features=2**16,
            token_pattern=r"(?u)\b\w+\b",
            alternate_sign=False,
            norm="l2",
            lowercase=False,
        )

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        return sp.hstack([self._chars.transform(texts), self._words.transform(texts)], format="csr")


FEATURIZER = Featurizer()


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
        sims = (features @ self._matrix).toarray() / 2.0
        out: list[tuple[str | None, float, str | None]] = []
        for row in sims:
            j = int(row.argmax())
            out.append((self.labels[j], float(row[j]), self.texts[j]))
        return out


class TextModel:
    """Per-category probabilities for normalised texts."""

    def __init__(self, models: dict[str, LogisticRegression], sizes: dict[str, tuple[int, int]]):
        self.models = models
        self.sizes = sizes  # category -> (positives, negatives) it was trained on

    def predict(self, matrix: sp.csr_matrix) -> list[dict[str, float]]:
        """For each row of features, the probability of each category that has a model."""
        results: list[dict[str, float]] = [{} for _ in range(matrix.shape[0])]
        if not self.models or not results:
            return results
        for category, model in self.models.items():
            probabilities = model.predict_proba(matrix)[:, 1]
            for row, p in zip(results, probabilities, strict=True):
                row[category] = float(p)
        return results

    @classmethod
    def train(cls, rows: Iterable[TrainingRow], categories: Sequence[str]) -> TextModel:
        per_category: dict[str, tuple[list[str], list[int]]] = {c: ([], []) for c in categories}
        for row in rows:
            for category, positive in targets(row.label, categories, row.exclusive).items():
                texts, labels = per_category[category]
                texts.append(row.text)
                labels.append(1 if positive else 0)
        models: dict[str, LogisticRegression] = {}
        sizes: dict[str, tuple[int, int]] = {}
        for category, (texts, labels) in per_category.items():
            positives = sum(labels)
            negatives = len(labels) - positives
            if positives < MIN_PER_CLASS or negatives < MIN_PER_CLASS:
                continue
            matrix = FEATURIZER.transform(texts)
            model = LogisticRegression(
                C=4.0, class_weight="balanced", solver="liblinear", dual=True, max_iter=1000
            )
            model.fit(matrix, np.asarray(labels))
            models[category] = model
            sizes[category] = (positives, negatives)
        return cls(models, sizes)


def rows_fingerprint(rows: Sequence[TrainingRow]) -> str:
    digest = hashlib.sha256()
    for row in rows:
        digest.update(f"{row.label}\0{int(row.exclusive)}\0{row.text}\n".encode("utf-8", "replace"))
    return digest.hexdigest()
