"""The outbox's "Needs attention" actions (/field/outbox/, static/js/field/app.js) end to end in a real Chromium:
a refused record handed over to the officer, who sees it on the home page and resolves it; a payment whose receipt
number was used meanwhile, sent again with the next reserved number; an outcome refused on a closed drive, attached
to the consumer's stop on today's other drive. Deleting a refused record after a confirmation is
tests/browser/test_field_outbox.py's (test_a_refused_payment_needs_attention_survives_a_reload_…)."""

from decimal import Decimal

import pytest

from core.models import Source
from drives.models import FieldHandover, HandoverStatus, Stop, StopStatus
from drives.services import drive_close
from payments.models import Payment
from payments.services import payment_record
from tests.browser.conftest import DESKTOP, log_in, new_page, wait_for_path
from tests.browser.test_field_offline import open_the_day
from tests.browser.test_field_outbox import at_of, records
from tests.drives.drive_data import build_list, defaulter, plan

pytestmark = [pytest.mark.needs_browser, pytest.mark.django_db(transaction=True)]

API = "**/api/v1/**"
NOTES = "cash ₹1,500 in hand, drive closed"


def audit(page, username):
    """The user's deleted or handed-over records on the phone (the audit store)."""
    return page.evaluate("user => KescoOutbox.audit(user).then(es => es.map(e => ({key: e.key, reason: e.reason, "
                         "kind: e.record.kind})))", username)


def pay_unsent(page, live_server, stop, amount):
    """Takes ``amount`` in cash at ``stop`` with the API out of reach (the pages still open): the record waits on
    the phone. The receipt number the form showed (one of the phone's reserved numbers) and the record's key."""
    page.goto(f"{live_server.url}/field/")
    page.wait_for_selector("[data-outbox-ready]", state="attached")  # the phone has its reserved receipt numbers
    page.context.route(API, lambda route: route.abort("internetdisconnected"))
    page.goto(f"{live_server.url}/field/stops/{stop.pk}/pay/")
    page.wait_for_selector("[data-outbox-ready]", state="attached")
    number = page.input_value("input[name=receipt_no][data-reserved=phone]")
    page.fill("input[name=amount]", amount)
    page.check("input[name=mode][value=cash]")
    page.click("form[data-queue=payment] button[type=submit]")
    page.wait_for_selector(".outbox-saved", state="attached")
    [record] = records(page, stop.clerk.username)
    # (Each page the clerk opens tries it again: "sending" while a try is under way.)
    assert record["status"] in ("waiting", "sending") and record["data"]["receipt_no"] == number
    return number, record["key"]


def needs_attention(page, live_server, count):
    """Back online: the next page the clerk opens sends what waits; ``count`` refused records need attention, and
    the outbox page lists them with their actions."""
    page.context.unroute(API)
    page.goto(f"{live_server.url}/field/")
    page.wait_for_function(f"() => /^{count} /.test((document.querySelector('.outbox-status a.outbox-attention') "
                           "|| {}).textContent || '')", timeout=30000)
    page.goto(f"{live_server.url}/field/outbox/")
    page.wait_for_selector("[data-outbox-page][data-ready]", state="attached")
    assert page.locator("[data-outbox-attention] li.outbox-record").count() == count


def attention_cleared(page):
    page.wait_for_function("() => document.querySelectorAll('[data-outbox-attention] li.outbox-record').length === 0",
                           timeout=30000)


def test_a_payment_on_a_closed_drive_is_handed_over_and_the_officer_resolves_it(browser, phone, live_server, officer,
                                                                              clerk, password, rtp):
    shyam = defaulter(rtp, "40000.00", name="Shyam Lal", address="7 Lal Bangla, Ratanpur")
    build_list(rtp)
    drive = plan(officer, rtp, [clerk], name="Ratanpur drive")
    stop = Stop.objects.get(consumer=shyam)
    log_in(phone, live_server, clerk.username, password)
    number, key = pay_unsent(phone, live_server, stop, "1500")
    drive_close(user=officer, drive=drive)

    needs_attention(phone, live_server, 1)
    [refused] = records(phone, clerk.username)
    # Its stop is unvisited now: the server names no stop of a closed drive (drives.reconnections.stop_for_payment).
    assert (refused["status"], refused["error"]["code"]) == ("attention", "drive_closed")
    item = phone.locator(f"[data-outbox-attention] li[data-key='{key}']")
    item.locator("summary", has_text="Hand over to the officer").click()
    # The notes are required: sent without them, nothing goes and the clerk is taken to them.
    item.locator("button", has_text="Send to the officer").click()
    assert phone.evaluate("document.activeElement.name") == "handover_notes"
    assert FieldHandover.objects.count() == 0
    # The notes typed survive the page's redrawing after each try of the outbox (every 5 seconds).
    item.locator("textarea[name=handover_notes]").fill(NOTES)
    phone.wait_for_timeout(6000)
    assert item.locator("details.handover").evaluate("details => details.open")
    assert item.locator("textarea[name=handover_notes]").input_value() == NOTES
    item.locator("button", has_text="Send to the officer").click()
    attention_cleared(phone)

    handover = FieldHandover.objects.get()
    assert (handover.by, handover.kind, handover.status, handover.notes) == (clerk, "payment", HandoverStatus.OPEN,
                                                                              NOTES)
    assert (str(handover.key), handover.consumer, handover.stop_id) == (key, shyam, stop.pk)
    assert handover.payload["receipt_no"] == number
    assert Decimal(handover.payload["amount"]) == Decimal("1500") == handover.amount
    assert handover.refusal_code == "drive_closed"
    assert handover.at == at_of(refused)
    assert Payment.objects.count() == 0
    # On the phone: the refused record is in the audit list as handed over; the handover itself is sent.
    left = records(phone, clerk.username)
    assert [(r["kind"], r["status"]) for r in left] == [("handover", "sent")]
    assert audit(phone, clerk.username) == [{"key": key, "reason": "handover", "kind": "payment"}]
    phone.wait_for_selector("[data-outbox-audit] li.outbox-record")
    assert "Handed over" in phone.inner_text("[data-outbox-audit]")
    assert "need attention" not in phone.inner_text("[data-outbox-status]")

    # The officer, on another browser: the handover waits on the home page with the clerk's notes and the amount.
    desk = new_page(browser, DESKTOP)
    try:
        log_in(desk, live_server, officer.username, password)
        desk.goto(f"{live_server.url}/")
        row = desk.locator(f"#handovers tr[data-handover='{handover.pk}']")
        assert NOTES in row.inner_text()
        assert "1,500" in row.inner_text()
        assert "Shyam Lal" in row.inner_text()
        desk.click("#handovers a[href$='/handovers/']")
        wait_for_path(desk, r"/handovers/$")
        row = desk.locator(f"tr[data-handover='{handover.pk}']")
        row.locator("summary", has_text="Resolve").click()
        row.locator("textarea[name=notes]").fill(f"Recorded by hand as {number} from the receipt book")
        row.locator("button[type=submit]").click()
        desk.wait_for_load_state()
        assert "resolved" in desk.inner_text("main").lower()
        handover.refresh_from_db()
        assert (handover.status, handover.resolved_by) == (HandoverStatus.RESOLVED, officer)
        desk.goto(f"{live_server.url}/")
        assert desk.locator(f"#handovers tr[data-handover='{handover.pk}']").count() == 0
    finally:
        desk.context.close()


def test_a_receipt_number_used_meanwhile_is_resent_with_the_next_reserved_number(phone, live_server, officer, clerk,
                                                                                 password, rtp):
    shyam = defaulter(rtp, "40000.00", name="Shyam Lal", address="7 Lal Bangla, Ratanpur")
    geeta = defaulter(rtp, "25000.00", name="Geeta Devi", address="22 Juhi Kalan, Ratanpur")
    build_list(rtp)
    plan(officer, rtp, [clerk], name="Ratanpur drive")
    stop = Stop.objects.get(consumer=shyam)
    log_in(phone, live_server, clerk.username, password)
    number, key = pay_unsent(phone, live_server, stop, "1500")
    # Meanwhile the same number goes on a counter payment (the clerk's own slip, entered on the web).
    counter = payment_record(user=clerk, account_no=geeta.account_no, amount="800", mode="cash", receipt_no=number,
                             source=Source.WEB)

    needs_attention(phone, live_server, 1)
    [refused] = records(phone, clerk.username)
    assert (refused["status"], refused["error"]["code"]) == ("attention", "duplicate_receipt")
    free = phone.evaluate("user => KescoOutbox.numbers.unused(user).then(rows => rows.map(r => r.number))",
                          clerk.username)
    assert number not in free
    following = free[0]
    item = phone.locator(f"[data-outbox-attention] li[data-key='{key}']")
    item.locator("button", has_text=f"Use another receipt number ({following})").click()
    attention_cleared(phone)

    [sent] = records(phone, clerk.username)
    assert (sent["key"], sent["status"], sent["data"]["receipt_no"]) == (key, "sent", following)
    payment = Payment.objects.exclude(pk=counter.pk).get()
    assert (payment.receipt_no, payment.amount, payment.taken_by, payment.drive_stop_id) == (
        following, Decimal("1500.00"), clerk, stop.pk)
    assert payment.paid_at == at_of(refused)
    assert Payment.objects.filter(receipt_no=number).get() == counter
    # The number is the phone's no longer; the receipt shows the new one.
    assert following not in phone.evaluate(
        "user => KescoOutbox.numbers.unused(user).then(rows => rows.map(r => r.number))", clerk.username)
    phone.click(f"[data-outbox-sent] li[data-key='{key}'] a.button")
    wait_for_path(phone, rf"/field/receipts/{payment.pk}/$")
    assert phone.inner_text(".receipt-no") == following


def test_an_outcome_on_a_closed_drive_is_attached_to_todays_other_drive(phone, live_server, officer, clerk, password,
                                                                        rtp):
    geeta = defaulter(rtp, "25000.00", name="Geeta Devi", address="22 Juhi Kalan, Ratanpur")
    build_list(rtp)
    first = plan(officer, rtp, [clerk], name="Morning drive")
    old_stop = Stop.objects.get(consumer=geeta)
    log_in(phone, live_server, clerk.username, password)
    open_the_day(phone, live_server)

    # Offline at the door: the premises are locked. The outcome waits on the phone.
    phone.goto(f"{live_server.url}/field/stops/{old_stop.pk}/")
    phone.wait_for_selector("[data-outbox-ready]", state="attached")
    phone.context.set_offline(True)
    phone.click("button[value='premises_locked']")
    phone.wait_for_url(f"{live_server.url}/field/")
    [waiting] = records(phone, clerk.username)
    # (The page the clerk lands on tries it again at once: "sending" while that try is under way.)
    assert waiting["kind"] == "outcome" and waiting["status"] in ("waiting", "sending")

    # Meanwhile the officer closes the morning's drive (its open stops become unvisited, so the consumer is free
    # again) and plans the consumer onto another drive of today, for the same clerk.
    drive_close(user=officer, drive=first)
    old_stop.refresh_from_db()
    assert old_stop.status == StopStatus.UNVISITED
    second = plan(officer, rtp, [clerk], name="Afternoon drive")
    new_stop = Stop.objects.get(drive=second, consumer=geeta)
    assert new_stop.status == StopStatus.OPEN and new_stop.clerk == clerk

    # Back online: the outcome is refused; today's stops online save the day again, with the other stop.
    phone.context.set_offline(False)
    phone.goto(f"{live_server.url}/field/")
    phone.wait_for_selector("[data-pwa][data-day-saved]", state="attached", timeout=30000)
    day = phone.evaluate("user => KescoFieldDB.open().then(db => db.get('days', user))", clerk.username)
    assert [(s["id"], s["drive"]) for s in day["stops"]] == [(new_stop.pk, second.pk)]
    needs_attention(phone, live_server, 1)
    [refused] = records(phone, clerk.username)
    assert (refused["status"], refused["error"]["code"]) == ("attention", "stop_closed")
    item = phone.locator(f"[data-outbox-attention] li[data-key='{waiting['key']}']")
    item.locator("button", has_text="Attach to today").click()
    attention_cleared(phone)

    [sent] = records(phone, clerk.username)
    assert (sent["key"], sent["status"]) == (waiting["key"], "sent")
    new_stop.refresh_from_db()
    assert (new_stop.status, new_stop.outcome, new_stop.outcome_by) == (StopStatus.DONE, "premises_locked", clerk)
    assert new_stop.outcome_at == at_of(waiting)  # the phone's tap time
    old_stop.refresh_from_db()
    assert (old_stop.status, old_stop.outcome) == (StopStatus.UNVISITED, "")
