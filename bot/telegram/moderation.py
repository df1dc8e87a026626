"""Spam moderation from the spam playbook's thresholds: delete, warn, mute, ban.

Strikes are counted per user per chat over the policy's window (in the store). The step with
the most ``strikes`` reached applies (default: 1st spam: delete + warn; 3rd: delete + ban);
``soft_ban`` turns a ban into a mute for good. In dry run nothing is deleted, muted or banned:
the plan is logged and staff are told what would have been done. Complaints, private chats,
protected senders (the channel, anonymous admins, staff) and allow-listed users are never
moderated.
"""

from __future__ import annotations

import logging
import string
from dataclasses import dataclass, field

from bot.config import ModerationConfig
from bot.domain import InboundMessage, MessageKind, Verdict
from bot.playbooks.model import ModerationPolicy, ModerationStep
from bot.telegram.effects import Effect, ban, delete_message, escape_html, mute, send_text

log = logging.getLogger("cmbot.moderation")


@dataclass(frozen=True)
class ModerationPlan:
    strikes: int  # this user's strikes in this chat within the window, this one included
    actions: tuple[str, ...]  # what is (or in dry run: would be) done
    effects: list[Effect] = field(default_factory=list)  # empty in dry run
    dry_run: bool = False

    @property
    def label(self) -> str:
        return "+".join(self.actions) or "none"


class Moderator:
    def __init__(self, policy: ModerationPolicy, config: ModerationConfig, brand: str = "") -> None:
        self.policy = policy
        self.config = config
        self.brand = brand

    @property
    def window_seconds(self) -> float:
        return self.policy.window_hours * 3600.0

    def skip_reason(self, message: InboundMessage, verdict: Verdict, protected: bool) -> str | None:
        """Why this spam message must not be moderated, or ``None``."""
        if "complaint" in verdict.labels or verdict.category == "complaint":
            return "complaints are never deleted"
        if message.kind == MessageKind.DM:
            return "private chat"
        if protected:
            return "protected sender (channel, anonymous admin or staff)"
        if message.user_id is None or message.chat_id is None:
            return "no sender"
        if self.allowed(message.chat_id, message.user_id):
            return "allow-listed in this chat"
        return None

    def allowed(self, chat_id: str, user_id: str) -> bool:
        lists = self.config.allow_list
        users = [*lists.get(str(chat_id), []), *lists.get("*", [])]
        return any(str(u) == str(user_id) for u in users)

    def step(self, strikes: int) -> ModerationStep | None:
        reached = [s for s in self.policy.steps if s.strikes <= strikes]
        return max(reached, key=lambda s: s.strikes) if reached else None

    def plan(
        self, message: InboundMessage, verdict: Verdict, strikes: int, now: float
    ) -> ModerationPlan:
        """What to do about spam ``message`` at its ``strikes``-th strike (``now``: Unix time)."""
        assert message.chat_id is not None and message.user_id is not None
        step = self.step(strikes)
        if step is None:
            return ModerationPlan(strikes, (), dry_run=self.config.dry_run)
        actions = [a for a in step.actions]
        if self.policy.soft_ban and "ban" in actions:
            actions = ["mute" if a == "ban" else a for a in actions]
        effects: list[Effect] = []
        chat, user = message.chat_id, message.user_id
        for action in dict.fromkeys(actions):
            if action == "delete" and message.message_id is not None:
                effects.append(delete_message(chat, message.message_id))
            elif action == "warn":
                effects.append(self._warning(message, verdict))
            elif action == "mute":
                forever = step.mute_minutes == 0 or "ban" in step.actions
                until = None if forever else int(now + step.mute_minutes * 60)
                effects.append(mute(chat, user, until))
            elif action == "ban":
                effects.append(ban(chat, user, revoke_messages=self.policy.revoke_messages))
        plan = ModerationPlan(strikes, tuple(dict.fromkeys(actions)), effects, self.config.dry_run)
        if plan.dry_run:
            log.info(
                "dry run: would %s (strike %d) in chat %s for user %s",
                plan.label,
                strikes,
                chat,
                user,
            )
            return ModerationPlan(strikes, plan.actions, [], True)
        return plan

    def _warning(self, message: InboundMessage, verdict: Verdict) -> Effect:
        texts = self.policy.warning
        template = texts.get(verdict.language) or texts.get("en") or next(iter(texts.values()))
        values = {
            "first_name": message.first_name or message.username or "",
            "username": f"@{message.username}" if message.username else "",
            "brand": self.brand,
        }
        text = string.Formatter().vformat(template, (), _Default(values)).strip(" ,")
        text = text[:1].upper() + text[1:]
        # The spam itself is deleted, so the warning goes in its thread: a channel post's
        # comments or a forum topic (``message_thread_id``), replying to a post's thread root.
        thread = message.thread_id if message.thread_id != message.message_id else None
        topic = bool(message.extra.get("is_topic_message"))
        return send_text(
            message.chat_id or "",
            text,
            kind="warn",
            reply_to=None if topic else thread,
            thread_id=thread,
        )

    def notice(self, message: InboundMessage, verdict: Verdict, plan: ModerationPlan) -> str:
        """The staff card (HTML, escaped) for a moderated message."""
        who = escape_html(_who(message))
        where = escape_html(message.chat_title or message.chat_id or "?")
        verb = "would" if plan.dry_run else "did"
        head = "🛡 <b>Spam</b>" + (" <i>(dry run)</i>" if plan.dry_run else "")
        return (
            f"{head} in {where} from {who}\n"
            f"Strike {plan.strikes} in {self.policy.window_hours:g} h: {verb} {plan.label}\n"
            f"Why: {escape_html(verdict.why())}\n"
            f"<blockquote>{escape_html(message.text[:600])}</blockquote>"
        )


class _Default(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return ""


def _who(message: InboundMessage) -> str:
    name = message.first_name or ""
    if message.username:
        name = f"{name} @{message.username}".strip()
    return f"{name} (id {message.user_id})" if name else f"id {message.user_id}"
