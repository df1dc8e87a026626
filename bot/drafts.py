"""Draft a reply from the playbook templates, in the customer's language.

The template comes from the verdict's category (its FAQ reply when an FAQ entry matched).
Among a reply's variants, those missing the fewest variables (then using the most) are
preferred, and one is
picked by a stable hash of the message, so public answers do not all read the same but a
re-run gives the same draft. A language without a template falls back to the playbooks'
default language and the draft says so.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from functools import lru_cache

from bot.domain import Draft, InboundMessage, MessageKind, Verdict
from bot.playbooks import PlaybookSet
from bot.playbooks.model import CategoryPlaybook
from bot.playbooks.validate import template_fields

MISSING = "\x00"


class _Blank(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return MISSING


def _tidy(text: str) -> str:
    """Drop the places of missing variables with their separator: "Bonjour {first_name},"
    reads "Bonjour,"; "{first_name}, merci" reads "Merci"."""
    if MISSING not in text:
        return text
    text = text.strip()
    leading = text.startswith(MISSING)
    text = re.sub(r"^\x00[,!]?\s*", "", text)
    text = re.sub(r"[ ,]*\x00", "", text).replace(MISSING, "")
    return text[:1].upper() + text[1:] if leading else text


@lru_cache(maxsize=4096)
def _fields(template: str) -> frozenset[str]:
    """The variables of a playbook template (parsed once: there are a few hundred)."""
    return frozenset(template_fields(template))


def _pick(variants: Sequence[str], known: Mapping[str, str], seed: str) -> str:
    """A variant missing the fewest variables and, among those, using the most known ones
    (the most specific answer), stable for a given seed."""
    ranks = []
    for variant in variants:
        fields = _fields(variant)
        ranks.append(
            (sum(1 for f in fields if not known.get(f)), -sum(1 for f in fields if known.get(f)))
        )
    best = min(ranks)
    pool = [v for v, rank in zip(variants, ranks, strict=True) if rank == best]
    index = int(hashlib.sha256(seed.encode("utf-8", "replace")).hexdigest(), 16) % len(pool)
    return pool[index]


def _fill(template: str, values: Mapping[str, str]) -> str:
    # ``str.format_map`` reads the fields the way ``string.Formatter`` does, in C (a tenth
    # of the time per draft); a missing variable is ``_Blank``'s marker either way.
    return _tidy(template.format_map(_Blank(values)).strip())


def template_variables(
    playbooks: PlaybookSet, message: InboundMessage, verdict: Verdict, extra: Mapping[str, str]
) -> dict[str, str]:
    values = {"brand": playbooks.settings.brand, **playbooks.settings.variables}
    values.update(verdict.variables)
    if message.first_name:
        values["first_name"] = message.first_name
    if message.username:
        values["username"] = message.username
    values["language"] = verdict.language
    values.update({k: v for k, v in extra.items() if v})
    return values


def _reply_for(pb: CategoryPlaybook, message: InboundMessage, faq_matched: bool) -> str | None:
    if faq_matched and pb.faq_reply:
        return pb.faq_reply
    if message.kind == MessageKind.DM and pb.dm_reply:
        return pb.dm_reply
    return pb.reply


def draft_reply(
    playbooks: PlaybookSet,
    message: InboundMessage,
    verdict: Verdict,
    *,
    extra: Mapping[str, str] | None = None,
    reply_id: str | None = None,
) -> Draft | None:
    """The drafted reply for ``verdict``, or ``None`` when its playbook says not to reply."""
    pb = playbooks.categories.get(verdict.category)
    if pb is None:
        return None
    faq = next((e for e in pb.faq if e.id == verdict.faq_id), None)
    if reply_id is None:
        reply_id = _reply_for(pb, message, faq is not None)
    if reply_id is None or reply_id not in pb.replies:
        return None
    variants = pb.replies[reply_id]
    language = verdict.language
    fallback = language not in variants
    if fallback:
        language = playbooks.default_language
    values = template_variables(playbooks, message, verdict, extra or {})
    if faq is not None:
        answer = faq.answer.get(language) or faq.answer[playbooks.default_language]
        values["answer"] = _fill(answer, values)
    seed = f"{reply_id}\0{message.chat_id}\0{message.message_id}\0{message.text}"
    text = _fill(_pick(variants[language], values, seed), values)
    return Draft(text, reply_id, language, fallback, faq.id if faq else None)
