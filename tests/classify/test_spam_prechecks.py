"""The cheap pre-checks of the spam families skip only texts their regexes cannot match."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.classify.spam_checks import MENTION_RE, PHONE_RE, URL_RE, find_urls

PIECES = st.sampled_from(
    ["http", "s", "://", "www", ".", "com", "/", "t", "me", "bit", "ly", "@", "user_1", " ",
     "+33", "6", "12", "34", "(", ")", "-", "٣", "x", "WWW", "K", "\u212a"]
)  # fmt: skip
TEXTS = st.lists(PIECES, max_size=20).map("".join) | st.text(max_size=40)


@settings(max_examples=500, deadline=None)
@given(TEXTS)
def test_find_urls_skips_only_texts_without_urls(text: str) -> None:
    expected = tuple(m.group(0).rstrip(".,;:!?)") for m in URL_RE.finditer(text))
    assert find_urls(text) == expected


@settings(max_examples=500, deadline=None)
@given(TEXTS)
def test_mentions_and_phones_need_their_character(text: str) -> None:
    if "@" not in text:
        assert not MENTION_RE.findall(text)
    if not any(ch.isdigit() for ch in text):
        assert not PHONE_RE.findall(text)
