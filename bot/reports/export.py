"""Files: the report as XLSX and HTML, and the leads as CSV and XLSX.

Customers are shown by name, username and phone only in lead exports, never for a contact who
asked to be forgotten, and not at all when pseudonymised: a stable pseudonym (a keyed hash of
the contact id) lets a manager follow one customer across rows without knowing who they are.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import hmac
import html
import io
import re
from collections.abc import Sequence
from typing import Any

from bot.reports.charts import Chart
from bot.reports.render import daily_table, goal_line, rows, text_summary
from bot.storage.store_reports import LeadRow

PHONE = re.compile(r"\+?[\d ().-]{3,32}")
LEAD_COLUMNS = (
    "id",
    "created_at",
    "status",
    "source",
    "chat",
    "post",
    "campaign",
    "language",
    "product",
    "customer",
    "username",
    "user_id",
    "phone",
    "consent_at",
)


def pseudonym(secret: bytes, contact_id: int | None) -> str:
    if contact_id is None:
        return ""
    digest = hmac.new(secret, f"contact:{contact_id}".encode(), hashlib.sha256).hexdigest()
    return f"customer-{digest[:10]}"


def lead_table(leads: Sequence[LeadRow], *, pseudonymise: bool, secret: bytes) -> list[list[Any]]:
    """One row per lead in :data:`LEAD_COLUMNS` order."""
    out = []
    for lead in leads:
        if lead.erased:
            customer, username, user_id, phone = "(erased)", "", "", ""
        elif pseudonymise:
            customer, username, user_id = pseudonym(secret, lead.contact_id), "", ""
            phone = "(hidden)" if lead.phone else ""
        else:
            customer = lead.contact_name or lead.first_name or ""
            username, user_id, phone = lead.username or "", lead.user_id or "", lead.phone or ""
        public = lead.source == "comment"
        out.append(
            [
                lead.id,
                lead.created_at.strftime("%Y-%m-%d %H:%M:%S"),
                lead.status,
                lead.source,
                (lead.chat_title or lead.chat_id or "") if public else "private",
                (lead.thread_id or "") if public else "",
                lead.campaign or "",
                lead.language or "",
                lead.product or "",
                customer,
                username,
                user_id,
                phone,
                lead.consent_at.strftime("%Y-%m-%d %H:%M:%S") if lead.consent_at else "",
            ]
        )
    return out


def leads_csv(table: list[list[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(LEAD_COLUMNS)
    writer.writerows([_safe(v) for v in row] for row in table)
    return out.getvalue()


def _safe(value: Any) -> Any:
    """A cell value that a spreadsheet will not run as a formula (phone numbers stay as is)."""
    risky = isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r")
    return "'" + value if risky and not PHONE.fullmatch(value) else value


def _sheet(book: Any, title: str, header: Sequence[str], body: list[list[Any]]) -> None:
    sheet = book.create_sheet(title)
    sheet.append(list(header))
    for row in body:
        sheet.append([_safe(v) for v in row])
    sheet.freeze_panes = "A2"


def workbook(report: dict[str, Any] | None, lead_rows: list[list[Any]] | None = None) -> bytes:
    """An XLSX file: Summary, Daily and Goals sheets for a report, and/or a Leads sheet."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    if report is not None:
        summary = [
            [s, k, v if not isinstance(v, dict | list) else str(v)] for s, k, v in rows(report)
        ]
        _sheet(book, "Summary", ["section", "metric", "value"], summary)
        header, body = daily_table(report)
        _sheet(book, "Daily", header, body)
        goals = [
            [
                g["name"],
                g["metric"],
                g.get("target"),
                g.get("value"),
                g.get("met"),
                g.get("deadline"),
            ]
            for g in report["goals"]
        ]
        _sheet(book, "Goals", ["goal", "metric", "target", "value", "met", "deadline"], goals)
    if lead_rows is not None:
        _sheet(book, "Leads", LEAD_COLUMNS, lead_rows)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _table(header: Sequence[str], body: Sequence[Sequence[Any]]) -> str:
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in header)
    cells = "".join(
        "<tr>" + "".join(f"<td>{html.escape(_cell(v))}</td>" for v in row) + "</tr>" for row in body
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{cells}</tbody></table>"


def _cell(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


STYLE = """
body{font-family:system-ui,-apple-system,"DejaVu Sans",sans-serif;margin:2rem auto;max-width:60rem;
color:#222;padding:0 1rem}h1{font-size:1.6rem}h2{margin-top:2rem;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:.5rem 0;font-size:.9rem}td,th{border:1px solid #ddd;
padding:.25rem .6rem;text-align:left}th{background:#f5f5f5}img{max-width:100%;margin:.5rem 0}
.summary{white-space:pre-wrap;background:#f8f8f8;padding:1rem;border-radius:6px}
"""


def html_report(report: dict[str, Any], charts: Sequence[Chart], brand: str = "") -> str:
    """One self-contained HTML page (charts embedded as data URIs, every value escaped)."""
    period = report["period"]
    title = f"{brand + ' · ' if brand else ''}Community report {period['label']}"
    images = "".join(
        f'<figure><img alt="{html.escape(c.title)}" title="{html.escape(c.title)}" '
        f'src="data:image/png;base64,{base64.b64encode(c.png).decode()}"></figure>'
        for c in charts
    )
    sections: dict[str, list[list[Any]]] = {}
    for section, metric, value in rows(report):
        sections.setdefault(section, []).append([metric, value])
    tables = "".join(
        f"<h2>{html.escape(name.capitalize())}</h2>{_table(['metric', 'value'], body)}"
        for name, body in sections.items()
        if name != "period"
    )
    goals = "".join(f"<li>{html.escape(goal_line(g))}</li>" for g in report["goals"])
    header, body = daily_table(report)
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{STYLE}</style></head><body>"
        f"<h1>{html.escape(title)}</h1>"
        f'<p class="summary">{html.escape(text_summary(report))}</p>'
        + (f"<h2>Goals</h2><ul>{goals}</ul>" if goals else "")
        + f"<h2>Charts</h2>{images}{tables}<h2>Per day</h2>{_table(header, body)}"
        f"<p><small>Generated {html.escape(period['generated_at'])} by cmbot.</small></p>"
        "</body></html>"
    )
