"""Neutral domain types shared by every part of cmbot.

Adapters (Telegram, HTTP, the terminal) translate what they receive into an
:class:`InboundMessage`; the core answers with a :class:`Verdict` and a :class:`Draft`.
Nothing here knows about any chat framework.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any


class Category(StrEnum):
    """The built-in categories. Playbooks may add their own (plain strings)."""

    COMPLAINT = "complaint"
    QUESTION = "question"
    SPAM = "spam"
    LEAD = "lead"
    PRAISE = "praise"
    OTHER = "other"


BUILTIN_CATEGORIES: tuple[str, ...] = tuple(c.value for c in Category)


class Sentiment(StrEnum):
    NEGATIVE = "negative"
    NEUTRAL = "neutral"
    POSITIVE = "positive"


class MessageKind(StrEnum):
    """Where a message was written."""

    COMMENT = "comment"  # a public comment (group, channel discussion thread)
    DM = "dm"  # a private message to the bot or the business account


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class InboundMessage:
    """One message from a customer, in a framework-neutral form."""

    text: str
    kind: MessageKind = MessageKind.COMMENT
    platform: str = "cli"
    chat_id: str | None = None
    chat_title: str | None = None
    message_id: str | None = None
    thread_id: str | None = None
    user_id: str | None = None
    username: str | None = None
    first_name: str | None = None
    lang_hint: str | None = None  # e.g. Telegram's User.language_code
    received_at: datetime = field(default_factory=utcnow)
    is_new_member: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CheckHit:
    """A named check that fired, with the evidence it saw.

    ``category`` is the category the check speaks for (``None`` for neutral facts such as
    the language); ``score`` is its contribution in 0..1.
    """

    name: str
    category: str | None
    score: float
    details: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "category": self.category,
            "score": round(self.score, 4),
            "details": self.details,
        }


@dataclass(frozen=True)
class Verdict:
    """The triage outcome for one message: data only, no side effects."""

    category: str
    labels: tuple[str, ...]
    language: str
    sentiment: Sentiment
    confidence: float
    checks: tuple[CheckHit, ...]
    scores: dict[str, float] = field(default_factory=dict)
    variables: dict[str, str] = field(default_factory=dict)
    faq_id: str | None = None

    def why(self, limit: int = 3) -> str:
        """A short human explanation: the strongest checks for the primary category."""
        own = [c for c in self.checks if c.category == self.category]
        own.sort(key=lambda c: c.score, reverse=True)
        parts = []
        for hit in own[:limit]:
            shown = hit.details.get("matched") or hit.details.get("reason") or ""
            if isinstance(shown, list):
                shown = ", ".join(str(s) for s in shown[:3])
            parts.append(f"{hit.name}({shown})" if shown else hit.name)
        return "; ".join(parts) if parts else "no strong signal"

    def as_dict(self) -> dict[str, Any]:
        return {
            "category": self.category,
            "labels": list(self.labels),
            "language": self.language,
            "sentiment": self.sentiment.value,
            "confidence": round(self.confidence, 4),
            "checks": [c.as_dict() for c in self.checks],
            "scores": {k: round(v, 4) for k, v in self.scores.items()},
            "variables": dict(self.variables),
            "faq_id": self.faq_id,
        }


@dataclass(frozen=True)
class Draft:
    """A reply drafted from a playbook template."""

    text: str
    reply_id: str
    language: str
    fallback_language: bool = False  # the template had no text in the customer's language
    faq_id: str | None = None
