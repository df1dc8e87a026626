"""Hashed text features: character n-grams within words plus word uni/bigrams.

The features are exactly those of two scikit-learn ``HashingVectorizer`` (``char_wb`` 2-5
grams over 2**18 columns, then ``word`` 1-2 grams with the token pattern ``\\b\\w+\\b`` over
2**16 columns; counts, each part L2-normalised, side by side): the same MurmurHash3 (seed 0,
stable across processes), the same column of each n-gram, the same values. They are computed
here because the vectorizer spends its time slicing and hashing the same words again and
again: everything a whitespace-separated word contributes (its character n-grams, its tokens,
the bigrams inside it) is cached as one array of columns, so a message costs a dictionary
look-up per word plus one per bigram across words, and the sparse matrix is built directly
from the concatenated arrays. ``tests/classify/test_features.py`` checks that the
matrices equal the vectorizer's.

Each part is L2-normalised, so the dot product of two rows divided by 2 is a cosine.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import pairwise

import numpy as np
import scipy.sparse as sp
from sklearn.utils import murmurhash3_32

CHAR_FEATURES = 2**18
WORD_FEATURES = 2**16
N_FEATURES = CHAR_FEATURES + WORD_FEATURES
CHAR_NGRAMS = (2, 5)
#: Bumped whenever the features change (it is part of the model cache key).
FEATURES_VERSION = "char_wb2-5@2^18+word1-2@2^16/murmur3"
_WORD_RE = re.compile(r"(?u)\b\w+\b")
_CACHE_LIMIT = 200_000


def column(gram: str, n_features: int) -> int:
    """The column of one n-gram, as scikit-learn's hashing computes it."""
    h = murmurhash3_32(gram, seed=0)
    if h == -2147483648:  # abs() would overflow in 32 bits; scikit-learn's rule
        return (2147483647 - (n_features - 1)) % n_features
    return abs(h) % n_features


def char_wb_ngrams(word: str) -> list[str]:
    """The ``char_wb`` n-grams of one whitespace-free word (scikit-learn's order)."""
    padded = " " + word + " "
    size = len(padded)
    grams = []
    for n in range(CHAR_NGRAMS[0], CHAR_NGRAMS[1] + 1):
        offset = 0
        grams.append(padded[offset : offset + n])
        while offset + n < size:
            offset += 1
            grams.append(padded[offset : offset + n])
        if offset == 0:  # a short word is counted once
            break
    return grams


#: What one whitespace-free word contributes to a row, computed once per word: the columns
#: of its character n-grams, of its word tokens and of the bigrams inside it ("don't" →
#: "don", "t", "don t"), as one array; and its first and last token, for the bigrams with the
#: neighbouring words. Tokens never span whitespace, so a text's tokens are its words' tokens
#: in order. A plain tuple of an array and strings, not an object: the garbage collector
#: stops tracking such a tuple once it has seen it, so a cache of tens of thousands of words
#: costs nothing to the full collections (as objects they were most of what each one scanned).
WordEntry = tuple[np.ndarray, str | None, str | None]


class Featurizer:
    """Stateless hashed features (the caches only remember hash results)."""

    def __init__(self) -> None:
        self._words: dict[str, int] = {}  # word token or bigram -> its column
        self._entries: dict[str, WordEntry] = {}

    def _word_column(self, gram: str) -> int:
        col = self._words.get(gram)
        if col is None:
            if len(self._words) >= _CACHE_LIMIT:
                self._words.clear()
            col = CHAR_FEATURES + column(gram, WORD_FEATURES)
            self._words[gram] = col
        return col

    def _entry(self, word: str) -> WordEntry:
        entry = self._entries.get(word)
        if entry is None:
            if len(self._entries) >= _CACHE_LIMIT:
                self._entries.clear()
            tokens = _WORD_RE.findall(word)
            cols = [column(g, CHAR_FEATURES) for g in char_wb_ngrams(word)]
            cols += [self._word_column(t) for t in tokens]
            cols += [self._word_column(a + " " + b) for a, b in pairwise(tokens)]
            entry = (
                np.array(cols, dtype=np.int32),
                tokens[0] if tokens else None,
                tokens[-1] if tokens else None,
            )
            self._entries[word] = entry
        return entry

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """One row per text; each row's columns sorted, counts summed, parts L2-normalised."""
        values, columns, starts = self.rows(texts)
        matrix = sp.csr_matrix((values, columns, starts), shape=(len(texts), N_FEATURES))
        matrix.has_canonical_format = True  # sorted, no duplicates
        return matrix

    def rows(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """:meth:`transform` as the arrays of a CSR matrix: (values, columns, row starts).

        For one message, building a scipy matrix (its checks) costs more than the features.
        """
        pieces: list[np.ndarray] = []
        indptr = [0]
        size = 0
        entry_of, column_of = self._entries.get, self._words.get
        for text in texts:
            last: str | None = None
            across: list[int] = []  # bigrams from one word's last token to the next's first
            for word in text.split():
                columns, first, final = entry_of(word) or self._entry(word)
                pieces.append(columns)
                size += len(columns)
                if first is not None:
                    if last is not None:
                        bigram = last + " " + first
                        across.append(column_of(bigram) or self._word_column(bigram))
                    last = final
            if across:
                pieces.append(np.array(across, dtype=np.int32))
                size += len(across)
            indptr.append(size)
        indices = np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.int32)
        rows, columns, counts, starts = _counted(indices, np.array(indptr), len(texts))
        return _normalise_parts(counts, columns, rows, len(texts)), columns, starts


def _counted(
    indices: np.ndarray, indptr: np.ndarray, n_rows: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(row, column, count, row starts) of the rows' distinct columns, each row's columns
    sorted and the values float counts: what scipy's
    ``sum_duplicates`` makes of a matrix of ones, with one numpy sort for the whole batch
    instead of a sort per row (integer counts: the values are exact either way)."""
    fits = n_rows * N_FEATURES < 2**31  # one row-major key per occurrence, as small as fits
    key_type = np.int32 if fits else np.int64
    rows = np.repeat(np.arange(n_rows, dtype=key_type), np.diff(indptr))
    keys = np.sort(rows * N_FEATURES + indices.astype(key_type))
    firsts = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1]))[: len(keys)])
    counts = np.diff(np.append(firsts, len(keys))).astype(np.float64)
    key_rows, columns = np.divmod(keys[firsts], N_FEATURES)
    row_starts = np.zeros(n_rows + 1, dtype=np.int64)
    np.cumsum(np.bincount(key_rows, minlength=n_rows), out=row_starts[1:])
    return key_rows, columns.astype(np.int32), counts, row_starts


def _normalise_parts(
    values: np.ndarray, columns: np.ndarray, rows: np.ndarray, n_rows: int
) -> np.ndarray:
    """``values`` with the character and the word part of each row L2-normalised, in place.

    The squares of integer counts add up exactly in any order, so the norms, and hence the
    values, are bit for bit those of scikit-learn's ``normalize``.
    """
    if not len(values):
        return values
    word = columns >= CHAR_FEATURES
    squares = values * values
    part = rows * 2 + word
    norms = np.sqrt(np.bincount(part, weights=squares, minlength=2 * n_rows))
    values /= norms[part]
    return values


FEATURIZER = Featurizer()
