"""Emoji are found in order, as by looking at every character."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.classify.sentiment import NEGATIVE_EMOJI, POSITIVE_EMOJI, sentiment_of

ALPHABET = st.sampled_from(sorted(POSITIVE_EMOJI | NEGATIVE_EMOJI) + list("ab :)❤️\u200d🏻"))


def _by_character(text: str) -> tuple[list[str], list[str]]:
    positive = [c for c in text[:2000] if c in POSITIVE_EMOJI]
    negative = [c for c in text[:2000] if c in NEGATIVE_EMOJI]
    return positive, negative


@given(st.text(alphabet=ALPHABET, max_size=30) | st.text(max_size=30))
def test_emoji_as_by_character(text: str) -> None:
    _sentiment, polarity, check = sentiment_of(text, [], 3)
    positive, negative = _by_character(text)
    assert polarity == max(-1.0, min(1.0, (len(positive) - len(negative)) * 0.5 / 2.0))
    if check is None:
        assert not positive and not negative
    else:
        assert check.details["positive"] == positive[:6]
        assert check.details["negative"] == negative[:6]
