"""Reports and lead exports in every format, for the CLI, the staff chat and the weekly job."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.config import Config
from bot.errors import ReportError
from bot.reports.charts import all_charts
from bot.reports.export import html_report, lead_table, leads_csv, workbook
from bot.reports.metrics import as_json, build_report
from bot.reports.period import Period
from bot.reports.render import text_summary, to_csv
from bot.storage import Store
from bot.storage.report_queries import ReportFilter

FORMATS = ("text", "json", "csv", "xlsx", "html")
LEAD_FORMATS = ("csv", "xlsx")
SECRET_KEY = "reports.pseudonym_secret"


@dataclass(frozen=True)
class Output:
    data: bytes
    extension: str


async def report(
    store: Store,
    config: Config,
    period: Period,
    *,
    chat_id: str | None = None,
    language: str | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    return await build_report(
        store,
        period,
        chat_id=chat_id,
        language=language,
        goals=config.reports.goals,
        now=now,
    )


async def render(
    store: Store, config: Config, data: dict[str, Any], fmt: str, brand: str = ""
) -> Output:
    """The report ``data`` as ``fmt`` (XLSX also holds the period's leads)."""
    if fmt == "text":
        return Output((text_summary(data) + "\n").encode(), "txt")
    if fmt == "json":
        return Output(json.dumps(as_json(data), indent=2, ensure_ascii=False).encode(), "json")
    if fmt == "csv":
        return Output(to_csv(data).encode(), "csv")
    if fmt == "xlsx":
        period = data["period"]
        flt = ReportFilter(
            datetime.fromisoformat(period["start"]),
            datetime.fromisoformat(period["end"]),
            period["chat_id"],
            period["language"],
        )
        return Output(workbook(data, await lead_rows(store, config, flt)), "xlsx")
    if fmt == "html":
        charts = await asyncio.to_thread(all_charts, data)
        return Output(html_report(data, charts, brand).encode(), "html")
    raise ReportError(f"format {fmt!r} is unknown; use one of {', '.join(FORMATS)}")


async def lead_rows(
    store: Store, config: Config, flt: ReportFilter, pseudonymise: bool | None = None
) -> list[list[Any]]:
    """The lead table of ``flt``; erased customers' leftovers are scrubbed first."""
    await store.scrub_erased_leads()
    hide = config.reports.pseudonymise if pseudonymise is None else pseudonymise
    # The key of the pseudonyms, made once and kept in the database.
    secret = await store.secret(SECRET_KEY) if hide else b""
    return lead_table(await store.leads(flt), pseudonymise=hide, secret=secret)


async def export_leads(
    store: Store,
    config: Config,
    period: Period,
    fmt: str,
    *,
    chat_id: str | None = None,
    language: str | None = None,
    pseudonymise: bool | None = None,
) -> Output:
    if fmt not in LEAD_FORMATS:
        raise ReportError(f"lead export format {fmt!r} is unknown; use csv or xlsx")
    flt = ReportFilter(period.start, period.end, chat_id, language)
    table = await lead_rows(store, config, flt, pseudonymise)
    if fmt == "csv":
        return Output(leads_csv(table).encode(), "csv")
    return Output(workbook(None, table), "xlsx")
