"""The reports' charts in a real Chromium under the site's Content-Security-Policy: the vendored Chart.js
draws every chart from its JSON, nothing is refused, and money reads the Indian way."""

from datetime import timedelta

import pytest

from core.dates import india_today
from tests.browser.conftest import PHONE, log_in, new_page
from tests.factories import add_entry, make_consumer

pytestmark = [pytest.mark.needs_browser, pytest.mark.django_db(transaction=True)]

# Every CSP refusal on the page, whoever caused it (Playwright's init script is not subject to the CSP).
WATCH_CSP = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + e.blockedURI + " " + e.sourceFile + ":" + e.lineNumber);
});
"""


@pytest.fixture
def page(browser):
    page = new_page(browser, PHONE, init_scripts=[WATCH_CSP], is_mobile=True)
    yield page
    page.context.close()


def collections(rtp, hsp):
    day = india_today() - timedelta(days=1)
    for division, amount in ((rtp, "665000.00"), (hsp, "12000000.00")):
        consumer = make_consumer(division)
        add_entry(consumer, "BILL", "20000000.00", day - timedelta(days=60), due_date=day - timedelta(days=45))
        add_entry(consumer, "PAYMENT", amount, day)


def drawn_charts(page) -> list[dict]:
    page.wait_for_function("Array.from(document.querySelectorAll('canvas[data-chart]'))"
                           ".every(c => window.Chart && Chart.getChart(c))")
    return page.evaluate("""Array.from(document.querySelectorAll('canvas[data-chart]')).map(c => {
        const chart = Chart.getChart(c);
        return {id: c.dataset.chart, width: c.clientWidth, height: c.clientHeight, animation: chart.options.animation,
                y: chart.scales.y ? chart.scales.y.ticks.map(t => t.label) : [],
                y2: chart.scales.y2 ? chart.scales.y2.ticks.map(t => t.label) : []};
    })""")


def test_it_draws_the_summary_charts_under_the_csp(page, live_server, md, password, rtp, hsp):
    collections(rtp, hsp)
    log_in(page, live_server, md.username, password)
    page.goto(f"{live_server.url}/reports/summary/")

    charts = {chart["id"]: chart for chart in drawn_charts(page)}
    assert set(charts) == {"trend-chart", "division-chart"}
    for chart in charts.values():
        assert chart["width"] > 300 and chart["height"] > 200
        assert chart["animation"] is False
    assert any(label.endswith(" crore") for label in charts["division-chart"]["y"])
    assert any(label.endswith(" crore") for label in charts["trend-chart"]["y2"])
    assert page.evaluate("window.__csp") == []
    assert page.errors == []


def test_it_formats_rupees_the_indian_way_in_both_languages(page, live_server, md, password, rtp, hsp):
    log_in(page, live_server, md.username, password)
    page.goto(f"{live_server.url}/reports/summary/")
    drawn_charts(page)
    say = "[665000, 12345678.5, 9999999, 50000, -250000].map(v => kescoCharts.%s(v))"
    assert page.evaluate(say % "rupees") == ["₹6,65,000", "₹1,23,45,678.50", "₹99,99,999", "₹50,000", "-₹2,50,000"]
    assert page.evaluate(say % "rupeesShort") == ["₹6.65 lakh", "₹1.23 crore", "₹1 crore", "₹50,000", "-₹2.5 lakh"]

    page.click("label.nav-toggle-label")  # the language switch is in the phone's menu
    page.click("button[value=hi]")
    page.wait_for_load_state()
    drawn_charts(page)
    assert page.evaluate(say % "rupeesShort") == ["₹6.65 लाख", "₹1.23 करोड़", "₹1 करोड़", "₹50,000", "-₹2.5 लाख"]


def test_it_shows_the_table_when_the_chart_cannot_be_drawn(page, live_server, md, password, rtp):
    page.route("**/chart.umd.min.js", lambda route: route.abort())
    log_in(page, live_server, md.username, password)
    page.goto(f"{live_server.url}/reports/summary/")
    page.wait_for_function("document.querySelector('figure.chart details').open")
    assert page.is_visible("figure.chart details table")
    assert page.is_hidden("figure.chart .chart-box")
