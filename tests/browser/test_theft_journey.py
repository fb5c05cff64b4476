"""A theft case worked in a real Chromium at 1366 × 768, in English and in Hindi: the clerk reports theft at a stop
from the field page, the officer finds it in the division's list, assesses it onto the ledger and records the FIR.
The English case page's screenshot goes in the README."""

from pathlib import Path

import pytest

from arrears.models import LedgerEntry
from core.dates import india_today
from drives.models import Stop, TheftCase
from tests.browser.conftest import log_in, new_page
from tests.drives.drive_data import build_list, defaulter, plan, served

pytestmark = [pytest.mark.needs_browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
LAPTOP = {"width": 1366, "height": 768}


@pytest.fixture
def stop(rtp, officer, clerk):
    consumer = defaulter(rtp, "50000.00", account_no="00088001", name="Shyam Lal")
    served(officer, consumer)
    build_list(rtp)
    return Stop.objects.get(drive=plan(officer, rtp, [clerk]), consumer=consumer)


def fits(page) -> bool:
    """No sideways scrolling: the page is as wide as the window."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("language", ["en", "hi"])
def test_an_officer_works_a_theft_case_from_the_field_to_the_fir(browser, live_server, stop, clerk, officer,
                                                                  password, language):
    field = new_page(browser, LAPTOP)
    log_in(field, live_server, clerk.username, password)
    field.goto(f"{live_server.url}/field/stops/{stop.pk}/")
    field.click("details.extras summary")
    field.fill("textarea[name=notes]", "Hook on the LT line behind the house")
    field.click("button[name=outcome][value=theft_detected]")
    field.wait_for_url(f"{live_server.url}/field/")
    case = TheftCase.objects.get(stop=stop)
    assert (case.status, case.division.code, case.opened_by) == ("reported", "RTP", clerk)

    page = new_page(browser, LAPTOP)
    log_in(page, live_server, officer.username, password)
    if language == "hi":
        page.click("button[value=hi]")
        page.wait_for_load_state()
        assert page.get_attribute("html", "lang") == "hi"
    page.goto(f"{live_server.url}/theft-cases/")
    row = page.locator(f"tr[data-case='{case.pk}']")
    assert "00088001" in row.inner_text() and fits(page)
    row.locator("a").first.click()
    page.wait_for_url(f"{live_server.url}/theft-cases/{case.pk}/")

    reference = f"ASMT/RTP/{language.upper()}-1"
    page.fill("#assessment input[name=amount]", "48000")
    page.select_option("#assessment select[name=section]", "135")
    page.fill("#assessment input[name=reference]", reference)
    page.click("#assessment button[type=submit]")
    page.wait_for_url(f"{live_server.url}/theft-cases/{case.pk}/")
    assert page.locator("[data-field=assessment_reference]").inner_text().startswith(reference)
    entry = LedgerEntry.objects.get(reference=reference)
    assert (entry.kind, str(entry.amount), entry.entry_date) == ("ADJUSTMENT", "48000.00", india_today())

    page.fill("#fir input[name=fir_number]", "0412/2026")
    page.fill("#fir input[name=police_station]", "Kakadeo")
    page.click("#fir button[type=submit]")
    page.wait_for_url(f"{live_server.url}/theft-cases/{case.pk}/")
    assert page.locator("[data-field=fir_number]").inner_text() == "0412/2026"
    assert page.get_attribute("[data-status]", "data-status") == "fir_lodged"
    assert fits(page)
    assert page.errors == [] and field.errors == []
    if language == "en":
        page.screenshot(path=str(SCREENSHOTS / "theft-case.png"), full_page=True)
