"""The moderation policy of the playbooks' spam category (defaults when there is none)."""

from __future__ import annotations

from bot.playbooks import PlaybookSet
from bot.playbooks.model import ModerationPolicy


def moderation_policy(playbooks: PlaybookSet) -> ModerationPolicy:
    spam = playbooks.categories.get("spam")
    if spam is None or spam.spam is None:
        return ModerationPolicy()
    return spam.spam.moderation
