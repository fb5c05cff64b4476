"""The clerk's day without a network, in a real Chromium (docs/FIELD.md): the service worker saves the day's
pages when the clerk opens today's stops, and serves them, per user, with the network switched off.

context.set_offline(True) also cuts the service worker's own fetches in Chromium (checked with Playwright 1.65:
docs/FIELD.md, "Testing"), so "offline" here is the phone's network really gone, for the pages and the worker.
"""

import random
import uuid
from decimal import Decimal

import pytest

from core.money import format_inr
from core.words import amount_in_words_en, amount_in_words_hi
from drives.models import Stop
from payments.models import Payment
from tests.browser.conftest import eventually, log_in, wait_for_path
from tests.drives.drive_data import build_list, defaulter, plan, served
from tests.factories import make_user

pytestmark = [pytest.mark.needs_browser, pytest.mark.django_db(transaction=True)]


def open_the_day(page, live_server):
    """Today's stops with a network: the worker controls the page and the day is saved on the phone."""
    page.goto(f"{live_server.url}/field/")
    page.wait_for_selector("[data-pwa][data-sw-ready='1']", state="attached")
    page.wait_for_selector("[data-pwa][data-day-saved]", state="attached", timeout=30000)
    page.wait_for_function("navigator.serviceWorker.controller !== null")


def script_errors(page):
    # A resource the browser could not fetch offline is not a script's error; everything else is.
    return [error for error in page.errors if "Failed to load resource" not in error]


PENDING_SAVED = ("caches.open('kesco-field-pages').then(cache => cache.keys()).then(keys => keys.filter("
                 "request => new URL(request.url).pathname === '/field/receipts/pending/'))")


def put_in_outbox(page, record):
    page.evaluate("record => KescoFieldDB.open().then(db => db.put('outbox', record))", record)


def payment_record(user, stop, amount, receipt_no):
    key = str(uuid.uuid4())
    return {"key": key, "user": user, "kind": "payment", "url": "/api/v1/payments/",
            "data": {"account_no": stop.consumer.account_no, "amount": amount, "mode": "cash",
                     "receipt_no": receipt_no, "paid_at": "2026-12-07T11:20:00+05:30", "drive_stop": stop.pk},
            "label": stop.consumer.name, "stop": stop.pk, "account_no": stop.consumer.account_no,
            "at": "2026-12-07T11:20:00+05:30", "created_at": "2026-12-07T11:20:01+05:30", "status": "waiting",
            "attempts": 0, "next_try_at": None, "error": None, "response": None, "sent_at": None}


def test_the_days_pages_open_offline_after_the_day_is_opened_online(phone, live_server, officer, clerk, password,
                                                                    rtp):
    names = ["Shyam Lal", "Geeta Devi", "Ram Prakash"]
    for index, name in enumerate(names):
        served(officer, defaulter(rtp, f"{40000 + 1000 * index}.00", name=name,
                                  address=f"{index + 7} Lal Bangla, Ratanpur"))
    build_list(rtp)
    plan(officer, rtp, [clerk], name="Ratanpur drive")
    stops = list(Stop.objects.filter(clerk=clerk).select_related("consumer").order_by("sequence"))
    assert len(stops) == 3

    log_in(phone, live_server, clerk.username, password)
    open_the_day(phone, live_server)
    assert "Day saved on this phone at" in phone.inner_text("[data-day-saved]")
    assert "(3 stops)" in phone.inner_text("[data-day-saved]")

    phone.context.set_offline(True)
    for stop in stops:
        phone.goto(f"{live_server.url}/field/stops/{stop.pk}/")
        assert stop.consumer.name in phone.inner_text("main")
        assert stop.consumer.account_no in phone.inner_text("main")
    phone.goto(f"{live_server.url}/field/stops/{stops[1].pk}/pay/")
    assert phone.locator("input[name=amount]").count() == 1
    assert stops[1].consumer.name in phone.inner_text("main")

    # A field page the phone never saved: the offline page, not the browser's "no internet".
    phone.goto(f"{live_server.url}/field/stops/{stops[-1].pk + 1000}/")
    assert phone.locator("[data-offline-page]").count() == 1

    # Reloaded offline, the pages are still there, and today's stops say when the day was saved.
    phone.goto(f"{live_server.url}/field/stops/{stops[0].pk}/")
    phone.reload()
    assert stops[0].consumer.name in phone.inner_text("main")
    phone.goto(f"{live_server.url}/field/")
    phone.reload()
    assert all(name in phone.inner_text("main") for name in names)
    phone.wait_for_selector("text=Day saved on this phone at")

    # A payment taken offline (the outbox's record, written here as outbox.js writes it): its receipt at once.
    stop = stops[2]
    record = payment_record(clerk.username, stop, "1500.50", "RTP-2026-77")
    put_in_outbox(phone, record)
    phone.goto(f"{live_server.url}/field/receipts/pending/#{record['key']}")
    phone.wait_for_selector(f"[data-pending-receipt][data-drawn='{record['key']}']", state="attached")
    assert phone.locator("[data-pending-mark]").is_visible()
    assert "Not yet sent" in phone.inner_text("[data-pending-mark]")
    assert phone.inner_text(".receipt-no") == "RTP-2026-77"
    assert phone.inner_text(".consumer-name") == stop.consumer.name
    assert phone.inner_text(".amount") == "₹1,500.50"
    assert phone.inner_text(".words-en") == amount_in_words_en(Decimal("1500.50"))
    assert phone.inner_text(".words-hi") == amount_in_words_hi(Decimal("1500.50"))
    assert phone.inner_text(".arrears-after") == format_inr(stop.consumer.arrears - Decimal("1500.50"))
    phone.reload()
    phone.wait_for_selector(f"[data-drawn='{record['key']}']", state="attached")
    assert phone.inner_text(".receipt-no") == "RTP-2026-77"
    assert script_errors(phone) == []


def test_a_payment_offline_with_no_receipt_page_on_the_phone_stays_on_the_form_and_is_sent_once(
        phone, live_server, officer, clerk, password, rtp):
    stop_consumer = defaulter(rtp, "12000.00", name="Shyam Lal", address="7 Lal Bangla, Ratanpur")
    served(officer, stop_consumer)
    build_list(rtp)
    plan(officer, rtp, [clerk], name="Ratanpur drive")
    stop = Stop.objects.get(consumer=stop_consumer)

    # The pay form, opened with a network, keeps its offline receipt on the phone for the clerk ...
    log_in(phone, live_server, clerk.username, password)
    phone.goto(f"{live_server.url}/field/stops/{stop.pk}/pay/")
    phone.wait_for_selector("[data-pwa][data-sw-ready='1']", state="attached")
    phone.wait_for_function("navigator.serviceWorker.controller !== null")
    phone.wait_for_selector("[data-outbox-ready]", state="attached")
    phone.wait_for_function(f"{PENDING_SAVED}.then(found => found.length > 0)", polling=200)
    # ... which the phone may lose all the same (the browser clears its storage, the day was never saved).
    phone.evaluate(f"caches.open('kesco-field-pages').then(cache => {PENDING_SAVED}"
                   ".then(found => Promise.all(found.map(request => cache.delete(request)))))")
    phone.fill("input[name=amount]", "12000.00")
    phone.check("input[name=mode][value=cash]")
    phone.context.set_offline(True)
    phone.click("form[data-queue=payment] button[type=submit]")

    # The clerk is not sent to "this page is not saved": the form says the payment is kept and waiting.
    phone.wait_for_selector(".outbox-saved")
    eventually(phone, lambda: "1 waiting to send" in phone.inner_text("[data-outbox-status]"),
               what="the payment was not shown as waiting")
    assert phone.url.endswith(f"/field/stops/{stop.pk}/pay/")
    assert phone.locator("[data-offline-page]").count() == 0
    assert Payment.objects.count() == 0

    # The network is back: sent once, and the server's receipt.
    phone.context.set_offline(False)
    wait_for_path(phone, r"/field/receipts/\d+/$")
    payment = Payment.objects.get()
    assert (payment.amount, payment.mode, payment.taken_by) == (Decimal("12000.00"), "cash", clerk)


def test_another_user_on_the_same_phone_never_gets_the_first_users_pages(phone, live_server, officer, clerk,
                                                                          password, rtp):
    first = [defaulter(rtp, "30000.00", name=name, address="3 Juhi Kalan, Ratanpur")
             for name in ("Shyam Lal", "Geeta Devi")]
    build_list(rtp)
    plan(officer, rtp, [clerk], name="First drive")
    other = make_user("clerk2_rtp", "clerk", rtp, password=password)
    defaulter(rtp, "35000.00", name="Kamla Bai", address="9 Govind Nagar, Ratanpur")
    build_list(rtp)
    plan(officer, rtp, [other], name="Second drive")
    mine = Stop.objects.get(clerk=other)
    theirs = list(Stop.objects.filter(clerk=clerk))
    assert len(theirs) == 2 and mine.consumer.name == "Kamla Bai"

    log_in(phone, live_server, clerk.username, password)
    open_the_day(phone, live_server)
    record = payment_record(clerk.username, theirs[0], "500.00", "RTP-2026-5")
    put_in_outbox(phone, record)

    # The first clerk's session ends (no logout: it expires); the other clerk logs in on the same phone.
    phone.context.clear_cookies()
    log_in(phone, live_server, other.username, password)
    assert "Kamla Bai" in phone.inner_text("main")
    open_the_day(phone, live_server)

    phone.context.set_offline(True)
    for stop in theirs:
        phone.goto(f"{live_server.url}/field/stops/{stop.pk}/")
        assert phone.locator("[data-offline-page]").count() == 1
        assert stop.consumer.name not in phone.content()
    phone.goto(f"{live_server.url}/field/")
    text = phone.inner_text("main")
    assert "Kamla Bai" in text and not any(consumer.name in text for consumer in first)
    phone.goto(f"{live_server.url}/field/stops/{mine.pk}/")
    assert "Kamla Bai" in phone.inner_text("main")
    # Nor the first clerk's payment waiting on the phone.
    phone.goto(f"{live_server.url}/field/receipts/pending/#{record['key']}")
    phone.wait_for_selector("[data-pending-missing]:not([hidden])")
    assert "RTP-2026-5" not in phone.content()

    # Signed out, the phone works for nobody: no one's pages offline.
    phone.context.set_offline(False)
    phone.goto(f"{live_server.url}/field/")
    with phone.expect_navigation():  # the menu is folded on a phone: the logout form, as its button sends it
        phone.evaluate("document.querySelector('form[action=\"/logout/\"]').requestSubmit()")
    phone.context.set_offline(True)
    phone.goto(f"{live_server.url}/field/stops/{mine.pk}/")
    assert phone.locator("[data-offline-page]").count() == 1
    assert "Kamla Bai" not in phone.content()


def test_the_phones_words_are_the_servers_for_many_amounts(phone, live_server, clerk, password):
    rng = random.Random(19)
    amounts = ["0.01", "0.10", "0.5", "0.005", "0.004", "1", "10", "11", "19", "20", "21", "99", "99.995", "100",
               "101", "999.99", "1000", "1001", "99999", "100000", "100001", "1234567.89", "9999999.99", "10000000",
               "10000001", "123456789.5", "999999999.99", "1000000000", "12345678901.23", "665000.50", "4512.50"]
    amounts += [f"{rng.randint(0, 10 ** rng.randint(1, 11))}.{rng.randint(0, 99):02d}" for _ in range(400)]
    amounts += [str(rng.randint(1, 200000)) for _ in range(100)]
    log_in(phone, live_server, clerk.username, password)
    phone.goto(f"{live_server.url}/field/")
    words = phone.evaluate("amounts => amounts.map(a => [KescoWords.english(a), KescoWords.hindi(a), "
                           "KescoWords.inr(KescoWords.paise(a))])", amounts)
    expected = [[amount_in_words_en(Decimal(a)), amount_in_words_hi(Decimal(a)), format_inr(Decimal(a))]
                for a in amounts]
    mismatches = [(a, got, want) for a, got, want in zip(amounts, words, expected, strict=True) if got != want]
    assert mismatches == []
