"""The field clerk's day on a phone, in a real Chromium: today's stops, a disconnection, a payment taken with the
network down and sent when it is back (recorded once), the receipt, the reconnection."""

from pathlib import Path

import pytest

from drives.models import ReconnectionOrder, ReconnectionStatus, Stop
from payments.models import Payment
from tests.browser.conftest import eventually, log_in, wait_for_path
from tests.drives.drive_data import build_list, defaulter, plan, served

pytestmark = [pytest.mark.needs_browser, pytest.mark.django_db(transaction=True)]

SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "field-stops.png"


def test_a_clerk_cuts_takes_a_payment_offline_and_reconnects(phone, live_server, officer, clerk, password, rtp):  # noqa: F811
    shyam = defaulter(rtp, "40000.00", name="Shyam Lal", phone="9839012345", address="7 Lal Bangla, Ratanpur")
    defaulter(rtp, "25000.00", name="Geeta Devi", address="22 Juhi Kalan, Ratanpur")
    served(officer, shyam)
    build_list(rtp)
    plan(officer, rtp, [clerk], name="Ratanpur drive")
    stop = Stop.objects.get(consumer=shyam)

    # The clerk's home is today's stops.
    log_in(phone, live_server, clerk.username, password)
    assert "Shyam Lal" in phone.inner_text("main") and "Geeta Devi" in phone.inner_text("main")
    assert phone.locator(f"[data-stop='{stop.pk}'] a[href='tel:9839012345']").count() == 1
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=str(SCREENSHOT), full_page=True)

    # One tap for "disconnected", one for the method, and the cut confirmed (static/js/field/confirm.js).
    phone.click(f"[data-stop='{stop.pk}'] a.primary")
    phone.click("summary.danger")
    phone.click("button[value='disconnected:fuse_pulled']")
    phone.click("dialog.cut-confirm [data-confirm-yes]")
    phone.wait_for_url(f"{live_server.url}/field/")
    assert phone.locator(f"[data-stop='{stop.pk}']").count() == 0
    stop.refresh_from_db()
    assert (stop.outcome, stop.method) == ("disconnected", "fuse_pulled")

    # The disconnected consumer pays the whole arrears and the charge while the network is down.
    shyam.refresh_from_db()
    phone.click(f"[data-done-stop='{stop.pk}']")
    phone.click("a.pay-link")
    phone.wait_for_selector("[data-outbox-ready]")  # the phone's reserved number is in the form
    receipt_no = phone.input_value("input[name=receipt_no]")
    assert receipt_no.startswith("RTP-")
    phone.fill("input[name=amount]", str(shyam.arrears))
    phone.check("input[name=mode][value=upi]")
    phone.fill("input[name=upi_reference]", "UPI-4471")
    phone.context.set_offline(True)
    phone.click("text=Record payment and issue receipt")
    # Kept on the phone (the page says so, on the pay form or on the offline receipt it goes to).
    eventually(phone, lambda: "1 waiting to send" in phone.inner_text("[data-outbox-status]", timeout=1000),
               what="the payment was not shown as waiting")
    assert Payment.objects.count() == 0

    # The network is back: the queue sends it once and the page shows the receipt.
    phone.context.set_offline(False)
    # (Through the offline receipt, when the page went there: the server's receipt takes its place.)
    wait_for_path(phone, r"/field/receipts/\d+/$")
    assert phone.inner_text(".receipt-no") == receipt_no
    assert "Rupees" in phone.inner_text(".words-en") and "रुपये" in phone.inner_text(".words-hi")
    payment = Payment.objects.get()
    assert (payment.amount, payment.mode, payment.taken_by) == (shyam.arrears, "upi", clerk)

    # The same submission sent again (another page of the clerk's, a retry) is not a second payment.
    phone.goto(f"{live_server.url}/field/")
    phone.wait_for_load_state("networkidle")
    assert Payment.objects.count() == 1
    assert "waiting" not in phone.inner_text("[data-queue-status]")

    # The payment ordered the reconnection: the clerk does it and records it.
    order = ReconnectionOrder.objects.get(consumer=shyam)
    phone.goto(f"{live_server.url}/field/reconnections/")
    phone.fill(f"#id_notes_{order.pk}", "fuse put back")
    phone.click(f"[data-order='{order.pk}'] button")
    phone.wait_for_selector("text=No reconnections waiting.")
    order.refresh_from_db()
    shyam.refresh_from_db()
    assert (order.status, order.notes, shyam.status) == (ReconnectionStatus.DONE, "fuse put back", "connected")
