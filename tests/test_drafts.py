from __future__ import annotations

from dataclasses import replace

from bot.classify.classifier import Classifier
from bot.domain import InboundMessage
from bot.drafts import _fill, draft_reply
from bot.playbooks import PlaybookSet


def test_missing_variables_leave_no_dangling_punctuation() -> None:
    assert _fill("Bonjour {first_name}, merci", {}) == "Bonjour, merci"
    assert _fill("{first_name}, merci", {}) == "Merci"
    assert _fill("Désolés, {first_name}.", {}) == "Désolés."
    assert _fill("Bonjour {first_name}, merci", {"first_name": "Léa"}) == "Bonjour Léa, merci"


def test_draft_in_customer_language_with_variables(
    classifier: Classifier, shipped_playbooks: PlaybookSet
) -> None:
    message = InboundMessage(text="My order never arrived, this is unacceptable", first_name="Sam")
    verdict = classifier.classify(message)
    draft = draft_reply(
        shipped_playbooks, message, verdict, extra={"deep_link": "https://t.me/b?start=1"}
    )
    assert draft is not None
    assert draft.language == "en" and not draft.fallback_language
    assert "{" not in draft.text
    again = draft_reply(
        shipped_playbooks, message, verdict, extra={"deep_link": "https://t.me/b?start=1"}
    )
    assert again == draft  # stable for the same message


def test_unknown_language_falls_back_and_says_so(
    classifier: Classifier, shipped_playbooks: PlaybookSet
) -> None:
    message = InboundMessage(text="Mein Paket ist nach drei Wochen immer noch nicht angekommen!")
    verdict = classifier.classify(message)
    assert verdict.language == "de"
    draft = draft_reply(shipped_playbooks, message, replace(verdict, category="complaint"))
    assert draft is not None
    assert draft.fallback_language and draft.language == shipped_playbooks.default_language


def test_faq_answer_is_used(classifier: Classifier, shipped_playbooks: PlaybookSet) -> None:
    message = InboundMessage(text="Quels sont les délais de livraison ?")
    verdict = classifier.classify(message)
    draft = draft_reply(shipped_playbooks, message, verdict)
    assert draft is not None and draft.faq_id == verdict.faq_id
    entry = next(e for e in shipped_playbooks.categories["question"].faq if e.id == verdict.faq_id)
    assert entry.answer["fr"].split("{")[0][:20] in draft.text


def test_unsure_other_goes_to_a_human() -> None:
    from bot.decide import Action, decide
    from bot.domain import Sentiment, Verdict

    unsure = Verdict(
        "other", ("other",), "en", Sentiment.NEUTRAL, 0.1, (), {"spam": 0.9, "other": 0.0}
    )
    decision = decide(unsure, None)
    assert decision.action == Action.ESCALATE and decision.escalate
    assert "spam" in decision.reasons[0]
    sure = Verdict("other", ("other",), "en", Sentiment.NEUTRAL, 0.9, (), {"spam": 0.1})
    assert decide(sure, None).action == Action.NONE


def test_complaint_in_private_asks_details_with_the_order_number(
    classifier: Classifier, shipped_playbooks: PlaybookSet
) -> None:
    from bot.domain import MessageKind

    text = "Ma commande MS-123456 est arrivée cassée, je suis très déçue"
    dm = InboundMessage(text=text, kind=MessageKind.DM, first_name="Léa")
    verdict = classifier.classify(dm)
    assert verdict.category == "complaint"
    draft = draft_reply(shipped_playbooks, dm, verdict)
    assert draft is not None and draft.reply_id == "ask_details"
    assert "MS-123456" in draft.text and "Léa" in draft.text
    public = InboundMessage(text=text, first_name="Léa")
    assert draft_reply(shipped_playbooks, public, verdict).reply_id == "ack_public"  # type: ignore[union-attr]


def test_every_shipped_template_fills_as_string_formatter_does(
    shipped_playbooks: PlaybookSet,
) -> None:
    """``_fill`` uses ``str.format_map`` (C) for ``string.Formatter`` (Python): the same
    text for every template of the shipped playbooks, with all, some or none of the
    variables known."""
    import string

    from bot.drafts import _Blank, _tidy

    templates = [
        text
        for pb in shipped_playbooks.categories.values()
        for variants in pb.replies.values()
        for texts in variants.values()
        for text in texts
    ] + [
        text
        for pb in shipped_playbooks.categories.values()
        for entry in pb.faq
        for text in entry.answer.values()
    ]
    assert len(templates) > 50
    everything = {
        "brand": "Maison",
        "first_name": "Léa",
        "deep_link": "https://t.me/b?start=1",
        "answer": "Yes.",
        "username": "lea",
        "language": "fr",
        "order_id": "MS-1",
    }
    for values in (everything, {"brand": "Maison"}, {}):
        for template in templates:
            expected = _tidy(string.Formatter().vformat(template, (), _Blank(values)).strip())
            assert _fill(template, values) == expected, template
