"""French wordings the shipped playbooks must read: displeasure words, questions by
inversion, interest in buying."""

from __future__ import annotations

import pytest

from bot.classify.classifier import Classifier
from bot.domain import InboundMessage


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Je suis très mécontent de la livraison, le colis est resté sous la pluie", "complaint"),
        ("Pas contente du tout de ce sérum, aucun effet après un mois", "complaint"),
        ("Le parfum existe-t-il en format voyage ?", "question"),
        ("Livrez-vous le samedi ?", "question"),
        ("Je suis intéressée par l'abonnement mensuel", "lead"),
        ("Pas mal du tout ce nouveau packaging", "other"),
    ],
)
def test_french_wordings(classifier: Classifier, text: str, category: str) -> None:
    verdict = classifier.classify(InboundMessage(text=text))
    assert verdict.category == category, [c.name for c in verdict.checks]
    assert verdict.language == "fr"


def test_an_inverted_phrase_without_question_mark_is_not_a_question(
    classifier: Classifier,
) -> None:
    verdict = classifier.classify(InboundMessage(text="Dites-vous bien que c'est offert."))
    assert "question" not in verdict.labels
