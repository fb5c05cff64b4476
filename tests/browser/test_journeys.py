"""Journeys in a real Chromium (Debian's /usr/bin/chromium, driven by Playwright)."""

from datetime import date

import pytest

from payments.models import Payment
from tests.browser.conftest import log_in
from tests.factories import add_entry, make_consumer

pytestmark = [pytest.mark.needs_browser, pytest.mark.django_db(transaction=True)]


def test_a_clerk_takes_a_payment_on_a_phone_and_gets_a_receipt(phone, live_server, clerk, password, rtp):
    consumer = make_consumer(rtp, account_no="00012345", name="Ram Prasad Gupta")
    add_entry(consumer, "BILL", "20000.00", date(2026, 1, 1), due_date=date(2026, 1, 15))

    log_in(phone, live_server, clerk.username, password)
    assert "Today" in phone.inner_text("h1")

    phone.goto(f"{live_server.url}/consumers/")
    phone.fill("input[name=q]", "Ram Prasad")
    phone.click("text=Search")
    phone.click("text=00012345")
    assert "₹20,000.00" in phone.inner_text("main")

    phone.fill("input[name=amount]", "6650")
    phone.select_option("select[name=mode]", "upi")
    phone.fill("input[name=instrument_no]", "412345678901")
    phone.fill("input[name=receipt_no]", "RTP-0001")
    phone.click("text=Record payment and issue receipt")
    phone.wait_for_load_state()

    assert phone.inner_text(".receipt-no") == "RTP-0001"
    assert phone.inner_text(".balance-after") == "₹13,350.00"
    assert Payment.objects.get().amount == 6650


def test_a_duplicate_receipt_is_refused_on_the_page(phone, live_server, clerk, password, rtp):
    consumer = make_consumer(rtp, account_no="00012345")
    add_entry(consumer, "BILL", "20000.00", date(2026, 1, 1), due_date=date(2026, 1, 15))
    log_in(phone, live_server, clerk.username, password)
    for _ in range(2):
        phone.goto(f"{live_server.url}/consumers/00012345/")
        phone.fill("input[name=amount]", "100")
        phone.fill("input[name=receipt_no]", "RTP-0002")
        phone.click("text=Record payment and issue receipt")
        phone.wait_for_load_state()
    assert "already recorded" in phone.inner_text("main")
    assert Payment.objects.count() == 1


def test_an_officer_uploads_a_bad_ledger_and_reads_the_errors(browser, live_server, officer, password, rtp,
                                                              tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    make_consumer(rtp, account_no="00012345")
    bad = tmp_path / "ledger.csv"
    bad.write_text("account_no,entry_date,kind,amount,reference,due_date\n"
                   "00012345,2026-01-01,BILL,100.00,B-1,2026-01-15\n"
                   "00099999,2026-01-01,BILL,100.00,B-2,2026-01-15\n"
                   f"00012345,2026-01-01,{'BILLING' * 60},100.00,B-3,2026-01-15\n", encoding="utf-8")
    page = browser.new_page()
    page.set_default_timeout(15000)
    log_in(page, live_server, officer.username, password)
    page.goto(f"{live_server.url}/imports/upload/")
    page.select_option("select[name=kind]", "ledger")
    page.set_input_files("input[name=file]", str(bad))
    page.click("button.primary")
    page.wait_for_selector("text=line 3: account_no: outside your division")
    assert "failed" in page.inner_text("main").lower()
    assert "2 lines with problems, 2 problems" in page.inner_text("h2")
    # A long reason (the 420-letter kind quoted back) wraps inside its box: none of it is cut off at the edge.
    box = page.locator("pre.errors")
    assert "BILLING" * 60 in box.inner_text()
    assert box.evaluate("e => e.scrollWidth <= e.clientWidth"), "the errors box clips a long line"


def test_the_language_switch_shows_hindi(phone, live_server, clerk, password):
    log_in(phone, live_server, clerk.username, password)
    phone.click("label.nav-toggle-label")  # the menu folds away on a phone
    phone.click("button[value=hi]")
    phone.wait_for_load_state()
    assert "आज का काम" in phone.inner_text("h1")
