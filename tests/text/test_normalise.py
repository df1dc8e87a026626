from __future__ import annotations

import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.text.normalise import MAX_CHARS, match_key, normalise
from bot.text.unicode_sets import INVISIBLE_BMP_RE, INVISIBLE_DELETE, MARK_BMP_RE, MARK_DELETE

INVISIBLE_CATEGORIES = {"Cf", "Cc", "Cs"}
PROPS = settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
# Text that looks like chat: letters of several scripts, digits, leet symbols, separators,
# emoji, zero-width and bidi controls, combining marks.
chat_alphabet = st.sampled_from(
    list("abcdefghijklmnopqrstuvwxyzABCXYZ0134579 .-_@$#/:!?'")
    + list("àéèçœßØıİаеорсхйёпривеtмΑαοεЖ中文مرحبא")
    + ["\u200b", "\u200d", "\u202e", "\u2066", "\ufeff", "\u0301", "\u0336", "\x00"]
    + ["😀", "👍", "\U0001f3fd"]
)
chat_text = st.text(chat_alphabet, max_size=80)
any_text = st.text(max_size=200)


@PROPS
@given(st.one_of(any_text, chat_text))
def test_never_raises_and_invariants(text: str) -> None:
    n = normalise(text)
    assert n.original == text
    for out in (n.clean, n.folded, *n.tokens):
        assert not any(unicodedata.category(ch) in INVISIBLE_CATEGORIES for ch in out)
    assert n.clean == n.clean.strip()
    assert "  " not in n.clean
    assert n.folded == n.folded.casefold()
    assert n.folded == match_key(text)
    assert 0.0 <= n.stats.uppercase_ratio <= 1.0
    assert 0.0 <= n.stats.digits_ratio <= 1.0
    assert n.stats.words == len(n.tokens)


@PROPS
@given(st.one_of(any_text, chat_text))
def test_match_key_is_idempotent(text: str) -> None:
    key = match_key(text)
    assert match_key(key) == key


@PROPS
@given(st.one_of(any_text, chat_text))
def test_clean_is_idempotent(text: str) -> None:
    clean = normalise(text).clean
    assert normalise(clean).clean == clean


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("fr33", "free"),
        ("m0ney", "money"),
        ("ca$h", "cash"),
        ("gr@tuit", "gratuit"),
        ("c.a.s.h", "cash"),
        ("c-a-s-h", "cash"),
        ("c_a_s_h", "cash"),
        ("f r e e", "free"),
        ("FREEEEEE", "free"),
        ("cooool", "cool"),
        ("gооgle", "google"),  # Cyrillic о
        ("привеt", "привет"),  # Latin t in a Russian word
        ("Ｆｒｅｅ 𝐟𝐫𝐞𝐞", "free free"),  # fullwidth and mathematical bold
        ("z\u200be\u200dr\u200co", "zero"),
        ("cœur Straße", "coeur strasse"),
        ("\u202eevil\u202c", "evil"),
    ],
)
def test_folding_examples(text: str, folded: str) -> None:
    assert normalise(text).folded == folded


@pytest.mark.parametrize(
    "text",
    ["2024", "iphone 15", "24h/24", "mp3", "covid19", "win10", "win11", "1er", "b2b", "4k", "5g"],
)
def test_real_numbers_are_kept(text: str) -> None:
    assert normalise(text).folded == text


def test_iphone_keeps_its_number() -> None:
    n = normalise("Mon iPhone 15 est cassé depuis 2024")
    assert n.tokens == ("mon", "iphone", "15", "est", "casse", "depuis", "2024")
    assert n.stats.leet_words == 0


def test_keywords_and_texts_share_the_fold() -> None:
    assert match_key("Remboursé") == match_key("REMBOURSE") == "rembourse"
    assert match_key("ARNAQUE") in normalise("C'est une arn@que, une ARNAQUEEEE").tokens
    assert normalise("une @rnaque").mentions == ("@rnaque",)  # a leading @ is a mention
    assert match_key("в личку") in normalise("Пишите В ЛИЧКУ").folded
    assert match_key("remboursement") in normalise("Je veux un REMBOURSEMENT!!").tokens


def test_urls_mentions_hashtags_are_single_tokens() -> None:
    n = normalise("Go to https://t.me/win_now, bit.ly/x or www.site.com @Promo_Bot #FR33 now")
    assert n.urls == ("https://t.me/win_now", "bit.ly/x", "www.site.com")
    assert n.mentions == ("@promo_bot",)
    assert n.hashtags == ("#free",)
    assert "https://t.me/win_now" in n.tokens
    assert n.stats.urls == 3 and n.stats.mentions == 1 and n.stats.hashtags == 1


def test_stats_for_spammy_text() -> None:
    n = normalise("FR33 M0NEY!!! с.a.s.h gооgle \u200b\u200b 😀😀 heyyyyy")
    s = n.stats
    assert s.leet_words == 2
    assert s.spaced_words == 1
    assert s.confusables_replaced >= 3
    assert s.mixed_script_words >= 2
    assert s.zero_width_removed == 2
    assert s.emoji == 2
    assert s.elongated_runs == 1
    assert s.max_char_run == 5
    assert s.scripts == frozenset({"latin", "cyrillic"})
    assert s.uppercase_ratio > 0.2


def test_scripts_and_ratios() -> None:
    s = normalise("Hello مرحبا Привет Γειά 你好 2024").stats
    assert {"latin", "arabic", "cyrillic", "greek", "cjk"} <= s.scripts
    assert 0 < s.digits_ratio < 0.2
    assert normalise("").stats.scripts == frozenset()


@pytest.mark.parametrize(
    "text",
    ["", " ", "\x00\x00", "\ud800\udfff", "😀" * 50, "e" + "\u0301" * 5000, "שלום עולם", "\u202e"],
)
def test_edge_inputs(text: str) -> None:
    n = normalise(text)
    assert isinstance(n.folded, str)


def test_combining_flood_is_trimmed() -> None:
    n = normalise("z" + "\u0336" * 40 + "algo")
    assert n.stats.marks_trimmed == 38
    assert n.folded == "zalgo"


def test_huge_input_is_bounded() -> None:
    text = ("fr33 m0ney c.a.s.h gооgle 😀 " * 40_000)[:1_000_000]
    n = normalise(text)
    assert n.stats.truncated and n.stats.length == len(text)
    assert len(n.clean) <= MAX_CHARS
    assert n.original is text


def test_bmp_classes_are_the_translation_tables() -> None:
    """The pre-check regexes hold exactly the BMP characters of the translation tables."""
    for code in range(0x10000):
        ch = chr(code)
        assert (INVISIBLE_BMP_RE.fullmatch(ch) is not None) == (code in INVISIBLE_DELETE)
        assert (MARK_BMP_RE.fullmatch(ch) is not None) == (code in MARK_DELETE)


@given(st.text(alphabet=st.characters(max_codepoint=0xFFFF), max_size=50))
def test_bmp_deletions_are_the_translations(text: str) -> None:
    assert INVISIBLE_BMP_RE.sub("", text) == text.translate(INVISIBLE_DELETE)
    assert MARK_BMP_RE.sub("", text) == text.translate(MARK_DELETE)


@pytest.mark.parametrize("text", ["$0A0A", "x$0a0a", "$$0a0a", "$1000cash", "ca$h"])
def test_a_dollar_before_a_leet_word_folds_the_same_when_folded_again(text: str) -> None:
    key = match_key(text)
    assert match_key(key) == key == normalise(text).folded


def test_letter_like_symbols_are_not_counted_as_uppercase_letters() -> None:
    assert normalise("A🅐").stats.uppercase_ratio == 1.0
