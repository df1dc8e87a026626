"""The reports feature's commands, buttons, jobs and hooks in the Telegram runtime.

- a triaged lead makes a lead row, UTM-tags the reply's shop links, asks for a phone number in
  private (after the consent text) and tells staff with status buttons;
- a shared contact (Telegram's contact button) is recorded with the time of consent;
- staff: ``/report [period] [format] [lang=xx] [chat=ID]``, ``/leads [period]``,
  ``/lead N [status]`` and the status buttons;
- the weekly report goes to the staff chat (a scheduled job, armed at start and re-armed).
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from bot.errors import ReportError
from bot.reports import service, texts
from bot.reports.charts import all_charts
from bot.reports.leads import STATUS_CODES, lead_card, lead_from_outcome, status_buttons
from bot.reports.period import PERIOD_HELP, Period, parse_period
from bot.reports.render import text_summary
from bot.storage.base import LEAD_STATUSES
from bot.storage.store_jobs import Job
from bot.telegram.effects import escape_html, send_file, send_keyboard, send_text, staff_card
from bot.telegram.routing import Command, Context, Press, Reaction, Router
from bot.telegram.updates import PLATFORM, ParsedUpdate

router = Router("reports")
router.on_outcome(lead_from_outcome)

WEEKLY = "weekly_report"
WEEKLY_PREFIX = "reports:weekly:"
REPORT_HELP = (
    f"/report [period] [text|html|xlsx|csv|json] [lang=xx] [chat=ID]; period: {PERIOD_HELP}"
)


def _reply(cmd: Command, text: str, parse_mode: str | None = None) -> Reaction:
    return Reaction().add(send_text(cmd.chat_id, text, parse_mode=parse_mode))


async def report_reaction(
    ctx: Context,
    chat_id: str,
    period: Period,
    *,
    fmt: str = "text",
    language: str | None = None,
    filter_chat: str | None = None,
) -> Reaction:
    """The summary and the charts (or the report as a file) for ``chat_id``."""
    data = await service.report(
        ctx.store, ctx.config, period, chat_id=filter_chat, language=language, now=ctx.now_dt
    )
    reaction = Reaction()
    if fmt == "text":
        reaction.add(send_text(chat_id, text_summary(data), kind="report"))
        for chart in await asyncio.to_thread(all_charts, data):
            reaction.add(send_file(chat_id, chart.png, f"{chart.name}.png", caption=chart.title))
        return reaction
    brand = ctx.playbooks.settings.brand
    out = await service.render(ctx.store, ctx.config, data, fmt, brand)
    name = f"cmbot-report-{period.start.date().isoformat()}.{out.extension}"
    caption = f"Report {period.label}"
    return reaction.add(send_file(chat_id, out.data, name, method="sendDocument", caption=caption))


@router.command("report", where={"staff", "private"}, staff_only=True, help=REPORT_HELP)
async def report_command(ctx: Context, cmd: Command) -> Reaction:
    period_text, fmt, language, chat = "7d", "text", None, None
    for token in cmd.args.split():
        low = token.lower()
        if low in service.FORMATS:
            fmt = low
        elif low.startswith("lang="):
            language = low[5:] or None
        elif low.startswith("chat="):
            chat = token[5:] or None
        else:
            period_text = token
    try:
        period = parse_period(period_text, ctx.now_dt)
    except ReportError as exc:
        return _reply(cmd, f"{exc}\nUsage: {REPORT_HELP}")
    return await report_reaction(
        ctx, cmd.chat_id, period, fmt=fmt, language=language, filter_chat=chat
    )


@router.command("leads", where={"staff", "private"}, staff_only=True, help="/leads [period]: XLSX")
async def leads_command(ctx: Context, cmd: Command) -> Reaction:
    try:
        period = parse_period(cmd.args.strip() or "30d", ctx.now_dt)
    except ReportError as exc:
        return _reply(cmd, str(exc))
    out = await service.export_leads(ctx.store, ctx.config, period, "xlsx")
    name = f"cmbot-leads-{period.start.date().isoformat()}.xlsx"
    caption = f"Leads {period.label}"
    return Reaction().add(
        send_file(cmd.chat_id, out.data, name, method="sendDocument", caption=caption)
    )


@router.command(
    "lead",
    where={"staff", "private"},
    staff_only=True,
    help="/lead N [contacted|qualified|won|lost]: show or change a lead",
)
async def lead_command(ctx: Context, cmd: Command) -> Reaction:
    parts = cmd.args.split()
    if not parts or not parts[0].lstrip("#").isdigit() or len(parts) > 2:
        return _reply(cmd, f"Usage: /lead N [{'|'.join(LEAD_STATUSES)}]")
    lead_id = int(parts[0].lstrip("#"))
    try:
        if len(parts) == 2:
            lead = await ctx.store.set_lead_status(lead_id, parts[1].lower(), by=cmd.user_id)
        else:
            found = await ctx.store.lead(lead_id)
            if found is None:
                raise ReportError(f"lead {lead_id} does not exist")
            lead = found
    except ReportError as exc:
        return _reply(cmd, str(exc))
    reaction = Reaction().add(
        staff_card(cmd.chat_id, lead_card(lead), status_buttons(ctx, lead.id))
    )
    if len(parts) == 2:
        reaction.event("lead_status", lead_id=lead.id, status=lead.status, by=cmd.user_id)
    return reaction


@router.callback("ls", staff_only=True)
async def lead_status_button(ctx: Context, press: Press) -> Reaction:
    if len(press.args) != 2 or press.args[1] not in STATUS_CODES:
        return Reaction().add(press.answer("This button is not valid."))
    status = STATUS_CODES[press.args[1]]
    try:
        lead = await ctx.store.set_lead_status(int(press.args[0]), status, by=press.user_id)
    except ReportError as exc:
        return Reaction().add(press.answer(str(exc)))
    reaction = Reaction().add(press.answer(f"Lead #{lead.id}: {status}"))
    chat = press.callback.chat_id
    if chat is not None:
        text = f"Lead #{lead.id} → <b>{escape_html(status)}</b> (by {escape_html(press.user_id)})"
        reaction.add(staff_card(chat, text))
    return reaction.event("lead_status", lead_id=lead.id, status=status, by=press.user_id)


@router.on_update
async def shared_contact(ctx: Context, parsed: ParsedUpdate) -> Reaction | None:
    """A phone number shared with the contact button in private: the lead's contact details
    and the time of consent."""
    details = parsed.details
    contact = details.get("contact")
    if not isinstance(contact, dict) or details.get("chat_type") != "private":
        return None
    user_id, chat_id = details.get("user_id"), details.get("chat_id")
    if not user_id or not chat_id:
        return None
    language = details.get("lang_hint")
    if str(contact.get("user_id") or "") != str(user_id) or not contact.get("phone_number"):
        text = texts.pick(texts.OWN_NUMBER, language)
        return Reaction().add(send_text(chat_id, text, user_id=user_id))
    name = " ".join(str(contact.get(k)) for k in ("first_name", "last_name") if contact.get(k))
    lead_id = await ctx.store.record_lead_contact(
        PLATFORM, str(user_id), str(contact["phone_number"]), name or None, ctx.now_dt
    )
    if lead_id is None:
        return None
    reaction = Reaction().add(
        send_keyboard(chat_id, texts.pick(texts.THANKS, language), None, user_id=user_id)
    )
    lead = await ctx.store.lead(lead_id)
    if lead is not None:
        notice = ctx.to_staff(
            "📱 Contact details shared (consent given)\n" + lead_card(lead),
            status_buttons(ctx, lead_id),
        )
        if notice is not None:
            reaction.add(notice)
    return reaction.event("lead_contact", lead_id=lead_id)


def next_weekly(ctx: Context, after: datetime) -> datetime | None:
    config = ctx.config.reports
    if config.weekly_day is None:
        return None
    start = after.replace(hour=config.weekly_hour, minute=0, second=0, microsecond=0)
    due = start + timedelta(days=(config.weekly_day - after.weekday()) % 7)
    return due if due > after else due + timedelta(days=7)


async def arm_weekly(ctx: Context, after: datetime) -> None:
    """Schedule the next weekly report; pending future ones at another time are cancelled
    (an overdue one from a stopped bot is kept: it is sent now)."""
    due = next_weekly(ctx, after)
    key = f"{WEEKLY_PREFIX}{due.isoformat()}" if due else None
    stale = [
        job.key
        for job in await ctx.store.jobs(kind=WEEKLY)
        if job.key != key and job.due_at > ctx.now_dt
    ]
    if stale:
        await ctx.store.cancel_jobs(*stale)
    if due is not None and key is not None and ctx.staff_chat_id is not None:
        await ctx.store.schedule_job(WEEKLY, key, due, {})


@router.on_start
async def arm_at_start(ctx: Context) -> None:
    await arm_weekly(ctx, ctx.now_dt)


@router.job(WEEKLY)
async def weekly_report(ctx: Context, job: Job) -> Reaction:
    await arm_weekly(ctx, max(job.due_at, ctx.now_dt))
    if ctx.staff_chat_id is None:
        return Reaction()
    end = job.due_at
    period = Period(end - timedelta(days=7), end, f"week to {end.date().isoformat()}")
    return await report_reaction(ctx, str(ctx.staff_chat_id), period)
