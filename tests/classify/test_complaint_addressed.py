"""Out of the box, an @handle says who is asked, not that something went wrong.

The complaint playbook has many examples addressed to a brand's account ("@ShopNow where is
my order"); until the question, praise and other playbooks had addressed examples too, the
untrusted model read the handle itself as a complaint, and a support handle backs that model
(:mod:`bot.classify.complaint_rules`). On the complaint tweets out of the box this was most of
the false complaints (69 of 182). These messages are written for the test, in none of the
playbooks; the first two were complaints before.
"""

from __future__ import annotations

import pytest

from bot.classify.classifier import Classifier
from bot.domain import InboundMessage


@pytest.mark.parametrize(
    "text",
    [
        "@ShoeStoreHelp I'd like to swap my trainers for a bigger size, is that possible",
        "@AirlineHelp my daughter is flying alone next month, what do I need to do",
        "@BankSupport I have a new phone number, how do I update it",
        "@StoreSupport does the sale include the kids section",
        "@PetShopHelp do you sell grain-free food for kittens?",
        "@InternetHelp all working again, thanks a lot for your help!",
    ],
)
def test_an_addressed_question_or_thanks_is_not_a_complaint(
    classifier: Classifier, text: str
) -> None:
    verdict = classifier.classify(InboundMessage(text=text))
    assert "complaint" not in verdict.labels, [(c.name, c.score) for c in verdict.checks]


@pytest.mark.parametrize(
    "text",
    [
        "@InternetHelp my connection has been down for three days and nobody answers",
        "@ShopHelp my parcel never arrived and I want a refund",
        "@TelcoSupport you charged me twice this month",
    ],
)
def test_an_addressed_problem_is_still_a_complaint(classifier: Classifier, text: str) -> None:
    verdict = classifier.classify(InboundMessage(text=text))
    assert "complaint" in verdict.labels, [(c.name, c.score) for c in verdict.checks]
