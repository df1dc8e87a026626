"""Decide what to do with a verdict: data only; an effects layer acts on it.

The defaults follow the seeds of community management: spam is removed, complaints are
never deleted but acknowledged and escalated to a human, questions with a confident FAQ
match are answered, the rest is drafted for a human. A category's auto-send policy (its
playbook's ``case.send``: ``auto``, ``approve`` or ``never``) overrides those defaults. Shadow
mode drafts and sends nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from bot.domain import Draft, Verdict

FAQ_AUTO_CONFIDENCE = 0.6
# "other" with less confidence than this means some category had strong evidence that its
# rule did not accept (for example one spam family only): a human should look.
UNSURE_OTHER = 0.5


class Action(StrEnum):
    REPLY = "reply"  # send the draft now
    APPROVE = "approve"  # a human approves the draft first
    ESCALATE = "escalate"  # a human takes it (with the draft as a start, if any)
    MODERATE = "moderate"  # remove it (spam)
    NONE = "none"


@dataclass(frozen=True)
class Decision:
    action: Action
    draft: Draft | None
    escalate: bool
    reasons: tuple[str, ...] = field(default_factory=tuple)


def decide(
    verdict: Verdict,
    draft: Draft | None,
    *,
    shadow_mode: bool = False,
    private: bool = False,
    send: str | None = None,
) -> Decision:
    category = verdict.category
    if category == "spam":
        decision = Decision(Action.MODERATE, None, False, ("spam is removed, never answered",))
    elif category == "complaint":
        action = Action.REPLY if draft else Action.ESCALATE
        first = (
            "answer in private and ask what is needed" if private else "acknowledge in public fast"
        )
        decision = Decision(action, draft, True, (first, "a human works every complaint"))
    elif category == "question" and verdict.faq_id and verdict.confidence >= FAQ_AUTO_CONFIDENCE:
        decision = Decision(
            Action.REPLY if draft else Action.ESCALATE,
            draft,
            False,
            (f"confident FAQ match {verdict.faq_id}",),
        )
    elif category == "question":
        decision = Decision(
            Action.APPROVE if draft else Action.ESCALATE,
            draft,
            True,
            ("no confident FAQ answer: a human checks",),
        )
    elif draft is not None and category in ("lead", "praise"):
        decision = Decision(Action.REPLY, draft, category == "lead", (f"{category} reply",))
    elif category == "other" and verdict.confidence < UNSURE_OTHER:
        others = {k: v for k, v in verdict.scores.items() if k != "other"}
        strongest = max(others, key=lambda k: others[k], default="")
        decision = Decision(
            Action.ESCALATE,
            draft,
            True,
            (f"unsure: strong {strongest} evidence below its rule, a human decides",),
        )
    elif draft is not None:
        decision = Decision(Action.APPROVE, draft, False, ("drafted for a human",))
    else:
        decision = Decision(Action.NONE, None, False, ("nothing to do",))
    decision = _apply_policy(decision, send)
    if shadow_mode and decision.action in (Action.REPLY, Action.MODERATE):
        return Decision(
            Action.APPROVE if decision.draft else Action.NONE,
            decision.draft,
            decision.escalate,
            (*decision.reasons, "shadow mode: nothing is sent"),
        )
    return decision


def _apply_policy(decision: Decision, send: str | None) -> Decision:
    """The category's auto-send policy over the defaults (spam is never answered)."""
    if send is None or decision.action in (Action.MODERATE, Action.NONE):
        return decision
    action, reasons = decision.action, decision.reasons
    if send == "never" and action in (Action.REPLY, Action.APPROVE):
        action, reasons = Action.ESCALATE, (*reasons, "policy: never reply, escalate only")
    elif send == "approve" and action == Action.REPLY:
        action, reasons = Action.APPROVE, (*reasons, "policy: a human approves first")
    elif send == "auto" and action == Action.APPROVE and decision.draft is not None:
        action, reasons = Action.REPLY, (*reasons, "policy: sent alone")
    else:
        return decision
    escalate = decision.escalate or action in (Action.APPROVE, Action.ESCALATE)
    return Decision(action, decision.draft, escalate, reasons)
