"""Lexicon sentiment with negation: negative, neutral or positive in every playbook language.

Words come from the sentiment playbook (phrase-index groups ``positive``/``negative``);
a negation (group ``negation``) ending within ``window`` tokens before a word flips it, so
"pas mal" and "not bad" read positive and "pas content" reads negative; an intensifier
right before a word counts it 1.5 times.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.classify.phrase_index import PhraseHit
from bot.domain import CheckHit, Sentiment

POSITIVE_EMOJI = frozenset("😀😃😄😁😊😍🥰😘🤩👍👏🙏❤💖💕💯🔥✨🎉🌟⭐👌☺🙂💗💜💙💚🤗")
NEGATIVE_EMOJI = frozenset("😡😠🤬👎😤😞😢😭💔🙄😒😩😫🤮🤢😖😣☹🙁😑")
# Either kind, to find them without looking at every character in Python.
_EMOJI_RE = re.compile(
    "[" + "".join(re.escape(c) for c in sorted(POSITIVE_EMOJI | NEGATIVE_EMOJI)) + "]"
)


def negated(hit: PhraseHit, negation_ends: Sequence[int], window: int) -> bool:
    """Whether a negation ends within ``window`` tokens before ``hit`` starts."""
    return any(hit.start_token - window <= end < hit.start_token for end in negation_ends)


def negation_ends(hits: Sequence[PhraseHit]) -> list[int]:
    return [h.start_token + h.length - 1 for h in hits if h.tag.group == "negation"]


def sentiment_of(
    text: str, hits: Sequence[PhraseHit], window: int
) -> tuple[Sentiment, float, CheckHit | None]:
    """The sentiment, a polarity in -1..1 and the check that explains it."""
    ends = negation_ends(hits)
    boosts = {h.start_token + h.length for h in hits if h.tag.group == "intensifier"}
    positive: list[str] = []
    negative: list[str] = []
    score = 0.0
    for hit in hits:
        if hit.tag.group not in ("positive", "negative"):
            continue
        sign = 1.0 if hit.tag.group == "positive" else -1.0
        flipped = negated(hit, ends, window)
        if flipped:
            sign = -sign * 0.7
        weight = 1.5 if hit.start_token in boosts else 1.0
        score += sign * weight
        label = f"not {hit.tag.phrase}" if flipped else hit.tag.phrase
        (positive if sign > 0 else negative).append(label)
    emoji = () if text.isascii() else _EMOJI_RE.findall(text[:2000])
    for char in emoji:
        if char in POSITIVE_EMOJI:
            score += 0.5
            positive.append(char)
        elif char in NEGATIVE_EMOJI:
            score -= 0.5
            negative.append(char)
    if not positive and not negative:
        return Sentiment.NEUTRAL, 0.0, None
    polarity = max(-1.0, min(1.0, score / 2.0))
    if polarity <= -0.2:
        sentiment = Sentiment.NEGATIVE
    elif polarity >= 0.2:
        sentiment = Sentiment.POSITIVE
    else:
        sentiment = Sentiment.NEUTRAL
    details = {"polarity": round(polarity, 3), "positive": positive[:6], "negative": negative[:6]}
    return sentiment, polarity, CheckHit("sentiment", None, abs(polarity), details)
