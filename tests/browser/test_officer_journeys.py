"""The division officer's day in a real Chromium at 1366 × 768, in English and Hindi: a reconnection approved below
the minimum from the Reconnections page's list, and a drive's notices recorded with select-all, each consumer then
shown with the day it was served and the day a cut becomes lawful. The screenshots go in the README."""

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from core.dates import india_today
from core.models import Source
from defaulters.services import defaulter_list_build_division
from drives.models import Notice, ReconnectionOrder
from drives.services import drive_plan
from tests.browser.conftest import log_in, new_page
from tests.drives.reconnection_data import cut, defaulter
from tests.factories import add_entry, make_user

pytestmark = [pytest.mark.needs_browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
LAPTOP = {"width": 1366, "height": 768}
LANGUAGES = ["en", "hi"]


def officer_page(browser, live_server, officer, password, language: str):
    page = new_page(browser, LAPTOP)
    log_in(page, live_server, officer.username, password)
    if language == "hi":
        page.click("button[value=hi]")
        page.wait_for_load_state()
    return page


def settled(page):
    """Web fonts in (the Devanagari faces load on demand) before a screenshot."""
    page.evaluate("async () => { await document.fonts.ready; }")
    return page


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= LAPTOP["width"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_officer_approves_a_reconnection_below_the_minimum_from_the_list(browser, live_server, officer, password,
                                                                            rtp, language):
    ram = defaulter(rtp, account_no="03000001", name="Ram Lal", address="7 Lal Bangla, Kanpur")  # owes ₹40,000
    cut(ram, by=officer)
    add_entry(ram, "PAYMENT", "3000.00", india_today())  # the minimum is ₹10,000
    page = officer_page(browser, live_server, officer, password, language)

    page.goto(f"{live_server.url}/reconnections/")
    row = page.locator("#awaiting tr[data-account='03000001']")
    figures = row.inner_text()
    assert "₹3,000.00" in figures and "₹10,000.00" in figures and "₹7,000.00" in figures
    assert fits(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    settled(page).screenshot(path=str(SCREENSHOTS / f"officer-reconnections-{language}.png"), full_page=True)

    row.locator("input[name=reason]").fill("Widow's pension delayed; pays the rest on the 1st")
    row.locator("button[type=submit]").click()
    page.wait_for_load_state()

    order = ReconnectionOrder.objects.get(consumer=ram)
    assert order.approved_by == officer and order.paid == Decimal("3000.00")
    assert page.url == f"{live_server.url}/reconnections/"
    assert "03000001" in page.inner_text(".messages")
    assert page.locator("#awaiting tr[data-account='03000001']").count() == 0
    assert "Widow's pension delayed" in page.locator("#open tr[data-account='03000001']").inner_text()
    assert page.errors == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_officer_records_a_drives_notices_and_sees_when_a_cut_becomes_lawful(browser, live_server, officer,
                                                                                password, rtp, clerk, language):
    for n, place in enumerate(("Lal Bangla", "Juhi Kalan", "Swaroop Nagar"), start=1):
        defaulter(rtp, account_no=f"0100000{n}", name=f"Consumer {n}", address=f"{n} {place}, Kanpur")
    defaulter_list_build_division(division_id=rtp.pk, as_of=india_today(), trigger="command")
    drive = drive_plan(user=officer, division=rtp, date=india_today() + timedelta(days=1), name="Ratanpur morning",
                       min_arrears=Decimal("0"), max_stops=50, clerks=[clerk, make_user("clerk2_rtp", "clerk", rtp)],
                       source=Source.WEB)
    page = officer_page(browser, live_server, officer, password, language)

    page.goto(f"{live_server.url}/drives/{drive.pk}/notices/")
    page.check("#needed input[data-select-all]")
    assert page.locator("#needed input[name=account_nos]:checked").count() == 3
    page.click("#needed button.primary")
    page.wait_for_load_state()

    assert Notice.objects.filter(served_on=india_today()).count() == 3
    served, lawful = india_today(), india_today() + timedelta(days=16)
    assert f"{lawful:%d-%m-%Y}" in page.inner_text(".messages")
    assert page.locator("#needed input[name=account_nos]").count() == 0  # nothing invites a second notice
    waiting = page.locator("#waiting tr[data-account]")
    assert waiting.count() == 3
    for n in range(3):
        cells = waiting.nth(n)
        assert cells.locator("[data-served-on]").inner_text() == f"{served:%d-%m-%Y}"
        assert cells.locator("[data-lawful-from]").inner_text() == f"{lawful:%d-%m-%Y}"
    assert fits(page)
    settled(page).screenshot(path=str(SCREENSHOTS / f"officer-notices-{language}.png"), full_page=True)
    assert page.errors == []
