"""The customer's side in private: /start (with the deep-link payload of a public comment, or
without: a short menu), the menu's buttons, the CSAT buttons and /forget."""

from __future__ import annotations

from bot.cases import service
from bot.cases.lifecycle import CLOSED, OPEN, RESOLVED, WAITING_STAFF
from bot.cases.texts import say
from bot.domain import Sentiment, Verdict
from bot.drafts import draft_reply
from bot.errors import CaseError
from bot.storage.case_rows import NewCase
from bot.telegram.effects import message_link, parse_payload, send_text
from bot.telegram.reactions import reply_effect
from bot.telegram.routing import Command, Context, Press, Reaction
from bot.telegram.updates import PLATFORM

MENU, CSAT = "mn", "sq"  # button codes


def _language(ctx: Context, hint: str | None) -> str:
    return hint if hint in ctx.playbooks.languages else ctx.playbooks.default_language


def _menu(ctx: Context, cmd: Command, language: str) -> Reaction:
    buttons = [
        [ctx.button(say("menu_question", language), MENU, "q", language)],
        [ctx.button(say("menu_problem", language), MENU, "p", language)],
        [ctx.button(say("menu_human", language), MENU, "h", language)],
    ]
    text = say("welcome", language, first_name=cmd.message.first_name or "")
    return Reaction().add(send_text(cmd.chat_id, text, buttons=buttons, user_id=cmd.user_id))


async def start(ctx: Context, cmd: Command) -> Reaction:
    """``/start``: the menu; ``/start c<chat>_<message>`` (the button under a public answer):
    the private chat is tied to that comment's case and the bot asks for the details."""
    message = cmd.message
    ref = parse_payload(cmd.args) if cmd.args else None
    if ref is None:
        return _menu(ctx, cmd, _language(ctx, message.lang_hint))
    key = service.message_key(*ref)
    case = await ctx.store.case_by_key(key)
    category = case.category if case else await ctx.store.last_category(PLATFORM, *ref)
    out = Reaction().event(
        "moved_to_private",
        chat_id=ref[0],
        message_id=ref[1],
        user_id=message.user_id,
        category=category,
    )
    language = _language(ctx, message.lang_hint)
    if case is not None:
        if case.platform_user_id != message.user_id:  # someone else's comment: the menu
            return out.extend(_menu(ctx, cmd, language))
        language = case.language or language
        await ctx.store.update_case(case.id, ctx.now_dt, private_chat_id=cmd.chat_id)
        await service.record(
            ctx, case.id, "moved_to_private", message.user_id, f"{key}:private:{message.message_id}"
        )
    playbook = ctx.playbooks.categories.get(category or "")
    reply_id = playbook.dm_reply if playbook is not None else None
    if playbook is None or reply_id is None:
        return out.extend(_menu(ctx, cmd, language))
    verdict = Verdict(playbook.category, (playbook.category,), language, Sentiment.NEUTRAL, 1.0, ())
    draft = draft_reply(ctx.playbooks, message, verdict, reply_id=reply_id)
    if draft is not None:
        text = f"{draft.text}\n\n{say('consent', draft.language)}"
        out.add(reply_effect(message, text, draft.language, ""))
        if case is not None:
            await service.record(
                ctx, case.id, "asked_details", "bot", f"{key}:ask:{message.message_id}"
            )
    return out


async def menu(ctx: Context, press: Press) -> Reaction:
    choice = press.args[0] if press.args else ""
    language = press.args[1] if len(press.args) > 1 else ctx.playbooks.default_language
    chat = press.callback.chat_id or press.user_id
    out = Reaction().add(press.answer())
    if choice == "q":
        return out.add(send_text(chat, say("ask_question", language), user_id=press.user_id))
    if choice == "p":
        text = f"{say('ask_problem', language)}\n\n{say('consent', language)}"
        return out.add(send_text(chat, text, user_id=press.user_id))
    if choice != "h":
        return out
    case = await ctx.store.open_case_of(PLATFORM, press.user_id)
    if case is None:
        new = NewCase(
            key=f"{PLATFORM}:menu:{press.user_id}:{press.callback.id}"[:200],
            platform=PLATFORM,
            category="other",
            priority="normal",
            platform_chat_id=chat,
            platform_message_id=press.callback.message_id,
            platform_user_id=press.user_id,
            private_chat_id=chat,
            language=language,
            topic="other",
            text="(asked to talk to a person)",
            status=WAITING_STAFF,
            details={"origin": "dm", "why": "the customer asked for a person"},
        )
        case, _ = await ctx.store.open_case(new, ctx.now_dt)
        await service.record(ctx, case.id, "opened", press.user_id, f"{new.key}:opened")
        card = service.card(ctx, case, "The customer asked to talk to a person")
        if card is not None:
            out.add(card)
    else:
        await service.record(ctx, case.id, "asked_for_person", press.user_id)
        case = await service.move(ctx, case, WAITING_STAFF, press.user_id)
        note = await service.staff_note(
            ctx, case.id, f"🙋 Case #{case.id}: the customer asks to talk to a person."
        )
        if note is not None:
            out.add(note)
    return out.add(send_text(chat, say("human_coming", language), user_id=press.user_id))


async def csat(ctx: Context, press: Press) -> Reaction:
    """A CSAT score: only the case's customer may give it; then thanks, an invitation to
    update the public comment for a good score, and the case is closed."""
    try:
        case = await service.load(ctx, press.args[0] if press.args else "")
        score = int(press.args[1]) if len(press.args) > 1 else 0
    except (CaseError, ValueError):
        return Reaction().add(press.answer("This button has expired."))
    language = case.language
    if press.user_id != case.platform_user_id:
        refusal = Reaction().add(press.answer(say("not_your_case", language)))
        return refusal.event("refused", what="csat", user_id=press.user_id, case_id=case.id)
    if case.csat is not None or not 1 <= score <= 5:
        return Reaction().add(press.answer(say("rated", language)))
    await ctx.store.update_case(case.id, ctx.now_dt, csat=score)
    await service.record(ctx, case.id, "csat_answered", press.user_id, score=score)
    out = Reaction().add(press.answer(say("rated", language)))
    thanks = service.ladder_draft(ctx, case, "csat_thanks_reply")
    if thanks is not None:
        out.add(service.to_customer(case, thanks.text, kind="csat"))
    public = case.details.get("origin") == "comment"
    if score >= ctx.config.cases.review_invite_min_score and public:
        invite = service.ladder_draft(ctx, case, "review_invite_reply")
        if invite is not None:
            link = message_link(case.platform_chat_id, case.platform_message_id)
            text = f"{invite.text}\n{link}" if link else invite.text
            out.add(service.to_customer(case, text, kind="csat"))
            await service.record(ctx, case.id, "review_invited", "bot")
    await ctx.store.cancel_jobs(prefix=f"case:{case.id}:")
    if case.status in (*OPEN, RESOLVED):
        await service.move(ctx, case, CLOSED, "bot", reason="csat answered", score=score)
    return out.event("csat", case_id=case.id, score=score)


async def forget(ctx: Context, cmd: Command) -> Reaction:
    """Erase the customer's identity and message texts; close their cases; log it."""
    user = cmd.user_id
    known = await ctx.store.forget_contact(PLATFORM, user)
    case_ids = await ctx.store.forget_customer(PLATFORM, user)
    await ctx.store.scrub_erased_leads()  # their leads' phone and name too
    for case_id in case_ids:
        await ctx.store.cancel_jobs(prefix=f"case:{case_id}:")
        case = await ctx.store.case(case_id)
        if case is not None and case.status != CLOSED:
            await service.move(ctx, case, CLOSED, "customer", reason="data erased")
        await service.record(ctx, case_id, "forgotten", "customer")
    language = _language(ctx, cmd.message.lang_hint)
    out = Reaction().add(send_text(cmd.chat_id, say("forgotten", language), user_id=user))
    return out.event("forgotten", user_id=user, known=known, cases=case_ids)
