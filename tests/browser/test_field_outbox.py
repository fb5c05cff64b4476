"""The field app's outbox (static/js/field/outbox.js, app.js) in a real Chromium, on pages already open: two clerks
offline at once with their own reserved receipt numbers; a record refused meanwhile kept in "Needs attention" until
the clerk's fix; records that wait for their own user's session; the network lost in the middle of a send. The
server records the phone's tap time, once."""

from datetime import datetime

import pytest
from django.utils import timezone

from drives.models import Stop
from drives.services import drive_close
from payments.models import Payment, ReceiptNumber
from tests.browser.conftest import PHONE, eventually, log_in, new_page, wait_for_path
from tests.drives.drive_data import build_list, defaulter, plan, served
from tests.factories import make_user

pytestmark = [pytest.mark.needs_browser, pytest.mark.django_db(transaction=True)]


def records(page, username):
    """The user's records in the phone's outbox, as the page reads them."""
    return page.evaluate("user => KescoOutbox.list(user).then(rs => rs.map(r => ({key: r.key, status: r.status, "
                         "kind: r.kind, data: r.data, error: r.error, at: r.at})))", username)


def at_of(record) -> datetime:
    return datetime.fromisoformat(record["at"].replace("Z", "+00:00"))


def pay_offline(page, live_server, stop, amount):
    """Opens the stop's pay form online, then takes ``amount`` in cash with the network down; the receipt number
    the form showed (one of the phone's reserved numbers)."""
    page.goto(f"{live_server.url}/field/stops/{stop.pk}/pay/")
    page.wait_for_selector("[data-outbox-ready]")
    number = page.input_value("input[name=receipt_no][data-reserved=phone]")
    page.fill("input[name=amount]", amount)
    page.check("input[name=mode][value=cash]")
    page.context.set_offline(True)
    page.click("form[data-queue=payment] button[type=submit]")
    page.wait_for_selector(".outbox-saved")
    return number


def test_two_clerks_offline_at_once_take_payments_with_their_own_numbers(browser, live_server, officer, clerk,
                                                                         password, rtp):
    other = make_user("clerk_rtp_2", "clerk", rtp, password=password)
    shyam = defaulter(rtp, "40000.00", name="Shyam Lal", address="7 Lal Bangla, Ratanpur")
    geeta = defaulter(rtp, "25000.00", name="Geeta Devi", address="22 Juhi Kalan, Ratanpur")
    build_list(rtp)
    plan(officer, rtp, [clerk, other], name="Ratanpur drive")
    Stop.objects.filter(consumer=shyam).update(clerk=clerk)
    Stop.objects.filter(consumer=geeta).update(clerk=other)
    phones = {}
    try:
        for user in (clerk, other):
            phones[user] = new_page(browser, PHONE, is_mobile=True, has_touch=True)
            log_in(phones[user], live_server, user.username, password)
        taken = {}
        for user, consumer in ((clerk, shyam), (other, geeta)):
            before = timezone.now()
            taken[user] = (pay_offline(phones[user], live_server, Stop.objects.get(consumer=consumer), "1500"), before)
        # Both phones hold their payments; the server has nothing yet.
        assert Payment.objects.count() == 0
        for user in (clerk, other):
            # (Between tries: a try under way shows "sending" for a moment.)
            eventually(phones[user], lambda page=phones[user], name=user.username:
                       [r["status"] for r in records(page, name)] == ["waiting"], what="not waiting")
        back = timezone.now()
        for user in (clerk, other):
            phones[user].context.set_offline(False)
        for user in (clerk, other):
            wait_for_path(phones[user], r"/field/receipts/\d+/$")
            assert phones[user].inner_text(".receipt-no") == taken[user][0]
        payments = {p.taken_by: p for p in Payment.objects.all()}
        assert set(payments) == {clerk, other}
        assert payments[clerk].receipt_no != payments[other].receipt_no
        for user, payment in payments.items():
            number, before = taken[user]
            # The number came from the block reserved to this clerk's phone (POST receipt-blocks/).
            assert payment.receipt_no == number
            reserved = ReceiptNumber.objects.get(number=number)
            assert (reserved.reserved_by, reserved.source, reserved.payment_id) == (user, "api", payment.pk)
            # The phone's tap time, not the time it reached the server.
            assert before <= payment.paid_at < back
            assert payment.created_at >= back
    finally:
        for page in phones.values():
            page.context.close()


def test_a_refused_payment_needs_attention_survives_a_reload_and_is_resent_after_the_fix(phone, live_server, officer,
                                                                                          clerk, password, rtp):
    shyam = defaulter(rtp, "40000.00", name="Shyam Lal", address="7 Lal Bangla, Ratanpur")
    geeta = defaulter(rtp, "25000.00", name="Geeta Devi", address="22 Juhi Kalan, Ratanpur")
    served(officer, geeta)
    build_list(rtp)
    drive = plan(officer, rtp, [clerk], name="Ratanpur drive")
    log_in(phone, live_server, clerk.username, password)
    paid_stop, cut_stop = Stop.objects.get(consumer=shyam), Stop.objects.get(consumer=geeta)

    phone.goto(f"{live_server.url}/field/")
    phone.wait_for_selector("[data-outbox-ready]")  # the phone has its reserved receipt numbers

    # The API out of reach (the pages still open): a cut and a payment wait on the phone; the officer closes the
    # drive meanwhile.
    phone.route("**/api/v1/**", lambda route: route.abort("internetdisconnected"))
    phone.goto(f"{live_server.url}/field/stops/{cut_stop.pk}/")
    phone.click("summary.danger")
    phone.click("button[value='disconnected:fuse_pulled']")
    phone.click("[data-confirm-yes]")
    phone.wait_for_selector(".outbox-saved")
    phone.goto(f"{live_server.url}/field/stops/{paid_stop.pk}/pay/")
    phone.wait_for_selector("[data-outbox-ready]")
    number = phone.input_value("input[name=receipt_no][data-reserved=phone]")
    phone.fill("input[name=amount]", "1500")
    phone.check("input[name=mode][value=cash]")
    phone.click("form[data-queue=payment] button[type=submit]")
    phone.wait_for_selector(".outbox-saved")
    eventually(phone, lambda: [r["status"] for r in records(phone, clerk.username)] == ["waiting", "waiting"],
               what="the two records are not waiting")
    drive_close(user=officer, drive=drive)

    # Back online: both refused (drive_closed); nothing is dropped.
    phone.unroute("**/api/v1/**")
    # The next page the clerk opens tries every waiting record at once (a record tried while the API was out of
    # reach otherwise waits out its back-off).
    phone.goto(f"{live_server.url}/field/")
    phone.wait_for_function("() => /^2 /.test((document.querySelector('.outbox-status a.outbox-attention') || {})"
                            ".textContent || '')", timeout=30000)
    phone.goto(f"{live_server.url}/field/outbox/")
    phone.wait_for_selector("[data-outbox-page][data-ready]")
    attention = phone.locator("[data-outbox-attention] li.outbox-record")
    assert attention.count() == 2
    assert phone.locator(".outbox-status a.outbox-attention").inner_text().startswith("2 ")
    assert "closed" in phone.inner_text("[data-outbox-attention]")
    phone.reload()
    phone.wait_for_selector("[data-outbox-page][data-ready]")
    assert phone.locator("[data-outbox-attention] li.outbox-record").count() == 2
    assert Payment.objects.count() == 0

    # The clerk's fix: the payment without the stop. It is sent with its number and the phone's time.
    payment_item = phone.locator("[data-outbox-attention] li[data-kind=payment]")
    payment_item.locator("text=Send without the stop").click()
    phone.wait_for_function("() => document.querySelectorAll('[data-outbox-attention] li').length === 1")
    payment = Payment.objects.get()
    queued = [r for r in records(phone, clerk.username) if r["kind"] == "payment"][0]
    assert queued["status"] == "sent"
    assert (payment.receipt_no, payment.drive_stop_id, payment.taken_by) == (number, None, clerk)
    assert payment.paid_at == at_of(queued)

    # The cut can't be recorded on a closed drive: deleting it asks first, then keeps it in the audit list.
    phone.click("[data-outbox-attention] li[data-kind=outcome] .outbox-delete-open")
    assert phone.locator("dialog.outbox-delete").is_visible()
    phone.click("dialog.outbox-delete [data-delete-no]")
    assert phone.locator("[data-outbox-attention] li[data-kind=outcome]").count() == 1
    phone.click("[data-outbox-attention] li[data-kind=outcome] .outbox-delete-open")
    phone.click("dialog.outbox-delete [data-delete-yes]")
    phone.wait_for_selector("[data-outbox-audit] li.outbox-record")
    phone.reload()
    phone.wait_for_selector("[data-outbox-page][data-ready]")
    assert phone.locator("[data-outbox-attention] li").count() == 0
    assert "Geeta Devi" in phone.inner_text("[data-outbox-audit]")
    cut_stop.refresh_from_db()
    assert cut_stop.outcome == ""


def test_records_wait_for_their_own_user(phone, live_server, officer, clerk, password, rtp):
    geeta = defaulter(rtp, "25000.00", name="Geeta Devi", address="22 Juhi Kalan, Ratanpur")
    build_list(rtp)
    plan(officer, rtp, [clerk], name="Ratanpur drive")
    stop = Stop.objects.get(consumer=geeta)
    log_in(phone, live_server, clerk.username, password)
    phone.goto(f"{live_server.url}/field/stops/{stop.pk}/")
    phone.wait_for_selector("[data-outbox-ready]")

    phone.context.set_offline(True)
    phone.click("button[value='premises_locked']")
    phone.wait_for_selector(".outbox-saved")
    tapped = at_of(records(phone, clerk.username)[0])
    # The session ends while the record waits (the cookie is gone); back online it is not sent.
    csrf = [c for c in phone.context.cookies() if c["name"] == "csrftoken"]
    phone.context.clear_cookies()
    phone.context.add_cookies(csrf)
    phone.context.set_offline(False)
    phone.wait_for_function("() => /waiting/.test(document.querySelector('[data-outbox-status]').textContent)")
    phone.evaluate("user => KescoOutbox.flush({user, force: true})", clerk.username)
    assert "Log in as clerk_rtp" in phone.inner_text("[data-outbox-status]")
    stop.refresh_from_db()
    assert stop.outcome == ""

    # The officer logs in on the same phone: sees none of the clerk's records, sends none.
    log_in(phone, live_server, officer.username, password)
    phone.goto(f"{live_server.url}/field/outbox/")
    phone.wait_for_selector("[data-outbox-page][data-ready]")
    assert phone.locator("li.outbox-record").count() == 0
    assert "Geeta" not in phone.inner_text("main")
    assert "waiting" not in phone.inner_text("[data-outbox-status]")
    phone.evaluate("user => KescoOutbox.flush({user, force: true})", officer.username)
    phone.wait_for_timeout(1000)
    stop.refresh_from_db()
    assert (stop.outcome, stop.outcome_by) == ("", None)
    assert phone.evaluate("user => KescoOutbox.list(user).then(rs => rs.length)", clerk.username) == 1
    with phone.expect_navigation():
        phone.evaluate("document.querySelector(\"form[action$='logout/']\").submit()")

    # The clerk again: the record goes, under the clerk's name and with the time of the tap.
    log_in(phone, live_server, clerk.username, password)
    phone.goto(f"{live_server.url}/field/")
    phone.wait_for_function("() => /Last sent/.test(document.querySelector('[data-outbox-status]').textContent)")
    stop.refresh_from_db()
    assert (stop.outcome, stop.outcome_by, stop.outcome_at) == ("premises_locked", clerk, tapped)


@pytest.mark.parametrize("lost", ["answer", "request"])
def test_the_network_lost_in_the_middle_of_a_send_neither_doubles_nor_loses(phone, live_server, officer, clerk,
                                                                             password, rtp, lost):
    shyam = defaulter(rtp, "40000.00", name="Shyam Lal", address="7 Lal Bangla, Ratanpur")
    build_list(rtp)
    plan(officer, rtp, [clerk], name="Ratanpur drive")
    stop = Stop.objects.get(consumer=shyam)
    log_in(phone, live_server, clerk.username, password)
    attempts = []

    def cut(route):
        attempts.append(route.request.headers.get("idempotency-key"))
        if len(attempts) == 1:
            if lost == "answer":
                route.fetch()  # the server records it; the phone never hears back
            route.abort("internetdisconnected")
        else:
            route.continue_()

    phone.route("**/api/v1/payments/", cut)
    phone.goto(f"{live_server.url}/field/stops/{stop.pk}/pay/")
    phone.wait_for_selector("[data-outbox-ready]")
    phone.fill("input[name=amount]", "1500")
    phone.check("input[name=mode][value=cash]")
    phone.click("form[data-queue=payment] button[type=submit]")
    # The first try is lost; the record waits on the phone (on this page, or on its offline receipt when the
    # service worker already controls the page), and goes again with the same key: the server replays its
    # answer or records it once. The page ends on the server's receipt.
    wait_for_path(phone, r"/field/receipts/\d+/$")
    assert len(attempts) == 2 and attempts[0] == attempts[1]
    payment = Payment.objects.get()
    queued = records(phone, clerk.username)[0]
    assert queued["status"] == "sent"
    assert phone.url.endswith(f"/field/receipts/{payment.pk}/")
    # The phone's tap time, not the time the second try reached the server.
    assert payment.paid_at == at_of(queued) < payment.created_at
