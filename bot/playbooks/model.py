"""The playbook format (version 1), as pydantic models.

A playbook folder holds one concern per YAML file, each with ``version: 1`` and a ``kind``:

* ``kind: settings`` (exactly one): the brand, its languages, the default language, static
  template variables and the products the bot should recognise.
* ``kind: category`` (one per category): keywords and examples per language, regular
  expressions, priority, sentiment hint, reply templates per language, an FAQ for questions
  and the spam signal families for spam.
* ``kind: sentiment`` (at most one): positive and negative words, negations and intensifiers
  per language.

These models are the structural pass; :mod:`bot.playbooks.validate` does the cross-file pass.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from bot.domain import Sentiment

Identifier = Annotated[
    str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,63}$", strip_whitespace=True)
]
LanguageCode = Annotated[str, StringConstraints(pattern=r"^[a-z]{2}$")]
NonEmpty = Annotated[str, StringConstraints(min_length=1)]
Weight = Annotated[float, Field(ge=0.0, le=1.0)]
PerLanguage = dict[LanguageCode, list[NonEmpty]]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Product(Strict):
    name: NonEmpty
    aliases: list[NonEmpty] = []


class Settings(Strict):
    version: Literal[1]
    kind: Literal["settings"]
    brand: NonEmpty
    languages: list[LanguageCode] = Field(min_length=1)
    default_language: LanguageCode
    variables: dict[Identifier, str] = {}
    products: list[Product] = []


class PatternRule(Strict):
    id: Identifier
    regex: NonEmpty
    weight: Weight = 0.6
    # Name of the template variable filled with the first capture group (or the named
    # group of the same name) when the pattern matches, e.g. ``order_number``.
    extract: Identifier | None = None
    # Only match messages in these languages (all when omitted).
    languages: list[LanguageCode] | None = None
    # Case-insensitive by default; patterns run on the raw (NFKC) text, not the folded one,
    # so that order numbers and links keep their shape.
    case_sensitive: bool = False


class FaqEntry(Strict):
    id: Identifier
    examples: PerLanguage = Field(min_length=1)
    keywords: PerLanguage = {}
    answer: dict[LanguageCode, NonEmpty] = Field(min_length=1)


class SpamSignal(Strict):
    """One spam family. ``weight`` is its evidence when it fires; a message is spam when
    the summed evidence reaches the category threshold and at least ``min_signals`` fired."""

    enabled: bool = True
    weight: Weight = 0.3
    phrases: PerLanguage = {}
    domains: list[NonEmpty] = []
    limit: float | None = None  # family-specific threshold (ratio, count, similarity)


ModerationAction = Literal["delete", "warn", "mute", "ban"]


class ModerationStep(Strict):
    """What to do from the ``strikes``-th spam message of a user in a chat (within the window)."""

    strikes: int = Field(ge=1, le=100)
    actions: list[ModerationAction] = Field(min_length=1)
    # For ``mute``: how long (minutes); 0 mutes for good.
    mute_minutes: int = Field(default=60, ge=0)


DEFAULT_WARNING: dict[str, str] = {
    "en": "{first_name}, your message was removed: advertising and spam are not allowed here.",
    "fr": "{first_name}, votre message a été retiré : la publicité et le spam ne sont pas "
    "autorisés ici.",
    "ru": "{first_name}, ваше сообщение удалено: реклама и спам здесь запрещены.",
}


def _default_steps() -> list[ModerationStep]:
    return [
        ModerationStep(strikes=1, actions=["delete", "warn"]),
        ModerationStep(strikes=3, actions=["delete", "ban"]),
    ]


class ModerationPolicy(Strict):
    """Thresholds for spam: the step with the most ``strikes`` reached applies.

    Defaults: 1st spam in ``window_hours``: delete + warn; 3rd: delete + ban. ``soft_ban``
    turns every ban into a mute for good (restricted, not removed).
    """

    window_hours: float = Field(default=24.0, gt=0)
    steps: list[ModerationStep] = Field(default_factory=_default_steps, min_length=1)
    soft_ban: bool = False
    # Also remove the banned user's other messages from the chat.
    revoke_messages: bool = False
    # Warnings per language ({first_name}, {username}, {brand}); others use English.
    warning: dict[LanguageCode, NonEmpty] = Field(default_factory=lambda: dict(DEFAULT_WARNING))
    notify_staff: bool = True


class SpamSettings(Strict):
    min_signals: int = Field(default=2, ge=1, le=10)
    signals: dict[Identifier, SpamSignal] = {}
    moderation: ModerationPolicy = Field(default_factory=ModerationPolicy)


CasePriority = Literal["low", "normal", "high", "urgent"]
AutoSend = Literal["auto", "approve", "never"]


class CasePolicy(Strict):
    """How a category's messages are worked as cases (see :mod:`bot.cases`).

    ``send`` is the auto-send policy: ``auto`` (the bot sends its draft alone), ``approve``
    (a human approves the draft first) or ``never`` (no reply: escalate only); when omitted the
    built-in defaults of :mod:`bot.decide` apply. ``keywords`` raise a case's priority to at
    least the level they are listed under (legal threats, health and safety...).
    """

    open: bool = False  # open a case for every message of the category (escalations always do)
    send: AutoSend | None = None
    priority: CasePriority = "normal"
    keywords: dict[CasePriority, PerLanguage] = {}
    # A negative message is raised one level (normal -> high).
    negative_raises: bool = True
    # SLA timers: the first response and the resolution.
    first_response_minutes: float = Field(default=60.0, gt=0)
    resolution_hours: float = Field(default=48.0, gt=0)
    # Replies (ids from ``replies``) for the resolution ladder: the remedy drafted for the
    # agent once the customer gave the details, the CSAT question, the thanks after a score,
    # and the invitation to update the public comment after a good score.
    remedy_reply: Identifier | None = None
    csat_reply: Identifier | None = None
    csat_thanks_reply: Identifier | None = None
    review_invite_reply: Identifier | None = None


CASE_REPLY_KEYS = ("remedy_reply", "csat_reply", "csat_thanks_reply", "review_invite_reply")


class CategoryPlaybook(Strict):
    version: Literal[1]
    kind: Literal["category"]
    category: Identifier
    description: str = ""
    # Among the labels that apply, the highest priority becomes the primary category.
    priority: int = Field(ge=0, le=1000)
    # Score (0..1) at which the label applies.
    threshold: Weight = 0.5
    sentiment_hint: Sentiment | None = None
    keyword_weight: Weight = 0.55
    keywords: PerLanguage = {}
    patterns: list[PatternRule] = []
    examples: PerLanguage = {}
    replies: dict[Identifier, dict[LanguageCode, list[NonEmpty]]] = {}
    # The reply drafted for this category (an id from ``replies``); none: escalate only.
    reply: Identifier | None = None
    # The reply drafted instead in a private chat (DM); none: ``reply`` everywhere.
    dm_reply: Identifier | None = None
    faq: list[FaqEntry] = []
    faq_reply: Identifier | None = None
    spam: SpamSettings | None = None
    case: CasePolicy | None = None


class SentimentLexicon(Strict):
    positive: list[NonEmpty] = []
    negative: list[NonEmpty] = []
    negations: list[NonEmpty] = []
    intensifiers: list[NonEmpty] = []


class SentimentPlaybook(Strict):
    version: Literal[1]
    kind: Literal["sentiment"]
    languages: dict[LanguageCode, SentimentLexicon]
    # A negation flips the polarity of a word found within this many following tokens.
    negation_window: int = Field(default=3, ge=0, le=10)


PlaybookDocument = Settings | CategoryPlaybook | SentimentPlaybook
KINDS: dict[str, type[Strict]] = {
    "settings": Settings,
    "category": CategoryPlaybook,
    "sentiment": SentimentPlaybook,
}
