from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.errors import LanguageBackendError
from bot.text.language import (
    _NOISE_RE,
    _URLISH_RE,
    LanguageDetector,
    _model_text,
    make_detector,
    primary_subtag,
)

BACKENDS = ("py3langid", "langdetect")
DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "langid_tatoeba" / "dev.jsonl"


@pytest.fixture(scope="module", params=BACKENDS)
def detector(request: pytest.FixtureRequest) -> LanguageDetector:
    return make_detector(request.param, ["fr", "en", "ru"], default="fr")


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Bonjour, je n'ai toujours pas reçu ma commande, c'est inadmissible.", "fr"),
        ("Hello, I still haven't received my order and nobody answers me.", "en"),
        ("Здравствуйте, я до сих пор не получил свой заказ.", "ru"),
    ],
)
def test_sentences(detector: LanguageDetector, text: str, lang: str) -> None:
    guess = detector.detect(text)
    assert guess.language == lang
    assert 0.0 <= guess.confidence <= 1.0


def test_confident_model_beats_hint(detector: LanguageDetector) -> None:
    text = "Bonjour, je voudrais savoir quand ma commande sera livrée, merci beaucoup."
    guess = detector.detect(text, hint="en-US")
    assert (guess.language, guess.source) == ("fr", "model")
    assert guess.details["hint_overruled"] == "en"


def test_short_text_falls_back_to_hint(detector: LanguageDetector) -> None:
    guess = detector.detect("ok merci", hint="en-GB")
    assert (guess.language, guess.source) == ("en", "hint")
    assert guess.details["fallback"] in {"short text", "low model confidence"}


def test_short_text_falls_back_to_prior(detector: LanguageDetector) -> None:
    guess = detector.detect("Top", prior="en")
    assert (guess.language, guess.source) == ("en", "prior")


@pytest.mark.parametrize("text", ["😀👍🔥", "", "   ", "12345 !!!", "https://example.com"])
def test_no_letters_uses_hint_or_default(detector: LanguageDetector, text: str) -> None:
    assert detector.detect(text).language == "fr"
    assert detector.detect(text).source == "default"
    guess = detector.detect(text, hint="ru")
    assert (guess.language, guess.source) == ("ru", "hint")
    assert guess.details["fallback"] == "no letters"


def test_script_decides_a_single_language(detector: LanguageDetector) -> None:
    guess = detector.detect("Да", hint="en")
    assert (guess.language, guess.source) == ("ru", "script")


def test_unknown_hint_is_ignored_and_said(detector: LanguageDetector) -> None:
    guess = detector.detect("👍", hint="de-DE")
    assert guess.language == "fr"
    assert "hint_ignored" in guess.details


def test_hint_subtags() -> None:
    assert primary_subtag("fr-FR") == "fr"
    assert primary_subtag("pt-br") == "pt"
    assert primary_subtag("EN_us") == "en"
    assert primary_subtag("") is None
    assert primary_subtag(None) is None


def test_deterministic() -> None:
    texts = ["ciao bella", "hola que tal", "bom dia", "ok", "Guten Tag", "merci"]
    for backend in BACKENDS:
        first = make_detector(backend, ["fr", "en", "es", "it", "pt", "de"], default="en")
        second = make_detector(backend, ["fr", "en", "es", "it", "pt", "de"], default="en")
        for text in texts:
            runs = [first.detect(text) for _ in range(3)] + [second.detect(text)]
            assert len({(g.language, g.confidence, g.source) for g in runs}) == 1, text


def test_unknown_backend_names_value_and_choices() -> None:
    with pytest.raises(LanguageBackendError) as err:
        make_detector("fasttext", ["fr"], default="fr")
    message = str(err.value)
    assert "'fasttext'" in message and "langdetect" in message and "py3langid" in message


@pytest.mark.parametrize("backend", BACKENDS)
def test_unsupported_language_is_rejected(backend: str) -> None:
    with pytest.raises(LanguageBackendError) as err:
        make_detector(backend, ["fr", "xx"], default="fr")
    assert "'xx'" in str(err.value) and "'fr'" in str(err.value)


def test_default_must_be_allowed() -> None:
    with pytest.raises(LanguageBackendError, match="'de'"):
        make_detector("py3langid", ["fr", "en"], default="de")


def test_single_language_list_works() -> None:
    detector = make_detector("langdetect", ["fr"], default="fr")
    assert detector.detect("Hello there my friend").language == "fr"


@pytest.mark.skipif(not DATA.is_file(), reason=f"langid_tatoeba data absent at {DATA}")
@pytest.mark.parametrize(("backend", "floor", "short_floor"), [
    ("py3langid", 0.98, 0.94),
    ("langdetect", 0.93, 0.85),
])  # fmt: skip
def test_accuracy_on_tatoeba(backend: str, floor: float, short_floor: float) -> None:
    rows = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line]
    if backend == "langdetect":
        rows = rows[::4]  # langdetect is ~10x slower; a quarter is plenty for a floor
    languages = sorted({r["label"] for r in rows})
    detector = make_detector(backend, languages, default="en")
    hits = [(len(r["text"]) < 20, detector.detect(r["text"]).language == r["label"]) for r in rows]
    overall = sum(ok for _, ok in hits) / len(hits)
    short = [ok for is_short, ok in hits if is_short]
    assert overall >= floor
    assert sum(short) / len(short) >= short_floor


def test_remembered_walk_gives_py3langid_own_ranking() -> None:
    """The per-word memory of the n-gram walk changes nothing, bit for bit."""
    from py3langid import langid

    from bot.text.language_backends import Py3LangidBackend, _py3langid_base

    _py3langid_base()
    languages = ["fr", "en", "ru", "de", "uk", "tr"]
    view = Py3LangidBackend._view(frozenset(languages))
    plain = langid.LanguageIdentifier.from_model_file(langid.MODEL_FILE, norm_probs=True)
    plain.set_languages(sorted(languages))
    texts = ["", " ", "  a  b ", "HELLO WORLD", "Прuвет мир", "日本語", "çà et là", "x" * 300]
    if DATA.is_file():
        with DATA.open(encoding="utf-8") as handle:
            texts += [json.loads(line)["text"] for line in handle if line.strip()][:3000]
    for _ in range(2):  # cold, then remembered
        for text in texts:
            assert view.rank(text) == plain.rank(text), text


URLISH_PIECES = ["com", "net", "org", "ru", "RU", "www", "http", "https", "://", "x.y"]


@given(
    st.lists(
        st.sampled_from(list("ab1_ .@#:/'’-!?¿¡,\t\nÉé٣\u212a%&*()[]") + URLISH_PIECES), max_size=20
    ).map("".join)
)
def test_model_text_is_the_two_substitutions(text: str) -> None:
    assert _model_text(text) == _NOISE_RE.sub(" ", _URLISH_RE.sub(" ", text))


def test_a_long_message_is_read_from_its_beginning(detector: LanguageDetector) -> None:
    from bot.text.language import TEXT_LIMIT

    french = "Bonjour, je n'ai toujours pas reçu ma commande, c'est inadmissible. " * 7
    english = " Hello, I still haven't received my order and nobody answers me." * 40
    assert len(french) > TEXT_LIMIT
    guess = detector.detect(french + english)
    assert guess.language == "fr"
    assert guess.details["scores"] == detector.detect(french[:TEXT_LIMIT]).details["scores"]
