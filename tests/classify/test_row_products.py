"""The one-row product equals scipy's CSR product, bit for bit."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.classify.classifier import row_products
from bot.classify.features import Featurizer
from bot.text.normalise import normalise


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 60), st.floats(0.001, 0.5))
def test_same_as_scipy_on_random_matrices(seed: int, columns: int, density: float) -> None:
    rng = np.random.default_rng(seed)
    matrix = sp.random(300, columns, density=density, format="csr", random_state=rng)
    row = sp.random(1, 300, density=density, format="csr", random_state=rng)
    row.data *= 1e3  # values of every magnitude, so rounding differences would show
    expected = (row @ matrix).toarray()
    got = row_products(row, matrix)
    assert got.shape == expected.shape
    assert np.array_equal(got, expected)


def test_same_as_scipy_on_features() -> None:
    featurizer = Featurizer()
    texts = ["free entry call now", "посылка не пришла", "where is my order??", "", "a b c"]
    examples = featurizer.transform([normalise(t).folded for t in texts * 3])
    index = sp.hstack([examples.T.tocsc()], format="csc").tocsr()
    rows = featurizer.transform([normalise(t).folded for t in ["my order is late", "free"]])
    for i in range(rows.shape[0]):
        assert np.array_equal(row_products(rows[i], index), (rows[i] @ index).toarray())
