"""The whole field day without a network, in a real Chromium, with every part of the offline app at work: the
service worker's saved pages, the phone's reserved receipt numbers, the outbox and the offline receipt.

A clerk opens the day online, goes offline, opens three stops, cuts one (confirmed), takes a payment at another
and shows its receipt at once; reloads offline and still sees all of it; comes back online, and the server has
exactly one cut and one payment, at the times the phone recorded. The screenshots go in the README."""

from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from core.words import amount_in_words_en, amount_in_words_hi
from drives.models import Stop
from payments.models import Payment, ReceiptNumber
from tests.browser.conftest import eventually, log_in
from tests.browser.test_field_offline import open_the_day, script_errors
from tests.drives.drive_data import build_list, defaulter, plan, served

pytestmark = [pytest.mark.needs_browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


# After the page's fonts have settled: a face of the bundled Devanagari font loaded (a face whose file could not be
# fetched is "error", and its text is drawn as boxes on a phone without a Devanagari font of its own).
DEVANAGARI_LOADED = """async () => {
  await document.fonts.ready;
  return [...document.fonts].some(face => face.family.replace(/"/g, "") === "KESCO Devanagari"
                                          && face.status === "loaded");
}"""


def outbox(page, username):
    return page.evaluate("user => KescoOutbox.list(user).then(rs => rs.map(r => ({key: r.key, kind: r.kind, "
                         "status: r.status, data: r.data, at: r.at})))", username)


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_a_whole_day_offline_lands_once_with_the_phones_times(phone, live_server, officer, clerk, password, rtp):
    names = ["Shyam Lal", "Geeta Devi", "Ram Prakash"]
    for index, name in enumerate(names):
        served(officer, defaulter(rtp, f"{40000 + 5000 * index}.00", name=name,
                                  address=f"{index + 7} Lal Bangla, Ratanpur"))
    build_list(rtp)
    plan(officer, rtp, [clerk], name="Ratanpur drive")
    stops = {stop.consumer.name: stop for stop in Stop.objects.filter(clerk=clerk).select_related("consumer")}
    cut, paying, visited = stops["Shyam Lal"], stops["Geeta Devi"], stops["Ram Prakash"]

    # Online: the day goes on the phone (pages, stops, a block of receipt numbers reserved to this clerk).
    log_in(phone, live_server, clerk.username, password)
    open_the_day(phone, live_server)
    phone.wait_for_selector("[data-outbox-ready]", state="attached")

    # The network goes. Three different stops open from the phone.
    phone.context.set_offline(True)
    for stop in (visited, paying, cut):
        phone.goto(f"{live_server.url}/field/stops/{stop.pk}/")
        assert stop.consumer.name in phone.inner_text("main")

    # A cut, confirmed: it waits on the phone and the day's list says so.
    phone.click("summary.danger")
    phone.click("button[value='disconnected:fuse_pulled']")
    phone.click("[data-confirm-yes]")
    phone.wait_for_url(f"{live_server.url}/field/")
    phone.wait_for_selector(f"[data-stop='{cut.pk}'] .pending-badge")

    # A payment at another stop: the receipt at once, marked "not yet sent", with a reserved number.
    phone.goto(f"{live_server.url}/field/stops/{paying.pk}/pay/")
    phone.wait_for_selector("[data-outbox-ready]", state="attached")
    number = phone.input_value("input[name=receipt_no]")
    phone.fill("input[name=amount]", "2500.75")
    phone.check("input[name=mode][value=cash]")
    phone.click("form[data-queue=payment] button[type=submit]")
    phone.wait_for_url(f"{live_server.url}/field/receipts/pending/*")
    phone.wait_for_selector("[data-pending-receipt][data-drawn]", state="attached")
    assert "Not yet sent" in phone.inner_text("[data-pending-mark]")
    assert phone.inner_text(".receipt-no") == number
    assert phone.inner_text(".words-en") == amount_in_words_en(Decimal("2500.75"))
    assert phone.inner_text(".words-hi") == amount_in_words_hi(Decimal("2500.75"))
    # Its Hindi half is drawn in the bundled font, which the phone saved with the day: no network, no boxes.
    assert phone.evaluate(DEVANAGARI_LOADED), "the bundled Devanagari font did not load offline"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=str(SCREENSHOTS / "field-offline-receipt.png"), full_page=True)

    # Reloaded with no network: the receipt, the stops and the waiting records are all still there.
    phone.reload()
    phone.wait_for_selector("[data-pending-receipt][data-drawn]", state="attached")
    assert phone.inner_text(".receipt-no") == number
    phone.goto(f"{live_server.url}/field/")
    phone.reload()
    assert all(name in phone.inner_text("main") for name in names)
    phone.wait_for_selector(f"[data-stop='{cut.pk}'] .pending-badge")
    phone.wait_for_selector("text=2 waiting")
    phone.screenshot(path=str(SCREENSHOTS / "field-offline-stops.png"), full_page=True)
    # (Between tries: a try under way shows "sending" for a moment.)
    eventually(phone, lambda: [r["status"] for r in outbox(phone, clerk.username)] == ["waiting", "waiting"],
               what="the cut and the payment are not waiting on the phone")
    records = {record["kind"]: record for record in outbox(phone, clerk.username)}
    assert sorted(records) == ["outcome", "payment"]
    assert Payment.objects.count() == 0 and not Stop.objects.filter(outcome="disconnected").exists()

    # Back online: exactly one cut and one payment, at the phone's times, under the clerk's name.
    phone.context.set_offline(False)
    eventually(phone, lambda: Payment.objects.count() == 1 and Stop.objects.filter(outcome="disconnected").exists(),
               what="the server never got the phone's records")
    eventually(phone, lambda: all(r["status"] == "sent" for r in outbox(phone, clerk.username)),
               what="the phone never heard the server had them")
    phone.goto(f"{live_server.url}/field/")
    assert Payment.objects.count() == 1
    assert Stop.objects.filter(outcome="disconnected").count() == 1
    cut.refresh_from_db()
    assert (cut.outcome, cut.method, cut.outcome_by) == ("disconnected", "fuse_pulled", clerk)
    assert cut.outcome_at == moment(records["outcome"]["at"])
    payment = Payment.objects.get()
    assert (payment.amount, payment.receipt_no, payment.taken_by, payment.drive_stop_id) == (
        Decimal("2500.75"), number, clerk, paying.pk)
    assert payment.paid_at == moment(records["payment"]["data"]["paid_at"])
    assert ReceiptNumber.objects.get(number=number).reserved_by == clerk
    assert script_errors(phone) == []
