"""The MD's morning in a real Chromium, on the demo data a new user sees after `make run`: yesterday's summary in
Hindi, its totals, its charts and its XLSX; and a division officer's home. The screenshots go in the README."""

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import translation

from accounts.demo import DEMO_DIVISIONS, demo_password
from accounts.models import Division, User
from core.dates import india_today
from core.money import format_inr_short, group_indian
from defaulters.selectors import defaulter_list_latest
from drives.models import Drive
from reports.formats import COLUMNS, EXPORT_COLUMNS, MONEY_KEYS, SETTLEMENT_COLUMNS, figure_text
from reports.selectors import FIGURES, summary
from tests.browser.conftest import DESKTOP, PHONE, log_in, new_page

pytestmark = [pytest.mark.needs_browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture
def demo():
    """The demo as `make demo` loads it: organisation and arrears, the night's lists, the last working days'
    drives, today's drives."""
    call_command("seed_demo", force=True, verbosity=0)
    call_command("build_defaulter_lists", verbosity=0)
    call_command("seed_demo_history", force=True, verbosity=0)
    call_command("build_defaulter_lists", verbosity=0)  # today's list after the past days' cuts and payments
    call_command("seed_demo_drives", force=True, verbosity=0)


def last_working_day():
    """The demo history skips Sundays: yesterday, or Saturday on a Monday."""
    day = india_today() - timedelta(days=1)
    return day - timedelta(days=1) if day.weekday() == 6 else day


def drawn_charts(page) -> dict[str, dict]:
    page.wait_for_function("Array.from(document.querySelectorAll('canvas[data-chart]'))"
                           ".every(c => window.Chart && Chart.getChart(c))")
    charts = page.evaluate("""Array.from(document.querySelectorAll('canvas[data-chart]')).map(c => {
        const chart = Chart.getChart(c);
        return {id: c.dataset.chart, width: c.clientWidth, height: c.clientHeight, labels: chart.data.labels,
                data: chart.data.datasets.map(d => d.data)};
    })""")
    return {chart["id"]: chart for chart in charts}


def legible_hindi(page) -> bool:
    """Whether the page's font draws Devanagari: with no such font every letter is the same empty box, as wide
    as a letter no font has (U+0378 is unassigned). The README's screenshot must not show boxes."""
    return page.evaluate("""() => {
        const context = document.createElement("canvas").getContext("2d");
        context.font = getComputedStyle(document.body).font;
        return context.measureText("रतनपुर").width !== context.measureText("\\u0378".repeat(6)).width;
    }""")


def settled(page):
    """The page as a person sees it a moment after it loads: its web fonts in (the Devanagari faces load on demand,
    and the charts draw again with them), for a screenshot without empty boxes."""
    page.evaluate("""async () => {
        await document.fonts.ready;
        await new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
        await document.fonts.ready;
    }""")
    return page


def texts(page, selector) -> dict[str, str]:
    return {element.get_attribute("data-key") or element.get_attribute("data-figure"): element.inner_text().strip()
            for element in page.query_selector_all(selector)}


def test_it_shows_the_md_yesterdays_summary_in_hindi_and_exports_it(browser, live_server, demo, tmp_path):  # noqa: F811
    from openpyxl import load_workbook

    md = User.objects.get(username="md")
    day = last_working_day()
    assert Drive.objects.filter(date=day).count() == len(DEMO_DIVISIONS)  # the demo has a story for that day
    result = summary(md, date_from=day, date_to=day)
    assert result.totals.disconnections > 0 and result.totals.collections > 0

    page = new_page(browser, DESKTOP)
    log_in(page, live_server, "md", demo_password())
    assert page.url == f"{live_server.url}/"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    # The MD's home: yesterday's summary, in English.
    settled(page).screenshot(path=str(SCREENSHOTS / "md-summary-en.png"), full_page=True)
    page.click("button[value=hi]")
    page.wait_for_load_state()
    assert page.get_attribute("html", "lang") == "hi"

    page.fill("#id_from", day.isoformat())
    page.fill("#id_to", day.isoformat())
    page.click("form.filters button[type=submit]")
    page.wait_for_url(f"{live_server.url}/reports/summary/?from={day}&to={day}")

    # The totals the MD reads are the selector's, written the Hindi page's way.
    with translation.override("hi"):
        headings = [str(heading) for _key, heading in COLUMNS]
        settlement_headings = [str(heading) for _key, heading in SETTLEMENT_COLUMNS]
        xlsx_header = [translation.gettext("Code"), translation.gettext("Division"),
                       *[str(heading) for _key, heading in EXPORT_COLUMNS]]
        local_names = [row.local_name for row in result.rows]
        kesco_total = translation.gettext("KESCO total")
        collections_short = format_inr_short(result.totals.collections)
        paid_short = format_inr_short(result.totals.paid_on_spot_amount)
    assert texts(page, "[data-figure]") == {
        "collections": collections_short,
        "disconnections": group_indian(result.totals.disconnections),
        "paid_on_spot": paid_short,
        "reconnections": group_indian(result.totals.reconnections),
        "defaulters": group_indian(result.totals.defaulters),
        "notices_served": group_indian(result.totals.notices_served),
    }
    assert texts(page, "tfoot [data-key]") == {key: figure_text(key, getattr(result.totals, key), paise=False)
                                               for key in FIGURES}

    # Hindi division names and headings.
    assert page.inner_text("h1") == "खंडवार सारांश"
    row_names = [name.inner_text() for name in page.query_selector_all(".summary-table tbody th[scope=row] a")]
    assert row_names == local_names and {"रतनपुर", "हंसपुरम"} <= set(row_names)
    table_headings = [th.inner_text().strip() for th in page.query_selector_all("table.summary-table thead th")]
    assert table_headings == [xlsx_header[1], *headings]
    assert {"खंड", "बकाया", "विच्छेदन", "पुनः संयोजन"} <= set(table_headings)
    assert page.evaluate("(w => w.scrollWidth <= w.clientWidth)(document.querySelector('.summary-table')"
                         ".closest('.table-wrap'))"), "a laptop shows every column without scrolling"
    # The settlements' figures in a table of their own under it, which fits too.
    assert [th.inner_text().strip() for th in page.query_selector_all("table.settlement-table thead th")] == [
        xlsx_header[1], *settlement_headings]
    assert page.evaluate("(w => w.scrollWidth <= w.clientWidth)(document.querySelector('.settlement-table')"
                         ".closest('.table-wrap'))"), "a laptop shows every settlement column without scrolling"

    # The charts are drawn, with the day's collections in Hindi division names.
    charts = drawn_charts(page)
    assert set(charts) == {"trend-chart", "division-chart"}
    for chart in charts.values():
        assert chart["width"] > 300 and chart["height"] > 200
    assert charts["division-chart"]["labels"] == local_names
    assert sum(charts["division-chart"]["data"][0]) == pytest.approx(float(result.totals.collections))
    assert charts["trend-chart"]["labels"][-1] == day.strftime("%d-%m")

    # The XLSX the page links to holds the same day.
    with page.expect_download() as download:
        page.click("a[data-export=xlsx]")
    assert download.value.suggested_filename == f"kesco-summary-{day:%Y%m%d}-{day:%Y%m%d}.xlsx"
    xlsx = tmp_path / download.value.suggested_filename
    download.value.save_as(xlsx)
    sheet = load_workbook(xlsx).active
    assert sheet.freeze_panes == "A2"
    rows = list(sheet.iter_rows())
    assert [cell.value for cell in rows[0]] == xlsx_header
    body, total = rows[1:-1], rows[-1]
    assert [row[0].value for row in body] == [row.code for row in result.rows]
    assert len(body) == len(DEMO_DIVISIONS) == Division.objects.count()
    assert [row[1].value for row in body] == local_names
    assert total[1].value == kesco_total == page.inner_text("tfoot th")
    collections = total[2 + FIGURES.index("collections")]
    assert Decimal(str(collections.value)) == result.totals.collections
    for row in rows[1:]:
        for key in sorted(MONEY_KEYS):
            cell = row[2 + FIGURES.index(key)]
            if cell.value is not None:
                assert "₹" in cell.number_format, (key, cell.number_format)

    assert legible_hindi(page), "Hindi drawn as empty boxes: no Devanagari font reached the page"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    settled(page).screenshot(path=str(SCREENSHOTS / "md-summary-hi.png"), full_page=True)
    assert page.errors == []

    # On a phone the same page loads, its charts draw, and nothing but the tables scrolls sideways.
    phone = new_page(browser, PHONE, is_mobile=True, has_touch=True)
    phone.context.add_cookies(page.context.cookies())
    phone.goto(f"{live_server.url}/reports/summary/?from={day}&to={day}")
    assert phone.inner_text("[data-figure=collections]") == collections_short
    drawn_charts(phone)
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert phone.errors == []


def test_it_shows_an_officer_the_division_dashboard(browser, live_server, demo):  # noqa: F811
    officer = User.objects.get(username="officer_rtp")
    latest = defaulter_list_latest(officer, officer.division)
    today_drives = list(Drive.objects.filter(division=officer.division, date=india_today()))
    assert latest is not None and today_drives

    page = new_page(browser, DESKTOP)
    log_in(page, live_server, "officer_rtp", demo_password())
    assert page.inner_text("h1") == "Division dashboard · Ratanpur"
    assert page.inner_text("[data-figure=defaulters]") == group_indian(latest.consumer_count)
    for drive in today_drives:
        assert page.is_visible(f"a[href='/drives/{drive.pk}/']")
    charts = drawn_charts(page)
    assert set(charts) == {"trend-chart", "age-chart"}
    assert all(chart["width"] > 300 and chart["height"] > 200 for chart in charts.values())
    assert any(value for value in charts["age-chart"]["data"][0])

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    settled(page).screenshot(path=str(SCREENSHOTS / "officer-home.png"), full_page=True)

    page.click("button[value=hi]")
    page.wait_for_load_state()
    assert page.inner_text("[data-figure=defaulters]") == group_indian(latest.consumer_count)
    drawn_charts(page)
    assert legible_hindi(page), "Hindi drawn as empty boxes: no Devanagari font reached the page"
    settled(page).screenshot(path=str(SCREENSHOTS / "officer-home-hi.png"), full_page=True)
    assert page.errors == []


LAPTOP = {"width": 1366, "height": 768}


def fits_its_box(page) -> bool:
    """Whether the summary table is no wider than its box: nothing to scroll sideways to."""
    return page.evaluate("(t => t.scrollWidth <= t.closest('.table-wrap').clientWidth)"
                         "(document.querySelector('.summary-table'))")


def columns_in_view(page, keys) -> bool:
    """Whether every cell of these columns, in every row and the total, lies inside the table's box as drawn."""
    return page.evaluate("""keys => {
        const box = document.querySelector('.summary-table').closest('.table-wrap').getBoundingClientRect();
        const cells = keys.flatMap(key => Array.from(document.querySelectorAll(`.summary-table [data-key=${key}]`)));
        return cells.length > 0 && cells.every(cell => {
            const r = cell.getBoundingClientRect();
            return r.width > 0 && r.left >= box.left - 0.5 && r.right <= box.right + 0.5;
        });
    }""", keys)


def test_the_md_reads_target_and_achievement_for_every_division_and_drills_down_keeping_the_range(
        browser, live_server, demo):  # noqa: F811
    """Issue 21, items 4 and 5, at 1366 × 768 in English and Hindi: no sideways scrolling on the summary or on the
    drill-down, and a division's page opens, states and keeps the summary's range."""
    md = User.objects.get(username="md")
    end = last_working_day()
    start = end - timedelta(days=6)
    result = summary(md, date_from=start, date_to=end)
    ratanpur = next(row for row in result.rows if row.code == "RTP")

    page = new_page(browser, LAPTOP)
    log_in(page, live_server, "md", demo_password())
    for language in ("en", "hi"):
        if page.get_attribute("html", "lang") != language:
            page.click(f"button[value={language}]")
            page.wait_for_load_state()
        page.goto(f"{live_server.url}/reports/summary/?from={start}&to={end}")
        assert fits_its_box(page), f"{language}: the summary table is wider than its box"
        assert columns_in_view(page, ["target", "achievement_pct"]), language
        rows = page.query_selector_all(".summary-table tbody tr")
        assert len(rows) == len(result.rows)
        for row, figures in zip(rows, result.rows, strict=True):
            assert row.query_selector("[data-key=target]").inner_text() == figure_text(
                "target", figures.target, paise=False)
            assert row.query_selector("[data-key=achievement_pct]").inner_text() == figure_text(
                "achievement_pct", figures.achievement_pct)

        # The division's name opens its drill-down for the same range, which says so and keeps it.
        page.click(".summary-table a[href^='/reports/divisions/RTP/']")
        page.wait_for_url(f"{live_server.url}/reports/divisions/RTP/?from={start}&to={end}")
        with translation.override(language):
            stated = translation.gettext("%(start)s to %(end)s (%(days)s days), %(division)s.") % {
                "start": start.strftime("%d-%m-%Y"), "end": end.strftime("%d-%m-%Y"), "days": 7,
                "division": ratanpur.local_name}
        assert page.inner_text("[data-range]") == stated
        assert (page.input_value("#id_from"), page.input_value("#id_to")) == (start.isoformat(), end.isoformat())
        assert fits_its_box(page) and columns_in_view(page, ["target", "achievement_pct"]), language
        assert page.inner_text("[data-key=target]") == figure_text("target", ratanpur.target, paise=False)
        # "Show" keeps the range it shows; another range, typed in, is the one shown.
        page.click("form.filters button[type=submit]")
        page.wait_for_url(f"{live_server.url}/reports/divisions/RTP/?from={start}&to={end}")
        page.fill("#id_from", end.isoformat())
        page.click("form.filters button[type=submit]")
        page.wait_for_url(f"{live_server.url}/reports/divisions/RTP/?from={end}&to={end}")
        assert (page.input_value("#id_from"), page.input_value("#id_to")) == (end.isoformat(), end.isoformat())
        # And back to every division, still for that range.
        page.click("a[data-back]")
        page.wait_for_url(f"{live_server.url}/reports/summary/?from={end}&to={end}")
    assert page.errors == []
