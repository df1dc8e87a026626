"""The hand-rolled hashed features equal scikit-learn's HashingVectorizer, bit for bit."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.feature_extraction.text import HashingVectorizer

from bot.classify.features import CHAR_FEATURES, WORD_FEATURES, Featurizer, column
from bot.text.normalise import normalise

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
TEXTS = [
    "",
    " ",
    "a",
    "ab",
    "a  b\tc\n d",
    "free  free free!!! win a prize now: call 08001234567",
    "pas mal du tout, je recommande",
    "посылка не пришла уже две недели",
    "لم يصل الطلب بعد",
    "日本語 テキスト",
    "x" * 50,
    "café crème brûlée",
    "don't stop -- it's a !!! b ... c",
    "l'été—c'est x_y _ __ 12:30 a.b.c",
    "word word word word",
]


def reference(texts: list[str]) -> sp.csr_matrix:
    chars = HashingVectorizer(
        analyzer="char_wb",
        ngram_range=(2, 5),
        n_features=CHAR_FEATURES,
        alternate_sign=False,
        norm="l2",
        lowercase=False,
    )
    words = HashingVectorizer(
        analyzer="word",
        ngram_range=(1, 2),
        n_features=WORD_FEATURES,
        token_pattern=r"(?u)\b\w+\b",
        alternate_sign=False,
        norm="l2",
        lowercase=False,
    )
    matrix = sp.hstack([chars.transform(texts), words.transform(texts)], format="csr")
    matrix.sort_indices()
    return matrix


def assert_identical(texts: list[str]) -> None:
    featurizer = Featurizer()
    expected = reference(texts)
    for _ in range(2):  # cold, then from the caches
        got = featurizer.transform(texts)
        assert got.shape == expected.shape
        assert np.array_equal(got.indptr, expected.indptr)
        assert np.array_equal(got.indices, expected.indices)
        assert np.array_equal(got.data, expected.data)


def test_same_features_as_hashing_vectorizer() -> None:
    assert_identical([normalise(t).folded for t in TEXTS] + TEXTS)


def test_one_text_as_in_a_batch() -> None:
    featurizer = Featurizer()
    texts = [normalise(t).folded for t in TEXTS] + TEXTS
    batch = featurizer.transform(texts)
    for i, text in enumerate(texts):
        alone = featurizer.transform([text])
        expected = reference([text])
        for got in (alone, batch[i]):
            assert np.array_equal(got.indptr, expected.indptr)
            assert np.array_equal(got.indices, expected.indices)
            assert np.array_equal(got.data, expected.data)


def test_same_features_on_real_messages() -> None:
    path = DATA / "tg_spam_samples" / "messages.jsonl"
    if not path.is_file():
        pytest.skip("shared data not available")
    with open(path, encoding="utf-8") as handle:
        texts = [json.loads(line)["text"] for line in handle if line.strip()]
    assert_identical([normalise(t).folded for t in texts])


def test_column_is_stable() -> None:
    # MurmurHash3 with seed 0: the same in every process (unlike hash()).
    assert column("ab", CHAR_FEATURES) == column("ab", CHAR_FEATURES)
    assert 0 <= column("free", WORD_FEATURES) < WORD_FEATURES


@pytest.mark.parametrize("n_rows", [1, 7, 7000])  # 7000 rows: keys beyond 32 bits
def test_counted_is_scipy_sum_duplicates(n_rows: int) -> None:
    from bot.classify.features import N_FEATURES, _counted

    rng = np.random.default_rng(n_rows)
    lengths = rng.integers(0, 12, n_rows)
    lengths[0] = 0  # an empty row
    indptr = np.concatenate(([0], np.cumsum(lengths)))
    indices = rng.integers(0, N_FEATURES, indptr[-1]).astype(np.int32)
    indices[1::3] = indices[::3][: len(indices[1::3])]  # repeats
    rows, columns, counts, starts = _counted(indices, indptr, n_rows)
    ones = np.ones(len(indices))
    expected = sp.csr_matrix((ones, indices, indptr), shape=(n_rows, N_FEATURES))
    expected.sum_duplicates()  # in place, on the arrays given
    assert np.array_equal(starts, expected.indptr)
    assert np.array_equal(columns, expected.indices)
    assert np.array_equal(counts, expected.data)
    assert np.array_equal(rows, np.repeat(np.arange(n_rows), np.diff(expected.indptr)))


def test_rows_are_the_matrix_arrays() -> None:
    featurizer = Featurizer()
    for texts in (TEXTS, TEXTS[5:6], [""]):
        matrix = featurizer.transform(texts)
        values, columns, starts = featurizer.rows(texts)
        assert np.array_equal(values, matrix.data)
        assert np.array_equal(columns, matrix.indices)
        assert np.array_equal(starts, matrix.indptr)


def test_word_cache_is_invisible_to_the_garbage_collector() -> None:
    """The per-word cache must not add objects that every full collection walks."""
    import gc

    featurizer = Featurizer()
    featurizer.transform(["free cash now, don't wait", "посылка не пришла"])
    gc.collect()  # a collection untracks the tuples that only hold untracked values
    entries = list(featurizer._entries.values())
    assert entries
    assert not any(gc.is_tracked(entry) for entry in entries)
