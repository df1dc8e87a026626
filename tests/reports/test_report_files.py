"""The report as files: JSON, CSV, XLSX and HTML agree with each other; charts are PNGs with
their titles; the HTML renders in headless Chromium; an erased customer appears nowhere;
pseudonymised exports hide everyone; the ``cmbot report`` command line."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from PIL import Image

from bot.config import Config
from bot.reports import service
from bot.reports.charts import all_charts
from bot.reports.metrics import as_json
from bot.reports.period import Period
from bot.reports.render import rows
from bot.storage import Store
from tests.reports.month import END, ERASED, ERASED_USER, START, build_month

MONTH = Period(START, END, "2026-10")
TITLES = [
    "Messages per day, by category",
    "Messages by category",
    "First-response time (minutes)",
    "Sentiment over time",
]
SQLITE = pytest.mark.parametrize("backend", ["sqlite"])  # the formats do not depend on it


def xlsx_cells(data: bytes) -> dict[str, list[list[Any]]]:
    book = load_workbook(io.BytesIO(data), read_only=True)
    return {sheet.title: [list(r) for r in sheet.iter_rows(values_only=True)] for sheet in book}


def personal() -> list[str]:
    return [ERASED["username"], ERASED["first_name"], ERASED["phone"], ERASED_USER]


@SQLITE
async def test_every_format_holds_the_same_numbers_and_no_erased_customer(
    store: Store, tmp_path: Path
) -> None:
    month = await build_month(store, messages=1200)
    assert any(r.phone == ERASED["phone"] for r in month.leads)  # they did share it
    assert await store.forget_contact("telegram", ERASED_USER)
    config = Config()
    data = await service.report(store, config, MONTH)
    outputs = {
        fmt: (await service.render(store, config, data, fmt, "Maison Solène")).data
        for fmt in service.FORMATS
    }
    as_dict = json.loads(outputs["json"])
    assert as_dict == json.loads(json.dumps(as_json(data), default=str))
    assert as_dict["messages"]["total"] == len([m for m in month.messages if m.in_period])
    table = {(s, k): v for s, k, v in csv.reader(io.StringIO(outputs["csv"].decode()))}
    for section, metric, value in rows(data):
        shown = "" if value is None else str(value)
        assert table[(section, metric)] == shown
    sheets = xlsx_cells(outputs["xlsx"])
    summary = {(r[0], r[1]): r[2] for r in sheets["Summary"][1:]}
    for section, metric, value in rows(data):
        if isinstance(value, int | float) and not isinstance(value, bool):
            assert summary[(section, metric)] == pytest.approx(value), (section, metric)
    daily = sheets["Daily"]
    assert sum(sum(v for v in r[1:] if isinstance(v, int)) for r in daily[1:]) == 2 * int(
        as_dict["messages"]["total"]
    )  # categories + sentiments, each adds up to the total
    assert len(sheets["Leads"]) - 1 == as_dict["leads"]["total"]
    text = outputs["text"].decode()
    assert f"Leads: {as_dict['leads']['total']}" in text
    html = outputs["html"].decode()
    assert html.count("data:image/png;base64,") == 4
    leads_csv = (await service.export_leads(store, config, MONTH, "csv")).data.decode()
    leads_xlsx = (await service.export_leads(store, config, MONTH, "xlsx")).data
    everything = [
        outputs["text"].decode(),
        outputs["json"].decode(),
        outputs["csv"].decode(),
        html,
        leads_csv,
        repr(sheets),
        repr(xlsx_cells(leads_xlsx)),
    ]
    assert "(erased)" in leads_csv
    for blob in everything:
        for value in personal():
            assert value not in blob
    assert "+3361" in leads_csv  # the others' phones are there (not pseudonymised)
    # Nothing of theirs is kept in the leads table either.
    assert all(lead.phone != ERASED["phone"] for lead in await store.leads())


@SQLITE
async def test_pseudonymised_exports_hide_every_customer_but_keep_them_apart(
    store: Store,
) -> None:
    month = await build_month(store, messages=600)
    config = Config(reports={"pseudonymise": True})
    first = (await service.export_leads(store, config, MONTH, "csv")).data.decode()
    again = (await service.export_leads(store, config, MONTH, "csv")).data.decode()
    assert first == again  # stable pseudonyms
    reader = list(csv.DictReader(io.StringIO(first)))
    assert len(reader) == len([r for r in month.leads if r.msg.in_period])
    assert all(r["customer"].startswith("customer-") for r in reader)
    assert all(r["username"] == "" and r["user_id"] == "" for r in reader)
    assert "+33" not in first and "Ana" not in first
    by_id = {int(r["id"]): r["customer"] for r in reader}
    by_user: dict[str, set[str]] = {}
    for lead in month.leads:
        if lead.msg.in_period:
            by_user.setdefault(lead.msg.user_id, set()).add(by_id[lead.lead_id])
    assert all(len(names) == 1 for names in by_user.values())
    assert len({n for names in by_user.values() for n in names}) == len(by_user)


@SQLITE
async def test_charts_are_pngs_with_their_titles(store: Store) -> None:
    await build_month(store, messages=600)
    data = await service.report(store, Config(), MONTH)
    charts = all_charts(data)
    assert [c.title for c in charts] == TITLES
    for chart in charts:
        image = Image.open(io.BytesIO(chart.png))
        assert image.format == "PNG" and image.size == (800, 400)
        assert image.info["Title"] == chart.title
        image.verify()


CHECK = """<script>
window.addEventListener('load', () => {
  const imgs = [...document.images];
  const ok = imgs.filter(i => i.complete && i.naturalWidth > 0).length;
  document.body.setAttribute('data-check', `images ${ok}/${imgs.length}`);
});
window.addEventListener('error', e => document.body.setAttribute('data-error', String(e.message)));
</script>"""


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@SQLITE
async def test_the_html_report_renders_in_headless_chromium(store: Store, tmp_path: Path) -> None:
    browser = chromium()
    if browser is None:
        pytest.skip("Debian's chromium is not installed (.ci/run installs it with apt-get)")
    await build_month(store, messages=600)
    data = await service.report(store, Config(), MONTH)
    page = (await service.render(store, Config(), data, "html", "Maison Solène")).data.decode()
    report = tmp_path / "report.html"
    report.write_text(page.replace("</body>", CHECK + "</body>"), encoding="utf-8")
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
    dom = subprocess.run(
        [browser, *flags, "--virtual-time-budget=3000", "--dump-dom", report.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert 'data-check="images 4/4"' in dom.stdout
    assert 'data-error="' not in dom.stdout
    assert "Community report 2026-10" in dom.stdout
    shot = Path(os.environ.get("CMBOT_ARTIFACTS", tmp_path)) / "report-screenshot.png"
    done = subprocess.run(
        [browser, *flags, "--window-size=1280,2400", f"--screenshot={shot}", report.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    image = Image.open(shot)
    assert image.format == "PNG" and image.size == (1280, 2400)
    assert len(image.getcolors(1 << 20) or []) > 50  # charts and text, not a blank page


def test_cmbot_report_command_line(tmp_path: Path) -> None:
    db = tmp_path / "cli.db"
    config = tmp_path / "config.yaml"
    config.write_text(f"database:\n  url: sqlite:///{db}\n", encoding="utf-8")
    base = [sys.executable, "-m", "bot.cli.main", "--config", str(config), "report"]

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*base, *args], capture_output=True, text=True, timeout=300)

    out = run("--period", "2026-10", "--format", "json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["period"]["start"].startswith("2026-10-01")
    target = tmp_path / "leads.xlsx"
    out = run("leads", "--period", "7d", "--format", "xlsx", "--output", str(target))
    assert out.returncode == 0, out.stderr
    assert xlsx_cells(target.read_bytes())["Leads"][0][0] == "id"
    html = tmp_path / "r.html"
    assert run("--format", "html", "-o", str(html)).returncode == 0
    assert html.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    bad = run("--period", "last tuesday")
    assert bad.returncode == 2
    assert "period 'last tuesday' is not understood" in bad.stderr
