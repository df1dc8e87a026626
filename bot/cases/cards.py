"""The case card in the staff chat: HTML (every piece of customer text escaped) and its
signed buttons. Button codes (args: the case id):

``cs`` send the draft · ``ce`` edit · ``cx`` reject · ``cr`` reclassify (``cc`` + a category)
· ``ca`` claim · ``cv`` resolve · ``cp`` mark spam · ``ct`` take over · ``ch`` hand back.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bot.storage.case_rows import CaseRow
from bot.telegram.effects import escape_html, message_link

Button = Callable[..., dict[str, str]]  # Context.button(label, code, *args)
SEND, EDIT, REJECT, RECLASSIFY, RECLASS_TO = "cs", "ce", "cx", "cr", "cc"
CLAIM, RESOLVE, SPAM, TAKE_OVER, HAND_BACK = "ca", "cv", "cp", "ct", "ch"
BADGES = {"urgent": "🟥", "high": "🟧", "normal": "🟨", "low": "⬜"}


def card_text(case: CaseRow, headline: str | None = None) -> str:
    d = case.details
    who = escape_html(str(d.get("first_name") or "someone"))
    if d.get("username"):
        who += f" @{escape_html(str(d['username']))}"
    where = "private chat" if d.get("origin") == "dm" else str(d.get("chat_title") or "a group")
    where_html = escape_html(where)
    link = message_link(case.platform_chat_id, case.platform_message_id)
    if link and d.get("origin") != "dm":
        where_html = f'<a href="{escape_html(link)}">{where_html}</a>'
    badge = BADGES.get(case.priority, "⬜")
    lines = []
    if headline:
        lines.append(f"<b>{escape_html(headline)}</b>")
    lines += [
        f"{badge} <b>Case #{case.id}</b> · {escape_html((case.category or '?').capitalize())} · "
        f"{escape_html(case.priority)} · {escape_html(case.language or '?')} · "
        f"{escape_html(str(d.get('sentiment', '?')))} · {float(d.get('confidence', 0)):.2f}",
        f"From {who} (id {escape_html(case.platform_user_id or '?')}) in {where_html}",
        f"<blockquote>{escape_html((d.get('last_text') or case.text or '')[:1200])}</blockquote>",
        f"Why: {escape_html(str(d.get('why') or 'no strong signal'))}",
    ]
    known = {
        k: v for k, v in (d.get("variables") or {}).items() if k in ("order_number", "product")
    }
    if known:
        lines.append("Details: " + escape_html(", ".join(f"{k} {v}" for k, v in known.items())))
    status = f"Status: {case.status}"
    if case.assignee:
        status += f" · assigned to {case.assignee}"
    if case.taken_over:
        status += " · taken over (the bot is silent)"
    lines.append(escape_html(status))
    due = _due(case)
    if due:
        lines.append(escape_html(due))
    if d.get("sent_reply"):
        lines.append(f"Sent: <i>{escape_html(str(d['sent_reply'])[:600])}</i>")
    if case.draft:
        note = " (template fell back to the default language)" if d.get("draft_fallback") else ""
        lines.append(f"Draft{escape_html(note)}: <i>{escape_html(case.draft[:1200])}</i>")
    lines.append("Reply to this card to answer the customer through the bot.")
    return "\n".join(lines)


def card_buttons(case: CaseRow, button: Button) -> list[list[dict[str, str]]]:
    rows: list[list[dict[str, str]]] = []
    if case.draft:
        rows.append(
            [
                button("✅ Send", SEND, case.id),
                button("✏️ Edit", EDIT, case.id),
                button("✖️ Reject", REJECT, case.id),
            ]
        )
    rows.append(
        [
            button("🏷 Reclassify", RECLASSIFY, case.id),
            button("🙋 Claim", CLAIM, case.id),
            button("✔️ Resolve", RESOLVE, case.id),
        ]
    )
    if case.taken_over:
        hand = button("↩️ Hand back", HAND_BACK, case.id)
    else:
        hand = button("🤝 Take over", TAKE_OVER, case.id)
    rows.append([button("🚫 Spam", SPAM, case.id), hand])
    return rows


def summary_line(case: CaseRow) -> str:
    """One line of ``/cases``: number, priority, category, status, assignee, the text's start."""
    text = (case.details.get("last_text") or case.text or "").replace("\n", " ")
    who = f" · {case.assignee}" if case.assignee else ""
    return (
        f"#{case.id} {BADGES.get(case.priority, '⬜')} {escape_html(case.category or '?')} · "
        f"{escape_html(case.status)}{escape_html(who)} — {escape_html(text[:80])}"
    )


def _due(case: CaseRow) -> str:
    parts = []
    if case.first_response_at is None and case.first_response_due_at is not None:
        parts.append(f"first response due {_hm(case.first_response_due_at)}")
    if case.resolved_at is None and case.resolution_due_at is not None:
        parts.append(f"resolution due {_hm(case.resolution_due_at)}")
    return "SLA: " + ", ".join(parts) if parts else ""


def _hm(when: datetime) -> str:
    return when.strftime("%Y-%m-%d %H:%M UTC")
