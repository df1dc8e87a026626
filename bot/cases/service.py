"""Operations on cases that every handler shares: record a step, move a case through its
lifecycle, draft from the playbook, and the effects to the customer and to the staff chat."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any

from bot.cases.cards import card_buttons, card_text
from bot.cases.lifecycle import CLOSED, RESOLVED, check_move
from bot.domain import Draft, InboundMessage, MessageKind, Sentiment, Verdict
from bot.drafts import draft_reply
from bot.errors import CaseError
from bot.playbooks.model import CasePolicy
from bot.storage.case_rows import CaseRow
from bot.telegram.effects import Effect, edit_text, send_text
from bot.telegram.routing import Context
from bot.telegram.updates import PLATFORM

DEFAULT_POLICY = CasePolicy()


def policy_for(ctx: Context, category: str | None) -> CasePolicy:
    playbook = ctx.playbooks.categories.get(category or "")
    return playbook.case if playbook is not None and playbook.case is not None else DEFAULT_POLICY


def message_key(chat_id: str, message_id: str) -> str:
    return f"{PLATFORM}:{chat_id}:{message_id}"


async def load(ctx: Context, case_id: int | str) -> CaseRow:
    try:
        number = int(case_id)
    except (TypeError, ValueError):
        raise CaseError(f"{case_id!r} is not a case number; use the number shown as #N") from None
    case = await ctx.store.case(number)
    if case is None:
        raise CaseError(f"there is no case #{number}; /cases lists the open ones")
    return case


async def record(
    ctx: Context,
    case_id: int,
    kind: str,
    actor: str | None = None,
    key: str | None = None,
    **p: object,
) -> bool:
    return await ctx.store.add_case_event(case_id, kind, ctx.now_dt, actor=actor, key=key, **p)


async def move(
    ctx: Context, case: CaseRow, target: str, actor: str | None, **payload: object
) -> CaseRow:
    """``case`` moved to ``target`` (checked against the lifecycle), recorded; the same
    status is a no-op."""
    if case.status == target:
        return case
    check_move(case.id, case.status, target)
    now = ctx.now_dt
    stamps: dict[str, datetime | None] = {}
    if target == RESOLVED:
        stamps["resolved_at"] = now
    elif target == CLOSED:
        stamps["closed_at"] = now
    elif case.status == RESOLVED:
        stamps["resolved_at"] = None  # reopened
    await ctx.store.update_case(case.id, now, status=target, **stamps)
    changed: dict[str, Any] = {"from": case.status, "to": target, **payload}
    await ctx.store.add_case_event(case.id, "status", now, actor=actor, **changed)
    return dataclasses.replace(case, status=target, **stamps)  # type: ignore[arg-type]


async def responded(ctx: Context, case: CaseRow, actor: str, text: str) -> None:
    """A reply reached (or is on its way to) the customer: the first response timer stops."""
    changes: dict[str, object] = {"details": {"sent_reply": text[:1000]}}
    if case.first_response_at is None:
        changes["first_response_at"] = ctx.now_dt
    await ctx.store.update_case(case.id, ctx.now_dt, **changes)
    if case.first_response_at is None:
        await ctx.store.cancel_jobs(prefix=f"case:{case.id}:sla:first_response:")
        await record(ctx, case.id, "first_response", actor)


def ladder_reply(ctx: Context, case: CaseRow, key: str) -> tuple[str, str] | None:
    """``(category, reply id)`` of a step of the resolution ladder (``csat_reply``...): the
    case's category's own, else the complaint playbook's."""
    for category in (case.category, "complaint"):
        reply_id = getattr(policy_for(ctx, category), key)
        if reply_id is not None and category is not None:
            return category, reply_id
    return None


def ladder_draft(ctx: Context, case: CaseRow, key: str) -> Draft | None:
    found = ladder_reply(ctx, case, key)
    return None if found is None else draft_for(ctx, case, found[1], found[0])


def draft_for(
    ctx: Context, case: CaseRow, reply_id: str | None, category: str | None = None
) -> Draft | None:
    """The playbook reply ``reply_id`` of the case's category (or ``category``), filled for
    this customer."""
    category = category or case.category
    if reply_id is None or category is None:
        return None
    d = case.details
    message = InboundMessage(
        text=case.text or "",
        kind=MessageKind.DM,
        platform=PLATFORM,
        chat_id=case.private_chat_id or case.platform_chat_id,
        message_id=case.platform_message_id,
        first_name=d.get("first_name"),
    )
    language = case.language or ctx.playbooks.default_language
    variables = {str(k): str(v) for k, v in (d.get("variables") or {}).items()}
    verdict = Verdict(
        category, (category,), language, Sentiment.NEUTRAL, 1.0, (), variables=variables
    )
    return draft_reply(
        ctx.playbooks, message, verdict, reply_id=reply_id, extra={"case_id": f"#{case.id}"}
    )


def to_customer(case: CaseRow, text: str, kind: str = "case_reply", **kw: object) -> Effect:
    """A message to the customer: in their private chat when they opened one, else in reply to
    the message that opened the case."""
    if case.private_chat_id:
        chat = case.private_chat_id
        effect = send_text(chat, text, kind=kind, user_id=chat, **kw)  # type: ignore[arg-type]
    else:
        effect = send_text(
            case.platform_chat_id or "",
            text,
            kind=kind,
            reply_to=case.platform_message_id,
            **kw,  # type: ignore[arg-type]
        )
    return dataclasses.replace(effect, extra={"case_id": case.id})


def card(ctx: Context, case: CaseRow, headline: str | None = None) -> Effect | None:
    """The case card for the staff chat (its ``extra`` names the case, so replies find it)."""
    effect = ctx.to_staff(card_text(case, headline), card_buttons(case, ctx.button))
    return None if effect is None else dataclasses.replace(effect, extra={"case_id": case.id})


async def refreshed_card(ctx: Context, case_id: int) -> Effect | None:
    """The case's newest card, edited to show its state now (status, assignee, draft and the
    buttons that apply)."""
    if ctx.staff_chat_id is None:
        return None
    card_id = await ctx.store.card_message_id(str(ctx.staff_chat_id), case_id)
    case = await ctx.store.case(case_id)
    if card_id is None or case is None:
        return None
    effect = edit_text(
        str(ctx.staff_chat_id),
        card_id,
        card_text(case),
        kind="staff_card_edit",
        buttons=card_buttons(case, ctx.button) if case.status != CLOSED else None,
        parse_mode="HTML",
    )
    return dataclasses.replace(effect, extra={"case_id": case_id})


async def staff_note(
    ctx: Context, case_id: int, html_text: str, *, buttons: list[list[dict[str, str]]] | None = None
) -> Effect | None:
    """A short message in the staff chat, in reply to the case's card when it is known."""
    if ctx.staff_chat_id is None:
        return None
    card_id = await ctx.store.card_message_id(str(ctx.staff_chat_id), case_id)
    effect = send_text(
        str(ctx.staff_chat_id),
        html_text,
        kind="staff_note",
        reply_to=card_id,
        buttons=buttons,
        parse_mode="HTML",
    )
    return dataclasses.replace(effect, extra={"case_id": case_id})
