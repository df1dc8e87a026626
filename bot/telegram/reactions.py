"""Triage outcomes → effects: the reply in the comment's thread (with the deep-link button when
the playbook's reply invites to private), drafts for approval, and staff cards."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.decide import Action
from bot.domain import InboundMessage, MessageKind
from bot.pipeline import Outcome
from bot.telegram.effects import (
    DEEP_LINK_MARK,
    Effect,
    callback_button,
    deep_link,
    escape_html,
    message_link,
    payload_for,
    send_text,
    staff_card,
    url_button,
)

PRIVATE_BUTTON = {
    "fr": "✉️ Écrire en privé",
    "en": "✉️ Message us privately",
    "ru": "✉️ Написать в личку",
    "de": "✉️ Privat schreiben",
    "es": "✉️ Escríbenos en privado",
}
BADGES = {"complaint": "🔴", "question": "❓", "lead": "💰", "praise": "💚", "spam": "🛡"}
APPROVE, REJECT = "a", "r"  # button codes (see bot.telegram.staff)


@dataclass(frozen=True)
class Planned:
    effect: Effect
    status: str = "queued"  # "drafted": waits for a staff approval


def reply_effect(message: InboundMessage, text: str, language: str, bot_username: str) -> Effect:
    """The reply to ``message``: in its thread, and with a button to the private chat when the
    text carries the ``{deep_link}`` mark (only public comments get the button)."""
    buttons = None
    if DEEP_LINK_MARK in text:
        url = deep_link(bot_username, payload_for(message.chat_id or "", message.message_id or ""))
        text = text.replace(DEEP_LINK_MARK, url if bot_username else "").strip()
        if message.kind == MessageKind.COMMENT and bot_username:
            label = PRIVATE_BUTTON.get(language, PRIVATE_BUTTON["en"])
            buttons = [[url_button(label, url)]]
    extra = message.extra
    thread = message.thread_id if extra.get("is_topic_message") else None
    return send_text(
        message.chat_id or "",
        text,
        reply_to=message.message_id,
        thread_id=thread,
        business_connection_id=extra.get("business_connection_id"),
        buttons=buttons,
        user_id=message.user_id if message.kind == MessageKind.DM else None,
    )


def plan_outcome(
    outcome: Outcome,
    *,
    bot_username: str,
    staff_chat_id: int | None,
    sign: Callable[..., str],
    repeat: bool = False,
) -> list[Planned]:
    """The effects of a (non-spam) outcome. ``sign(code, *args)`` makes button data;
    ``repeat``: an edit with an unchanged category (no second reply, no second card)."""
    decision, message = outcome.decision, outcome.message
    if repeat or (decision.action in (Action.MODERATE, Action.NONE) and not decision.escalate):
        return []
    planned: list[Planned] = []
    draft = decision.draft
    reply = None
    if draft is not None and decision.action in (Action.REPLY, Action.APPROVE):
        reply = reply_effect(message, draft.text, draft.language, bot_username)
        status = "queued" if decision.action == Action.REPLY else "drafted"
        planned.append(Planned(reply, status))
    if staff_chat_id is not None and (decision.escalate or decision.action == Action.APPROVE):
        buttons = None
        if decision.action == Action.APPROVE and reply is not None:
            ref = (message.chat_id or "", message.message_id or "")
            buttons = [
                [callback_button("✅ Send", sign(APPROVE, *ref))],
                [callback_button("✖️ Reject", sign(REJECT, *ref))],
            ]
        card = case_card(outcome, reply.text if reply else None)
        planned.append(Planned(staff_card(staff_chat_id, card, buttons)))
    return planned


def case_card(outcome: Outcome, reply_text: str | None) -> str:
    """A short staff card (HTML, every piece of user text escaped)."""
    message, verdict, decision = outcome.message, outcome.verdict, outcome.decision
    badge = BADGES.get(verdict.category, "⚪")
    who = message.first_name or ""
    if message.username:
        who = f"{who} @{message.username}".strip()
    where = message.chat_title or message.chat_id or "?"
    if message.kind == MessageKind.DM:
        where = "private chat"
    link = message_link(message.chat_id, message.message_id)
    where_html = escape_html(where)
    if link:
        where_html = f'<a href="{escape_html(link)}">{where_html}</a>'
    edited = " (edited)" if message.extra.get("edited") else ""
    lines = [
        f"{badge} <b>{escape_html(verdict.category.capitalize())}</b>{edited} · "
        f"{verdict.language} · {verdict.sentiment.value} · {verdict.confidence:.2f}",
        f"From {escape_html(who or 'someone')} (id {message.user_id}) in {where_html}",
        f"<blockquote>{escape_html(message.text[:1200])}</blockquote>",
        f"Why: {escape_html(verdict.why())}",
    ]
    if reply_text is not None:
        state = "sent" if decision.action == Action.REPLY else "draft, to approve"
        lines.append(f"Reply ({state}): <i>{escape_html(reply_text[:1200])}</i>")
    elif decision.escalate:
        lines.append("No reply drafted: a human answers.")
    return "\n".join(lines)
