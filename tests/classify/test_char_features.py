"""The character n-gram features are scikit-learn's TfidfVectorizer's, up to column order."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from bot.classify.char_features import MIN_DF, NGRAMS, CharVocabulary, buckets, prepare
from bot.classify.text_model import TextModel, TrainingRow

TRAIN = [
    "@acme_help my order still hasn't arrived, where is it??",
    "@acme_help did you get my email? still waiting on a refund",
    "thanks @acme_help, the new phone works great!",
    "love the new colours, great job",
    "why is the app down again?! can't log in",
    "the app is great, thanks for the update",
    "café déjà vu — naïve  double  spaces",
    "emoji 😡😡 and more 😡",
]
TEST = [
    "still waiting for my refund @acme_help",
    "great app, thanks!",
    "",
    " ",
    "x",
    "zzzzqqqq",
    "déjà 😡 vu",
]


def reference() -> TfidfVectorizer:
    return TfidfVectorizer(
        analyzer="char", ngram_range=NGRAMS, binary=True, min_df=MIN_DF, lowercase=False
    ).fit(TRAIN)


def test_fit_keeps_the_vectorizers_vocabulary() -> None:
    vocabulary, matrix = CharVocabulary.fit(TRAIN)
    ref = reference()
    assert vocabulary.size == len(ref.vocabulary_)
    assert sorted(np.round(vocabulary.idf, 12)) == sorted(np.round(ref.idf_, 12))
    # Column order differs (buckets vs alphabetical); the Gram matrix does not.
    expected = ref.transform(TRAIN)
    np.testing.assert_allclose((matrix @ matrix.T).toarray(), (expected @ expected.T).toarray())


def test_transform_matches_the_vectorizer_on_new_texts() -> None:
    vocabulary, matrix = CharVocabulary.fit(TRAIN)
    ref = reference()
    ours = vocabulary.transform(TEST)
    theirs = ref.transform(TEST)
    np.testing.assert_allclose((ours @ ours.T).toarray(), (theirs @ theirs.T).toarray())
    np.testing.assert_allclose(
        (ours @ matrix.T).toarray(), (theirs @ ref.transform(TRAIN).T).toarray()
    )
    assert ours[2].nnz == 0 and ours[5].nnz == 0  # nothing known: an empty row
    assert np.isfinite(ours.data).all()


def test_ngrams_do_not_cross_texts() -> None:
    rows, _ = buckets(["ab", "cd"])
    # 1-grams a, b, c, d and 2-grams ab, cd: no "bc" across the two texts.
    assert sorted(rows.tolist()) == [0, 0, 0, 1, 1, 1]


def test_batch_and_single_agree() -> None:
    vocabulary, _ = CharVocabulary.fit(TRAIN)
    batch = vocabulary.transform(TEST).toarray()
    for i, text in enumerate(TEST):
        np.testing.assert_allclose(vocabulary.transform([text]).toarray()[0], batch[i])


def test_links_are_read_as_their_host() -> None:
    assert prepare("see https://t.co/xYz12 now") == "see https://t.co now"
    assert prepare("www.example.com/a/b?c=1  and  more") == "www.example.com and more"
    vocabulary, _ = CharVocabulary.fit(["go to https://t.co/abc", "go to https://t.co/xyz"])
    a, b = vocabulary.transform(["https://t.co/AAA", "https://t.co/BBB"]).toarray()
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("texts", [[], ["only one"], ["ab", "cd"]])
def test_too_little_text_gives_an_empty_vocabulary(texts: list[str]) -> None:
    vocabulary, matrix = CharVocabulary.fit(texts)
    assert vocabulary.size == 0
    assert matrix.shape == (len(texts), 0)
    assert vocabulary.transform(["anything"]).shape == (1, 0)


def test_model_reads_addressing_across_words() -> None:
    rows = [TrainingRow(t, "complaint") for t in [*TRAIN[:2], TRAIN[4]]] * 2
    rows += [TrainingRow(t, "not_complaint") for t in (TRAIN[2], TRAIN[3], TRAIN[5])] * 2
    model = TextModel.train(rows, ["complaint", "spam"])
    assert model.categories == ["complaint"]
    low, high = model.predict(["great app, thanks!", "still waiting, why is it down again??"])
    assert high["complaint"] > 0.5 > low["complaint"]
    assert model.predict([]) == []


def test_model_scores_one_message_as_in_a_batch() -> None:
    rows = [TrainingRow(t, "complaint") for t in [*TRAIN[:2], TRAIN[4]]] * 2
    rows += [TrainingRow(t, "not_complaint") for t in (TRAIN[2], TRAIN[3], TRAIN[5])] * 2
    model = TextModel.train(rows, ["complaint"])
    batch = model.predict(TEST)
    for text, expected in zip(TEST, batch, strict=True):
        (single,) = model.predict([text])
        assert single == pytest.approx(expected)
