"""py3langid's rankings for a whole batch of texts at once, bit for bit its own.

py3langid ranks one text at a time: per text, its ``rank`` runs the n-gram walk, the naive
Bayes product, then a scaling, a softmax, an alias merge and a sort, about a dozen numpy
calls on vectors of a few languages, so that a message costs more in numpy's per-call
overhead than in arithmetic. Here each text keeps exactly py3langid's product (the same
expression on the same arrays: a product summed in another order, e.g. one sparse matrix for
the batch, would change the last bits of the probabilities), and everything after it runs
once on the whole batch, row by row the same float32 operations.
``tests/text/test_langid_batch.py`` checks the rankings against py3langid's, exactly.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from itertools import chain, pairwise
from operator import itemgetter
from typing import Any

import numpy as np

__all__ = ["BatchScorer"]

Ranking = list[tuple[str, float]]
_score = itemgetter(1)  # of a (label, probability) pair


class BatchScorer:
    """py3langid's ``rank`` of many texts, the numpy steps after the product batched.

    ``view`` is a py3langid identifier built with ``norm_probs=True`` and restricted to the
    candidate languages; ``features`` gives the feature ids of an encoded text, repeats
    included (the remembered walk of :mod:`bot.text.language_backends`).
    """

    def __init__(self, view: Any, features: Callable[[bytes], list[int]]) -> None:
        self._encode = view._encode
        self._features = features
        self._weights = view.nb_ptc
        self._priors = view.nb_pc
        self._labels = [str(label) for label in view.nb_classes]
        self._aliases = list(view._alias_pairs)
        self._distinct = len(set(self._labels)) == len(self._labels)

    def rank_many(self, texts: Sequence[str]) -> list[Ranking]:
        """For each text, every label and its probability, best first (as ``rank``)."""
        if not texts:
            return []
        encoded = [self._encode(text) for text in texts]
        scores = _softmax(self._raw_scores(encoded), _temperatures(encoded))
        for first, dupe in self._aliases:  # py3langid folds a duplicate label into its first
            scores[:, first] += scores[:, dupe]
            scores[:, dupe] = 0.0
        if self._distinct:  # no aliased label: every row sorted at once
            # A stable sort of the negated scores: ties keep the labels' order, as ``sorted``.
            labels = self._labels
            orders = np.argsort(-scores, axis=1, kind="stable").tolist()
            return [
                [(labels[j], row[j]) for j in order]
                for order, row in zip(orders, scores.tolist(), strict=True)
            ]
        return [self._ranking(row) for row in scores.tolist()]

    def _raw_scores(self, encoded: Sequence[bytes]) -> np.ndarray:
        """Naive Bayes log-posteriors, one row per text, each py3langid's own product."""
        scores = np.zeros((len(encoded), len(self._labels)), dtype=np.float32)
        weights, priors = self._weights, self._priors
        features, counts, starts = _visits([self._features(text) for text in encoded])
        for row, (start, end) in enumerate(pairwise(starts.tolist())):
            if start < end:  # a row without features stays 0, py3langid's under ``norm_probs``
                scores[row] = np.log1p(counts[start:end]) @ weights[features[start:end]] + priors
        return scores

    def _ranking(self, row: list[float]) -> Ranking:
        merged: dict[str, float] = {}
        for label, score in zip(self._labels, row, strict=True):
            merged.setdefault(label, score)  # the first column holds the merged score
        return sorted(merged.items(), key=_score, reverse=True)


def _visits(walks: Sequence[list[int]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each walk's distinct features and how often each was met, in the order of their
    first visit (a ``Counter``'s order: the order py3langid's product adds them up), for
    the whole batch at once: (features, counts as float32, row starts).

    One stable sort of (row, feature) keys groups the visits of a feature in a row, first
    visit first; sorting the groups by that first visit restores the walk order. Counting
    with a ``Counter`` per text and copying it into two arrays cost more than the product;
    for a single text (``classify``) it is still the cheaper way.
    """
    if len(walks) == 1:
        visits = Counter(walks[0])
        size = len(visits)
        return (
            np.fromiter(visits.keys(), dtype=np.int64, count=size),
            np.fromiter(visits.values(), dtype=np.float32, count=size),
            np.array([0, size], dtype=np.int64),
        )
    lengths = np.fromiter(map(len, walks), dtype=np.int64, count=len(walks))
    flat = np.fromiter(chain.from_iterable(walks), dtype=np.int64, count=int(lengths.sum()))
    rows = np.repeat(np.arange(len(walks), dtype=np.int64), lengths)
    span = int(flat.max()) + 1 if len(flat) else 1
    keys = rows * span + flat
    order = np.argsort(keys, kind="stable")
    ordered = keys[order]
    firsts = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1]))[: len(ordered)])
    counts = np.diff(np.append(firsts, len(ordered)))
    by_visit = np.argsort(order[firsts])  # positions are distinct: any sort gives one order
    distinct = ordered[firsts][by_visit]
    starts = np.zeros(len(walks) + 1, dtype=np.int64)
    np.cumsum(np.bincount(distinct // span, minlength=len(walks)), out=starts[1:])
    return distinct % span, counts[by_visit].astype(np.float32), starts


def _temperatures(encoded: Sequence[bytes]) -> np.ndarray:
    """py3langid's ``1 / sqrt(bytes)`` per text, as the float32 its product uses."""
    return np.array([1.0 / math.sqrt(len(text) or 1) for text in encoded], dtype=np.float32)


def _softmax(scores: np.ndarray, temperatures: np.ndarray) -> np.ndarray:
    """py3langid's normalisation of every row: scaled, exponentiated, divided by the sum."""
    scores *= temperatures[:, None]
    np.exp(scores - scores.max(axis=1, keepdims=True), out=scores)
    scores /= scores.sum(axis=1, keepdims=True)
    return scores
