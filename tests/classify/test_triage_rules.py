"""The classifier's combination rules: what the model, sentiment and spam families may decide."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.classify import model_cache
from bot.classify.classifier import Classifier
from bot.classify.combine import spam_signals
from bot.classify.text_model import TrainingRow
from bot.domain import CheckHit, InboundMessage
from bot.text.normalise import normalise


def verdict(classifier: Classifier, text: str):  # type: ignore[no-untyped-def]
    return classifier.classify(InboundMessage(text=text))


@pytest.mark.parametrize("text", ["", "😀😀😀", "🔥🔥🔥 💰💰💰", "12345 !!!"])
def test_model_does_not_vote_on_texts_without_letters(classifier: Classifier, text: str) -> None:
    v = verdict(classifier, text)
    assert not any(c.name in ("model", "faq", "spam.known_spam") for c in v.checks)


def test_neutral_sentiment_is_no_evidence(classifier: Classifier) -> None:
    v = verdict(classifier, "The parcel is on the table next to the door")
    assert not any(c.name == "sentiment_hint" for c in v.checks)


def test_untrusted_model_is_not_a_spam_signal() -> None:
    model = CheckHit("model", "spam", 0.9, {})
    family = CheckHit("spam.private_bait", "spam", 0.45, {})
    assert spam_signals([model, family], trusted=False) == 1
    assert spam_signals([model, family], trusted=True) == 3


def test_one_family_plus_model_is_not_spam(classifier: Classifier) -> None:
    v = verdict(classifier, "Alright, I'll head out in a few minutes, text me where to meet you")
    assert "spam" not in v.labels


@pytest.mark.parametrize(
    "text",
    [
        "WINNER! You have been selected to receive a £900 prize. To claim call 09061701461 now",
        "Free entry to win £1000 cash! Txt WIN to 87121, 150p/msg, T&Cs apply",
        "Удалённая работа, доход от 20 000 ₽ в неделю, без опыта, пишите + в лс",
        "Vous avez gagné un iPhone ! Réclamez votre cadeau ici bit.ly/xyz",
    ],
)
def test_generic_spam_out_of_the_box(classifier: Classifier, text: str) -> None:
    assert verdict(classifier, text).category == "spam"


@pytest.mark.parametrize(
    "text",
    [
        "@brand why is my order still not here? Ordered two weeks ago",
        "Your app keeps crashing and I still can't log in, please fix this",
    ],
)
def test_generic_complaints_out_of_the_box(classifier: Classifier, text: str) -> None:
    assert "complaint" in verdict(classifier, text).labels


def test_model_cache_reuses_and_survives_corruption(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CMBOT_CACHE_DIR", str(tmp_path))
    model_cache._memory.clear()
    texts = ["free money now", "earn cash fast", "win a prize today", "claim your reward"]
    rows = [TrainingRow(normalise(t).folded, "spam") for t in texts]
    rows += [TrainingRow(normalise(t).folded, "ham") for t in ("hello", "see you", "ok", "thanks")]
    first = model_cache.trained_model(rows, ["spam", "other"])
    files = list(tmp_path.glob("model-*.pickle"))
    assert len(files) == 1
    assert model_cache.trained_model(rows, ["spam", "other"]) is first  # in process
    model_cache._memory.clear()
    assert model_cache.trained_model(rows, ["spam", "other"]).sizes == first.sizes  # from disk
    files[0].write_bytes(b"not a pickle")
    model_cache._memory.clear()
    rebuilt = model_cache.trained_model(rows, ["spam", "other"])
    assert rebuilt.sizes == first.sizes
