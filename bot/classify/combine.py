"""Combining named checks into a multi-label verdict.

For each category the checks that speak for it (keywords, patterns, the trained model, the
FAQ, the sentiment hint, a staff correction) are combined with a noisy-or; a label applies
when the combined evidence reaches the category's threshold.

Spam is different on purpose: the weights of its evidence are added, and at least
``min_signals`` independent *signals* must fire. A signal is a spam family (``spam.*``), a
spam pattern or spam keywords. The text model counts as a signal only when it is *trusted*
(trained on enough labelled spam, see :data:`TRUSTED_MODEL_POSITIVES`); out of the box, trained
on a few dozen playbook examples, it adds weight but never a signal, so one family plus the
model never removes a message. A trusted model that is very sure (:data:`CONFIDENT_MODEL`)
is enough on its own. A complaint is never spam.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.classify.checks import noisy_or
from bot.classify.text_model import targets
from bot.domain import CheckHit, Sentiment, Verdict
from bot.playbooks import PlaybookSet
from bot.playbooks.model import CategoryPlaybook

OTHER = "other"
SPAM = "spam"
COMPLAINT = "complaint"
#: A model counts as trusted (its spam probability is a signal, its complaint threshold rises)
#: once it learnt from this many labelled positives (--train rows, corrections).
TRUSTED_MODEL_POSITIVES = 100
#: A trusted model at least this sure is enough evidence on its own.
CONFIDENT_MODEL = 0.8


#: A complaint label needs this much when the complaint model is trusted: its probability
#: already holds what the weak checks say, so their noisy-or on top over-fires.
TRUSTED_COMPLAINT_THRESHOLD = 0.65

#: An untrusted model (a few dozen playbook examples) speaks only from this probability on.
UNTRUSTED_MODEL_MIN = 0.6


def model_score(probability: float, *, trusted: bool = True) -> float:
    """The model's evidence: nothing below 0.5 (0.6 when untrusted), then the probability."""
    return probability if probability >= (0.5 if trusted else UNTRUSTED_MODEL_MIN) else 0.0


@dataclass(frozen=True)
class Context:
    language: str
    sentiment: Sentiment
    variables: dict[str, str]
    faq_id: str | None
    model_trusted: frozenset[str] = frozenset()  # categories whose model is trusted


def spam_signals(checks: Sequence[CheckHit], trusted: bool) -> int:
    """How many independent spam signals fired (a confident trusted model counts for 2)."""
    count = 0
    for check in checks:
        if check.category != SPAM or check.score <= 0:
            continue
        if check.name == "model":
            if trusted:
                count += 2 if check.score >= CONFIDENT_MODEL else 1
        elif check.name != "correction":
            count += 1
    return count


def _scores(checks: Sequence[CheckHit], categories: Sequence[str]) -> dict[str, float]:
    own: dict[str | None, list[float]] = {}
    for check in checks:  # one pass; each category's scores keep the order of the checks
        own.setdefault(check.category, []).append(check.score)
    scores: dict[str, float] = {}
    for category in categories:
        values = own.get(category, [])
        scores[category] = min(1.0, sum(values)) if category == SPAM else noisy_or(values)
    return scores


def _corrections(
    checks: list[CheckHit], correction: str | None, categories: Sequence[str]
) -> dict[str, bool]:
    if correction is None:
        return {}
    forced = targets(correction, categories, exclusive=False)
    for category, positive in forced.items():
        checks.append(
            CheckHit(
                "correction",
                category,
                1.0 if positive else 0.0,
                {"label": correction, "reason": "corrected by staff"},
            )
        )
    return forced


def combine(
    playbooks: PlaybookSet,
    categories: Sequence[str],
    checks: list[CheckHit],
    correction: str | None,
    ctx: Context,
    by_priority: Sequence[CategoryPlaybook] | None = None,
) -> Verdict:
    """The verdict from the checks. ``by_priority`` is ``playbooks.by_priority()`` when the
    caller already has it (sorting it again for every message is a good part of the work)."""
    order = playbooks.by_priority() if by_priority is None else by_priority
    forced: Mapping[str, bool] = _corrections(checks, correction, categories)
    scores = _scores(checks, categories)
    labels = []
    for pb in order:
        category = pb.category
        threshold = pb.threshold
        if category == COMPLAINT and category in ctx.model_trusted:
            threshold = max(threshold, TRUSTED_COMPLAINT_THRESHOLD)
        if category == OTHER or scores[category] < threshold:
            continue
        if (
            category == SPAM
            and pb.spam is not None
            and forced.get(SPAM) is not True
            and spam_signals(checks, SPAM in ctx.model_trusted) < pb.spam.min_signals
        ):
            continue
        labels.append(category)
    for category, positive in forced.items():
        if positive and category not in labels:
            labels.append(category)
        if not positive and category in labels:
            labels.remove(category)
    if COMPLAINT in labels and SPAM in labels and forced.get(SPAM) is not True:
        labels.remove(SPAM)
        checks.append(
            CheckHit(
                "complaint_not_spam",
                COMPLAINT,
                0.0,
                {"reason": "a complaint is never treated as spam"},
            )
        )
    priority = {pb.category: pb.priority for pb in order}
    labels.sort(key=lambda c: -priority.get(c, 0))
    chosen = [c for c, positive in forced.items() if positive and c in labels]
    if chosen:  # a staff correction names the primary category (reclassified from a card)
        labels.remove(chosen[0])
        labels.insert(0, chosen[0])
    if labels:
        primary = labels[0]
        confidence = scores[primary]
    else:
        primary = OTHER
        labels = [OTHER]
        confidence = 1.0 - max((v for k, v in scores.items() if k != OTHER), default=0.0)
    return Verdict(
        category=primary,
        labels=tuple(labels),
        language=ctx.language,
        sentiment=ctx.sentiment,
        confidence=confidence,
        checks=tuple(checks),
        scores=scores,
        variables=ctx.variables,
        faq_id=ctx.faq_id,
    )
