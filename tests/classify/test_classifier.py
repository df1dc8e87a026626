from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.classify.classifier import Classifier
from bot.domain import InboundMessage, MessageKind, Sentiment
from bot.errors import ModelError


def verdict(classifier: Classifier, text: str, **kw):  # type: ignore[no-untyped-def]
    return classifier.classify(InboundMessage(text=text, **kw))


@pytest.mark.parametrize(
    ("text", "category", "language"),
    [
        (
            "Ma commande MS-482913 n'est toujours pas arrivée après trois semaines, "
            "c'est inadmissible !",
            "complaint",
            "fr",
        ),
        (
            "My parcel never arrived and nobody answers my emails, I want a refund now.",
            "complaint",
            "en",
        ),
        ("Quels sont les délais de livraison pour la Belgique ?", "question", "fr"),
        ("How long does delivery take to Canada?", "question", "en"),
        ("Earn $500 a day from home with crypto, DM me on whatsapp http://bit.ly/x1", "spam", "en"),
        ("Заработок от 3000 в день, пишите в лс", "spam", "ru"),
        (
            "Merci beaucoup, la Crème Éclat est vraiment géniale, ma peau est transformée !",
            "praise",
            "fr",
        ),
        ("Combien coûte le Sérum Nuit ? Je voudrais en acheter deux.", "lead", "fr"),
    ],
)
def test_typical_messages(classifier: Classifier, text: str, category: str, language: str) -> None:
    v = verdict(classifier, text)
    assert v.category == category, (v.category, v.why(), v.scores)
    assert category in v.labels
    assert v.language == language
    assert 0.0 <= v.confidence <= 1.0
    assert any(c.category == category for c in v.checks), "the verdict says why"


def test_faq_match_and_extracted_variables(classifier: Classifier) -> None:
    v = verdict(classifier, "Quels sont les délais de livraison ?")
    assert v.faq_id is not None
    faq = next(c for c in v.checks if c.name == "faq")
    assert faq.details["faq_id"] == v.faq_id
    c = verdict(classifier, "Toujours rien reçu pour la commande MS-482913, remboursez-moi")
    assert c.variables.get("order_number", "").endswith("482913")


def test_complaint_is_never_spam(classifier: Classifier) -> None:
    text = (
        "ARNAQUE !!! Commande MS-123456 jamais reçue, remboursez moi, écrivez-moi en privé "
        "http://bit.ly/preuve"
    )
    v = verdict(classifier, text)
    assert "complaint" in v.labels
    assert "spam" not in v.labels


def test_one_weak_signal_never_makes_spam(classifier: Classifier) -> None:
    v = verdict(classifier, "Voici le lien du site https://maison-solene.fr/aide pour les autres")
    assert "spam" not in v.labels
    assert any(c.name == "spam.links" for c in v.checks)


def test_multi_label_complaint_and_question(classifier: Classifier) -> None:
    v = verdict(
        classifier,
        "Ma commande n'est toujours pas arrivée, c'est inadmissible. "
        "Quand est-ce que je vais la recevoir ?",
    )
    assert v.category == "complaint"
    assert "question" in v.labels


def test_negation_flips_sentiment(classifier: Classifier) -> None:
    assert verdict(classifier, "Ce n'est pas mal du tout").sentiment != Sentiment.NEGATIVE
    assert verdict(classifier, "Je ne suis pas contente du tout").sentiment == Sentiment.NEGATIVE
    assert verdict(classifier, "This cream is not bad at all").sentiment != Sentiment.NEGATIVE


def test_short_text_uses_hint_and_says_so(classifier: Classifier) -> None:
    v = verdict(classifier, "ok 👍", lang_hint="en-GB")
    language = next(c for c in v.checks if c.name == "language")
    assert v.language == "en"
    assert language.details["source"] in ("hint", "model")


def test_correction_is_used_without_restart(fresh_classifier: Classifier) -> None:
    text = "Le flacon bleu est arrivé un peu tiède hier soir"
    before = verdict(fresh_classifier, text)
    target = "praise" if before.category != "praise" else "complaint"
    fresh_classifier.learn(text, target)
    after = verdict(fresh_classifier, text)
    assert after.category == target
    assert any(c.name == "correction" for c in after.checks)
    with pytest.raises(ModelError, match="unknown label 'bogus'"):
        fresh_classifier.learn(text, "bogus")


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "\x00\x01\x02",
        "😀" * 500,
        "a" * 1_000_000,
        "\u202e\u200b" * 1000,
        "".join(chr(i) for i in range(0x20, 0x3000, 7)),
        "e\u0301" * 5000,
        "\ud800 lone surrogate",
    ],
)
def test_odd_messages_never_crash(classifier: Classifier, text: str) -> None:
    v = verdict(classifier, text, kind=MessageKind.DM)
    assert v.category in classifier.categories
    assert v.language


@settings(max_examples=80, deadline=None)
@given(text=st.text(max_size=400))
def test_any_text_gets_a_verdict(classifier: Classifier, text: str) -> None:
    v = classifier.classify(InboundMessage(text=text))
    assert v.labels and v.category == v.labels[0]
    assert 0.0 <= v.confidence <= 1.0
