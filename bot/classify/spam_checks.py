"""Spam signal families: each a named check with details, configured in the spam playbook.

A family fires on its own evidence and contributes its playbook ``weight``; the classifier
adds the weights and asks for at least ``min_signals`` families before calling a message
spam, so one weak signal never removes a message.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from bot.classify.phrase_index import PhraseHit
from bot.classify.spam_memory import SpamMemory
from bot.domain import CheckHit, InboundMessage
from bot.playbooks.model import SpamSettings, SpamSignal
from bot.text.normalise import Normalised

URL_RE = re.compile(
    r"(?i)\b(?:https?://|www\.)[^\s<>\"']+|\b[a-z0-9][a-z0-9-]{0,62}\.(?:[a-z]{2,24})/[^\s<>\"']*"
    r"|\b(?:t\.me|wa\.me|bit\.ly|tinyurl\.com)/?[^\s<>\"']*"
)
MENTION_RE = re.compile(r"(?<![\w@])@[A-Za-z][A-Za-z0-9_]{3,31}\b")
PHONE_RE = re.compile(r"(?<!\w)\+?\d(?:[\s().-]?\d){8,14}(?!\w)")
_DIGIT_RE = re.compile(r"\d")  # every phone number has one: a cheap pre-check


@dataclass(frozen=True)
class SpamContext:
    message: InboundMessage
    norm: Normalised
    hits: Sequence[PhraseHit]
    urls: tuple[str, ...]
    memory: SpamMemory | None
    known_spam_similarity: float
    spam_phrases: dict[str, set[str]] = field(init=False)

    def __post_init__(self) -> None:
        # The spam phrases found, by family: read by several families, gathered once.
        phrases: dict[str, set[str]] = {}
        for hit in self.hits:
            if hit.tag.group == "spam":
                phrases.setdefault(hit.tag.owner, set()).add(hit.tag.phrase)
        object.__setattr__(self, "spam_phrases", phrases)


def find_urls(text: str) -> tuple[str, ...]:
    if "." not in text and ":" not in text:  # every URL_RE branch needs one of them
        return ()
    # URL_RE has no capturing group: findall gives the whole matches.
    return tuple([url.rstrip(".,;:!?)") for url in URL_RE.findall(text)])


def _host(url: str) -> str:
    if "://" not in url:
        url = "http://" + url
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.")


Family = Callable[[SpamContext, SpamSignal], dict[str, object] | None]


def _phrases(family: str) -> Family:
    def check(ctx: SpamContext, _signal: SpamSignal) -> dict[str, object] | None:
        phrases = ctx.spam_phrases.get(family)
        return {"matched": sorted(phrases)} if phrases else None

    return check


def _links(ctx: SpamContext, _signal: SpamSignal) -> dict[str, object] | None:
    return {"matched": list(ctx.urls[:5]), "count": len(ctx.urls)} if ctx.urls else None


def _shorteners(ctx: SpamContext, signal: SpamSignal) -> dict[str, object] | None:
    if not ctx.urls:
        return None
    domains = {d.lower() for d in signal.domains}
    found = sorted({_host(u) for u in ctx.urls} & domains)
    return {"matched": found} if found else None


def _mentions(ctx: SpamContext, _signal: SpamSignal) -> dict[str, object] | None:
    if "@" not in ctx.norm.clean:
        return None
    found = MENTION_RE.findall(ctx.norm.clean)
    return {"matched": found[:5], "count": len(found)} if found else None


def _phones(ctx: SpamContext, _signal: SpamSignal) -> dict[str, object] | None:
    if _DIGIT_RE.search(ctx.norm.clean) is None:
        return None
    found = [m for m in PHONE_RE.findall(ctx.norm.clean) if sum(c.isdigit() for c in m) >= 9]
    return {"matched": found[:3]} if found else None


_MESSENGER_HOSTS = frozenset({"t.me", "wa.me", "telegram.me", "api.whatsapp.com"})
_MESSENGER_PHRASES = _phrases("messenger_handles")


def _messenger(ctx: SpamContext, signal: SpamSignal) -> dict[str, object] | None:
    hosts = {_host(u) for u in ctx.urls} & _MESSENGER_HOSTS if ctx.urls else set()
    phrases = _MESSENGER_PHRASES(ctx, signal)
    matched = sorted(hosts) + (list(phrases["matched"]) if phrases else [])  # type: ignore[call-overload]
    return {"matched": matched} if matched else None


def _emoji_density(ctx: SpamContext, signal: SpamSignal) -> dict[str, object] | None:
    s = ctx.norm.stats
    visible = s.letters + s.emoji
    if s.emoji < 4 or visible == 0:
        return None
    ratio = s.emoji / visible
    return {"ratio": round(ratio, 3), "emoji": s.emoji} if ratio >= (signal.limit or 0.3) else None


def _caps(ctx: SpamContext, signal: SpamSignal) -> dict[str, object] | None:
    s = ctx.norm.stats
    if s.letters < 15 or s.uppercase_ratio < (signal.limit or 0.7):
        return None
    return {"ratio": round(s.uppercase_ratio, 3)}


def _repeated(ctx: SpamContext, signal: SpamSignal) -> dict[str, object] | None:
    run = ctx.norm.stats.max_char_run
    return {"run": run} if run >= int(signal.limit or 6) else None


def _lookalikes(ctx: SpamContext, _signal: SpamSignal) -> dict[str, object] | None:
    s = ctx.norm.stats
    if s.mixed_script_words == 0 and s.confusables_replaced < 2:
        return None
    return {"mixed_script_words": s.mixed_script_words, "confusables": s.confusables_replaced}


def _known_spam(ctx: SpamContext, signal: SpamSignal) -> dict[str, object] | None:
    sim = ctx.known_spam_similarity
    return {"similarity": round(sim, 3)} if sim >= (signal.limit or 0.8) else None


def _duplicates(ctx: SpamContext, signal: SpamSignal) -> dict[str, object] | None:
    if ctx.memory is None:
        return None
    senders = ctx.memory.same_text_senders(ctx.message, ctx.norm)
    return {"senders": senders} if senders >= int(signal.limit or 3) else None


def _flood(ctx: SpamContext, signal: SpamSignal) -> dict[str, object] | None:
    if ctx.memory is None:
        return None
    rate = ctx.memory.recent_count(ctx.message)
    return {"messages_last_minute": rate} if rate >= int(signal.limit or 5) else None


def _new_member_link(ctx: SpamContext, _signal: SpamSignal) -> dict[str, object] | None:
    # The adapter sets is_new_member on a member's first messages after joining.
    if ctx.urls and ctx.message.is_new_member:
        return {"reason": "a new member's first message carries a link"}
    return None


FAMILIES: dict[str, Family] = {
    "links": _links,
    "shorteners": _shorteners,
    "mentions": _mentions,
    "phones": _phones,
    "messenger_handles": _messenger,
    "money_bait": _phrases("money_bait"),
    "private_bait": _phrases("private_bait"),
    "self_promotion": _phrases("self_promotion"),
    "fake_giveaway": _phrases("fake_giveaway"),
    "stop_phrases": _phrases("stop_phrases"),
    "emoji_density": _emoji_density,
    "caps": _caps,
    "repeated_chars": _repeated,
    "lookalikes": _lookalikes,
    "known_spam": _known_spam,
    "duplicates": _duplicates,
    "flood": _flood,
    "new_member_link": _new_member_link,
}


EnabledFamily = tuple[str, Family, SpamSignal]  # (check name, family, its settings)


def enabled_families(settings: SpamSettings) -> list[EnabledFamily]:
    """The families a message is checked for, in the playbook's order: worked out once per
    playbook rather than for every message."""
    return [
        (f"spam.{name}", FAMILIES[name], signal)
        for name, signal in settings.signals.items()
        if name in FAMILIES and signal.enabled
    ]


def spam_signals(
    ctx: SpamContext, settings: SpamSettings, families: Sequence[EnabledFamily] | None = None
) -> list[CheckHit]:
    """Every enabled family that fired, as ``spam.<family>`` checks (``families``:
    :func:`enabled_families` of ``settings``, when the caller kept them)."""
    fired = []
    for check, family, signal in enabled_families(settings) if families is None else families:
        details = family(ctx, signal)
        if details is not None:
            fired.append(CheckHit(check, "spam", signal.weight, details))
    return fired
