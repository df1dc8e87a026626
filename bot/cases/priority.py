"""A case's priority: the category's base level, raised by a negative message and by the
playbook's priority keywords (legal threats, health and safety...). Data in, data out."""

from __future__ import annotations

import re
from functools import lru_cache

from bot.domain import Sentiment, Verdict
from bot.playbooks.model import CasePolicy
from bot.text.normalise import match_key, normalise

LEVELS = ("low", "normal", "high", "urgent")


def case_priority(policy: CasePolicy, verdict: Verdict, text: str) -> tuple[str, list[str]]:
    """``(priority, why)`` of a case opened for ``text`` with ``verdict``."""
    level: str = policy.priority
    why = [f"{verdict.category}: {policy.priority}"]
    if policy.negative_raises and verdict.sentiment == Sentiment.NEGATIVE:
        raised = LEVELS[min(LEVELS.index(level) + 1, len(LEVELS) - 1)]
        if raised != level:
            level = raised
            why.append(f"negative: {raised}")
    folded = f" {normalise(text).folded} "
    for target, per_language in policy.keywords.items():
        words = [w for ws in per_language.values() for w in ws]
        hit = next((w for w in words if _pattern(w).search(folded)), None)
        if hit is not None and LEVELS.index(target) > LEVELS.index(level):
            level = target
            why.append(f"keyword {hit!r}: {target}")
    return level, why


@lru_cache(maxsize=4096)
def _pattern(word: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w){re.escape(match_key(word))}(?!\w)")
