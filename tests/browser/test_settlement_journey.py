"""An officer in Hindi registers a defaulter into a settlement scheme from the clerk's stop suggestion, in a real
Chromium at 1366 × 768: the stop says "eligible: pay ₹X now, then ₹Y × N", the scheme's page quotes each plan, the
deposit is taken as a payment on the consumer's page, the registration names its receipt and lands on the bilingual
slip with the schedule, which also fits a phone. The slip's screenshot is docs/screenshots/settlement-slip.png."""

import re
from decimal import Decimal
from pathlib import Path

import pytest

from accounts.models import User
from settlements.models import Settlement
from tests.browser.conftest import PHONE, log_in, new_page
from tests.drives.drive_data import build_list, plan, served
from tests.settlements.scheme_data import open_scheme, owing

pytestmark = [pytest.mark.needs_browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
LAPTOP = {"width": 1366, "height": 768}


@pytest.fixture
def scheme(db):
    return open_scheme()


@pytest.fixture
def stop(rtp, officer, clerk, scheme):
    # Principal ₹20,000 and surcharge ₹3,000 before the cut-off. Four instalments waive half the surcharge: ₹21,500,
    # ₹6,000 down (30% of the principal), then 4 × ₹3,875.
    consumer = owing(rtp, principal="20000.00", surcharge="3000.00", before=scheme.dues_cutoff,
                     account_no="00077001", name="Ramesh Yadav", address="14 Govind Nagar, Kanpur")
    served(officer, consumer, amount=Decimal("20000.00"))
    build_list(rtp)
    return plan(officer, rtp, [clerk]).stops.get(consumer=consumer)


def fits(page) -> bool:
    """No sideways scrolling: the page is as wide as the window."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_an_officer_registers_a_defaulter_from_the_stop_suggestion_in_hindi(browser, live_server, stop, scheme,
                                                                           officer, password):
    page = new_page(browser, LAPTOP)
    log_in(page, live_server, officer.username, password)
    page.click("button[value=hi]")
    page.wait_for_load_state()
    assert page.get_attribute("html", "lang") == "hi"

    # The stop: the suggestion, in Hindi, with the plan that asks the least down.
    page.goto(f"{live_server.url}/field/stops/{stop.pk}/")
    suggestion = page.locator(".scheme-suggestion")
    text = suggestion.inner_text()
    assert "परीक्षण समाधान के लिए पात्र" in text and "अभी ₹6,000.00" in text and "₹3,875.00 × 4" in text
    suggestion.locator("a.scheme-register").click()
    page.wait_for_url(re.compile(rf"/settlements/consumer/00077001/#scheme-{scheme.pk}$"))

    # The scheme's quote: each plan with what it waives, what is to pay and the deposit.
    quote = page.locator(f"#scheme-{scheme.pk}")
    assert quote.get_attribute("data-eligible") == "yes"
    instalments = quote.locator("tr[data-plan=instalments]").inner_text()
    assert "₹21,500.00" in instalments and "₹6,000.00" in instalments and "₹3,875.00 × 4" in instalments
    assert "₹20,000.00" in quote.locator("tr[data-plan=lump_sum]").inner_text()
    assert fits(page)

    # The deposit is a payment at the counter, on the consumer's page.
    quote.locator("a[href$='#take-payment']").click()
    page.wait_for_url(re.compile(r"/consumers/00077001/#take-payment$"))
    page.fill("#take-payment input[name=amount]", "6000")
    page.select_option("#take-payment select[name=mode]", "cash")
    page.fill("#take-payment input[name=receipt_no]", "RTP-OTS-0001")
    page.click("#take-payment button[type=submit]")
    page.wait_for_url(re.compile(r"/payments/\d+/receipt/$"))

    # Back to the scheme: register under four instalments with the deposit's receipt.
    page.goto(f"{live_server.url}/consumers/00077001/")
    page.click("a.settlement-link")
    page.wait_for_url(f"{live_server.url}/settlements/consumer/00077001/")
    form = page.locator(f"#scheme-{scheme.pk} form.register-form")
    form.locator("input[name=plan][value=instalments]").check()
    form.locator("input[name=deposit_receipt_no]").fill("RTP-OTS-0001")
    form.locator("button[type=submit]").click()

    settlement = Settlement.objects.get(consumer=stop.consumer)
    page.wait_for_url(f"{live_server.url}/settlements/{settlement.pk}/slip/")
    assert (settlement.plan, settlement.payable, settlement.deposit, settlement.deposit_receipt_no) == (
        "instalments", Decimal("21500.00"), Decimal("6000.00"), "RTP-OTS-0001")
    assert settlement.registered_by == officer

    # The slip: English and Hindi side by side, the schedule with its due dates, the deposit paid.
    slip = page.locator(".slip")
    assert settlement.reference in slip.locator(".slip-reference").inner_text()
    assert "Settlement scheme registration" in slip.locator("h1").inner_text()
    assert "समाधान योजना पंजीकरण" in slip.locator("h1").inner_text()
    assert "RTP-OTS-0001" in slip.locator(".slip-deposit").inner_text()
    rows = slip.locator("tr[data-instalment]")
    assert rows.count() == 5
    dues = list(settlement.instalments.order_by("number"))
    for row, due in zip(rows.all(), dues, strict=True):
        assert row.locator(".due-on").inner_text() == due.due_on.strftime("%d-%m-%Y")
    assert [row.locator(".amount").inner_text() for row in rows.all()][1:] == ["₹3,875.00"] * 4
    assert rows.first.get_attribute("data-state") == "paid"  # the deposit
    assert fits(page) and page.errors == []
    page.screenshot(path=str(SCREENSHOTS / "settlement-slip.png"), full_page=True)
    page.context.close()

    # The same slip on a clerk's phone: nothing scrolls sideways.
    User.objects.filter(pk=officer.pk).update(language="hi")
    phone = new_page(browser, PHONE, is_mobile=True, has_touch=True)
    log_in(phone, live_server, officer.username, password)
    phone.goto(f"{live_server.url}/settlements/{settlement.pk}/slip/")
    assert phone.locator(".slip tr[data-instalment]").count() == 5 and fits(phone)
    assert phone.errors == []
    phone.context.close()
