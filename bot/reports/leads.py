"""Leads from triaged messages: the lead row, UTM-tagged shop links in the reply, the consent
text with Telegram's contact button in private, and the staff card with status buttons."""

from __future__ import annotations

import dataclasses
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from bot.config import ReportsConfig
from bot.domain import MessageKind
from bot.reports import texts
from bot.storage.store_reports import LeadRow, NewLead
from bot.telegram.effects import Effect, escape_html, message_link, send_keyboard
from bot.telegram.reactions import Planned
from bot.telegram.routing import Context, Reaction, Triaged

STATUS_CODES = {"c": "contacted", "q": "qualified", "w": "won", "l": "lost", "n": "new"}
STATUS_LABELS = {
    "contacted": "📞 Contacted",
    "qualified": "⭐ Qualified",
    "won": "🏆 Won",
    "lost": "✖️ Lost",
}
LEAD_BUTTON = "ls"  # callback code: lead id, status code


def utm_url(url: str, config: ReportsConfig, content: str | None = None) -> str:
    """``url`` with the configured UTM parameters (existing ones are kept)."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    utm = config.utm
    for key, value in (
        ("utm_source", utm.source),
        ("utm_medium", utm.medium),
        ("utm_campaign", utm.campaign),
        ("utm_content", content),
    ):
        if value and key not in query:
            query[key] = value
    return urlunsplit(parts._replace(query=urlencode(query)))


def tag_links(text: str, base: str, config: ReportsConfig, content: str | None) -> str:
    """Every link in ``text`` that starts with ``base``, UTM-tagged."""
    if not base:
        return text
    pattern = re.compile(re.escape(base) + r"[^\s<>\"'()]*")

    def tagged(match: re.Match[str]) -> str:
        link = match.group(0)
        url = link.rstrip(".,;:!?")  # the end of the sentence is not part of the link
        return utm_url(url, config, content) + link[len(url) :]

    return pattern.sub(tagged, text)


def shop_base(ctx: Context) -> str:
    return ctx.config.reports.shop_url or ctx.playbooks.settings.variables.get("shop_url", "")


def with_tagged_reply(
    planned: Planned, base: str, config: ReportsConfig, content: str | None
) -> Planned:
    effect = planned.effect
    if effect.method != "sendMessage" or effect.kind != "reply" or base not in effect.text:
        return planned
    text = tag_links(effect.text, base, config, content)
    params = {**effect.params, "text": text}
    return dataclasses.replace(
        planned, effect=dataclasses.replace(effect, params=params, text=text)
    )


async def lead_from_outcome(ctx: Context, triaged: Triaged) -> Reaction | None:
    """A triaged lead: store it once, tag the reply's shop links, ask for contact details in
    private, and tell staff (with status buttons)."""
    outcome = triaged.outcome
    message, verdict = outcome.message, outcome.verdict
    if verdict.category != "lead" or not message.chat_id or not message.message_id:
        return None
    config = ctx.config.reports
    private = message.kind == MessageKind.DM
    business = bool(message.extra.get("business_connection_id"))
    source = "business" if business else ("dm" if private else "comment")
    content = None if private else f"post-{message.thread_id}" if message.thread_id else "chat"
    lead_id, created = await ctx.store.record_lead(
        NewLead(
            platform=message.platform,
            chat_id=message.chat_id,
            message_id=message.message_id,
            source=source,
            user_id=message.user_id,
            username=message.username,
            first_name=message.first_name,
            thread_id=None if private else message.thread_id,
            chat_title=None if private else message.chat_title,
            language=verdict.language,
            product=verdict.variables.get("product"),
            campaign=config.utm.campaign or None,
            created_at=message.received_at,
        )
    )
    base = shop_base(ctx)
    triaged.planned = [with_tagged_reply(p, base, config, content) for p in triaged.planned]
    reaction = Reaction()
    if not created and triaged.parsed.edited:
        return reaction  # an edit of a message that already made a lead: nothing new
    # Not ``created`` otherwise means processed again after a crash: the effects planned the
    # first time were never saved, so they are planned again.
    reaction.event("lead", lead_id=lead_id, source=source, language=verdict.language)
    buttons = status_buttons(ctx, lead_id)
    card = next((p for p in triaged.planned if p.effect.kind == "staff_card"), None)
    if card is not None:
        triaged.planned[triaged.planned.index(card)] = _with_buttons(card, buttons, lead_id)
    else:
        notice = ctx.to_staff(lead_notice(lead_id, message.chat_title, triaged), buttons)
        if notice is not None:
            reaction.add(notice)
    asks = private and not business and config.ask_contact and bool(message.user_id)
    asks = asks and not ctx.config.triage.shadow_mode  # shadow mode sends nothing to customers
    if asks and await ctx.store.may_ask_contact(message.platform, message.user_id or ""):
        reaction.add(contact_request(ctx, message.chat_id, message.user_id or "", verdict.language))
    return reaction


def contact_request(ctx: Context, chat_id: str, user_id: str, language: str | None) -> Effect:
    config = ctx.config.reports
    consent = config.consent_text.get(language or "") or texts.pick(texts.CONSENT, language)
    consent = consent.replace("{brand}", ctx.playbooks.settings.brand)
    button = {"text": texts.pick(texts.SHARE_BUTTON, language), "request_contact": True}
    return send_keyboard(chat_id, consent, [[button]], kind="consent", user_id=user_id)


def status_buttons(ctx: Context, lead_id: int) -> list[list[dict[str, str]]]:
    row = [
        ctx.button(label, LEAD_BUTTON, lead_id, code)
        for code, status in STATUS_CODES.items()
        if (label := STATUS_LABELS.get(status))
    ]
    return [row[:2], row[2:]]


def _with_buttons(card: Planned, buttons: list[list[dict[str, str]]], lead_id: int) -> Planned:
    effect = card.effect
    markup = dict(effect.params.get("reply_markup") or {})
    markup["inline_keyboard"] = [*markup.get("inline_keyboard", []), *buttons]
    text = f"{effect.params.get('text', '')}\n💰 Lead #{lead_id}"
    params = {**effect.params, "reply_markup": markup, "text": text}
    return dataclasses.replace(card, effect=dataclasses.replace(effect, params=params, text=text))


def lead_notice(lead_id: int, chat_title: str | None, triaged: Triaged) -> str:
    message, verdict = triaged.outcome.message, triaged.outcome.verdict
    where = "private chat" if message.kind == MessageKind.DM else chat_title or message.chat_id
    link = message_link(message.chat_id, message.message_id)
    where_html = escape_html(where or "?")
    if link:
        where_html = f'<a href="{escape_html(link)}">{where_html}</a>'
    product = verdict.variables.get("product")
    lines = [
        f"💰 <b>Lead #{lead_id}</b> · {escape_html(verdict.language)}"
        + (f" · {escape_html(product)}" if product else ""),
        f"In {where_html}",
        f"<blockquote>{escape_html(message.text[:600])}</blockquote>",
    ]
    return "\n".join(lines)


def lead_card(lead: LeadRow) -> str:
    """The staff view of one lead (HTML, escaped)."""
    who = "erased on request" if lead.erased else lead.first_name or lead.username or "someone"
    lines = [
        f"💰 <b>Lead #{lead.id}</b> · <b>{lead.status}</b> · {escape_html(lead.source)}",
        f"From {escape_html(who)}"
        + (f" @{escape_html(lead.username)}" if lead.username else "")
        + (f" in {escape_html(lead.chat_title)}" if lead.chat_title else ""),
        f"Language {escape_html(lead.language or '?')} · product "
        f"{escape_html(lead.product or 'unspecified')}",
    ]
    if lead.phone:
        name = f" ({escape_html(lead.contact_name)})" if lead.contact_name else ""
        consent = lead.consent_at.strftime("%Y-%m-%d %H:%M UTC") if lead.consent_at else "?"
        lines.append(f"📱 {escape_html(lead.phone)}{name}, consent given {consent}")
    return "\n".join(lines)
