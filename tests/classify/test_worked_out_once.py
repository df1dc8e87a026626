"""What the classifier works out once per playbook set (the enabled spam families, the
priority order, the spam phrases of a message) gives the same checks and verdicts."""

from __future__ import annotations

import json
from pathlib import Path

from bot.classify.classifier import Classifier
from bot.classify.combine import Context, combine
from bot.classify.spam_checks import (
    FAMILIES,
    SpamContext,
    enabled_families,
    find_urls,
    spam_signals,
)
from bot.domain import InboundMessage
from bot.text.normalise import normalise

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
TEXTS = [
    "FREE entry!!! Call 09061701461 now, txt STOP to 87239",
    "Заработок от 5000 в день, пиши в личку @money_bot https://t.me/money_bot",
    "where is my order #123456? your app keeps crashing @acme_support",
    "Bonjour, ma commande n'est toujours pas arrivée",
    "thanks, great service!",
    "",
]


def _texts() -> list[str]:
    texts = list(TEXTS)
    path = DATA / "tg_spam_samples" / "messages.jsonl"
    if path.is_file():
        with open(path, encoding="utf-8") as handle:
            texts += [json.loads(line)["text"] for line in handle if line.strip()][:300]
    return texts


def test_spam_families_listed_once_fire_alike(classifier: Classifier) -> None:
    settings = classifier.playbooks.categories["spam"].spam
    assert settings is not None
    families = enabled_families(settings)
    for text in _texts():
        norm = normalise(text)
        hits = classifier.index.find(norm.tokens)
        ctx = SpamContext(InboundMessage(text=text), norm, hits, find_urls(norm.clean), None, 0.5)
        assert spam_signals(ctx, settings, families) == spam_signals(ctx, settings), text
        for name, signal in settings.signals.items():
            phrases = {h.tag.phrase for h in hits if h.tag.group == "spam" and h.tag.owner == name}
            if name in FAMILIES and name not in ("messenger_handles",) and phrases:
                assert FAMILIES[name](ctx, signal) == {"matched": sorted(phrases)}, (name, text)


def test_priority_order_given_or_not_gives_one_verdict(classifier: Classifier) -> None:
    playbooks = classifier.playbooks
    order = playbooks.by_priority()
    added_by_combine = {"correction", "complaint_not_spam"}
    for verdict in classifier.classify_many([InboundMessage(text=t) for t in _texts()]):
        checks = [c for c in verdict.checks if c.name not in added_by_combine]
        ctx = Context(verdict.language, verdict.sentiment, {}, None, frozenset())
        for correction in (None, "spam", "not_spam"):
            plain = combine(playbooks, classifier.categories, list(checks), correction, ctx)
            given = combine(playbooks, classifier.categories, list(checks), correction, ctx, order)
            assert plain == given
