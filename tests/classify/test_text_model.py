"""The per-category logistic regression: C chosen inside the training rows."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from bot.classify.text_model import C_GRID, DEFAULT_C, fit_category


def _rows(labels: np.ndarray, signal: float, seed: int = 0) -> sp.csr_matrix:
    """Random binary features; with ``signal`` > 0 the first 20 columns follow the label."""
    rng = np.random.default_rng(seed)
    dense = (rng.random((len(labels), 200)) < 0.05).astype(float)
    dense[:, :20] += signal * labels[:, None] * (rng.random((len(labels), 20)) < 0.5)
    return sp.csr_matrix(dense)


def test_noise_gets_the_strongest_regularisation() -> None:
    labels = np.random.default_rng(1).integers(0, 2, 300)
    model = fit_category(_rows(labels, 0.0), labels)
    assert min(C_GRID) == model.C


def test_a_clear_signal_gets_the_weakest_regularisation() -> None:
    labels = np.random.default_rng(2).integers(0, 2, 300)
    model = fit_category(_rows(labels, 1.0), labels)
    assert max(C_GRID) == model.C


def test_too_few_rows_keep_the_default() -> None:
    labels = np.array([1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0])
    model = fit_category(_rows(labels, 1.0), labels)
    assert model.C == DEFAULT_C


def test_same_rows_same_model() -> None:
    labels = np.random.default_rng(3).integers(0, 2, 200)
    features = _rows(labels, 0.5)
    a, b = fit_category(features, labels), fit_category(features, labels)
    assert a.C == b.C
    np.testing.assert_array_equal(a.coef_, b.coef_)
