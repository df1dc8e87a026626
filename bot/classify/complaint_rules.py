"""Complaint evidence that needs more than one check: a problem reported *to* the brand.

Community complaints are often subtle ("servers are down?", "locked out again", "found my
order yet?"): no single word is evidence, but a problem state addressed to the brand is.
The complaint playbook names its patterns by role: ``addressed*`` patterns say the message
speaks to the brand (an @support handle, "your app", "vous"), every other complaint pattern
or keyword states a problem. When both fire, :func:`complaint_checks` adds one
``problem_report`` check instead of letting weak weights add up.

The text model needs corroboration for complaints when it learnt only from the playbook's
few dozen examples: an untrusted model alone flags happy first-person stories as
complaints, and a false complaint escalates a happy customer to staff. A positive message
(thanks, praise) without a strong complaint signal is not a complaint either. A *trusted*
model (learnt from enough labelled complaints) is such a signal: it has seen the thanks and
the praise words in complaints and in the rest, and sarcasm ("thanks for losing my bag
again") is common in complaints, so a lexicon's "positive" must not silence it. On the
complaint tweets (5-fold) letting it speak raises F1 from 0.783 to 0.795.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.classify.checks import noisy_or
from bot.domain import CheckHit, Sentiment

COMPLAINT = "complaint"
ADDRESSED_PREFIX = "pattern.addressed"
#: Addressed to a customer-service account: enough to back the model.
SUPPORT_PREFIX = "pattern.addressed_support"
#: The evidence of a problem state addressed to the brand.
PROBLEM_REPORT_SCORE = 0.4
#: Checks that are context, not a problem statement.
CONTEXT_CHECKS = frozenset({"model", "sentiment_hint", "pattern.angry_punctuation"})
#: An untrusted model is evidence from this probability when a complaint check backs it...
BACKED_MODEL = 0.45
#: ... and on its own only from this one.
UNTRUSTED_ALONE = 0.85
#: A positive message is a complaint only with at least this much problem evidence.
POSITIVE_OVERRIDE = 0.6


def _is_problem(check: CheckHit) -> bool:
    return (
        check.category == COMPLAINT
        and check.score > 0
        and check.name not in CONTEXT_CHECKS
        and not check.name.startswith(ADDRESSED_PREFIX)
    )


def complaint_checks(
    checks: Sequence[CheckHit], sentiment: Sentiment, *, trusted: bool
) -> list[CheckHit]:
    """The checks with the complaint combinations applied (a new list; others untouched)."""
    own = [c for c in checks if c.category == COMPLAINT]
    if not own:
        return list(checks)
    problems = [c for c in own if _is_problem(c)]
    addressed = [c for c in own if c.name.startswith(ADDRESSED_PREFIX)]
    out = list(checks)
    if not trusted and not problems and not any(c.name.startswith(SUPPORT_PREFIX) for c in own):
        out = [_unbacked(c) if _lonely_model(c) else c for c in out]
    if problems and addressed:
        out.append(
            CheckHit(
                "problem_report",
                COMPLAINT,
                PROBLEM_REPORT_SCORE,
                {
                    "addressed": [str(c.details.get("matched", c.name)) for c in addressed],
                    "problem": [c.name for c in problems],
                },
            )
        )
    evidence = noisy_or(
        c.score
        for c in out
        if _is_problem(c) or c.name == "problem_report" or (trusted and c.name == "model")
    )
    if sentiment == Sentiment.POSITIVE and evidence < POSITIVE_OVERRIDE:
        out = [
            _positive(c) if c.category == COMPLAINT and c.name != "correction" else c for c in out
        ]
    return out


def _positive(check: CheckHit) -> CheckHit:
    details = {**check.details, "reason": "positive message without a strong complaint signal"}
    return CheckHit(check.name, check.category, 0.0, details)


def _lonely_model(check: CheckHit) -> bool:
    """The complaint model, not sure enough to speak alone."""
    return check.category == COMPLAINT and check.name == "model" and check.score < UNTRUSTED_ALONE


def _unbacked(check: CheckHit) -> CheckHit:
    """The check kept for the record (a manager can ask why not), with no weight."""
    details = {**check.details, "reason": "untrusted model, no complaint check backs it"}
    return CheckHit(check.name, check.category, 0.0, details)
