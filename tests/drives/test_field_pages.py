"""The field clerk's pages through the test client: today's stops, outcomes, the payment at a stop, the
receipt, the day's collections and reconnections (the JavaScript queue is the browser journey's)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client

from core.dates import india_today
from core.models import Source
from drives.models import ReconnectionOrder, ReconnectionStatus, Stop, StopStatus
from drives.reconnections import reconnection_due
from drives.services import stop_outcome_log
from payments.models import Payment
from payments.services import payment_record
from tests.drives.drive_data import build_list, defaulter, plan, served

pytestmark = pytest.mark.django_db


def logged_in(user, password) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def day(rtp, officer, clerk):
    """Today's drive: Shyam Lal (notice served a month ago) and Geeta Devi (no notice), both the clerk's."""
    shyam = defaulter(rtp, "250000.00", name="Shyam Lal", phone="9839012345", address="7 Lal Bangla, Kanpur")
    geeta = defaulter(rtp, "40000.00", name="Geeta Devi", address="22 Juhi Kalan, Kanpur")
    served(officer, shyam)
    build_list(rtp)
    drive = plan(officer, rtp, [clerk])
    stops = {stop.consumer.name: stop for stop in Stop.objects.filter(drive=drive).select_related("consumer")}
    return {"drive": drive, "shyam": shyam, "geeta": geeta, "stops": stops}


def test_it_shows_the_clerk_today_s_stops_with_arrears_notice_and_a_number_to_call(day, clerk, password):
    page = logged_in(clerk, password).get("/field/").content.decode()

    assert page.index("Shyam Lal") < page.index("Geeta Devi")  # walking order: the list's rank
    assert "₹2,50,000.00" in page and "₹40,000.00" in page
    assert 'href="tel:9839012345"' in page
    assert "Notice valid" in page and "No notice" in page


def test_it_is_the_clerk_s_home_page(day, clerk, password):
    page = logged_in(clerk, password).get("/").content.decode()
    assert "Today&#x27;s work" in page and "Shyam Lal" in page


def test_it_shows_the_day_from_which_a_recent_notice_allows_a_cut(day, officer, clerk, password):
    served(officer, day["geeta"], on=india_today() - timedelta(days=3))
    lawful = india_today() + timedelta(days=13)
    page = logged_in(clerk, password).get("/field/").content.decode()
    assert f"cut allowed from {lawful:%d-%m-%Y}" in page


def test_it_shows_no_stops_to_a_clerk_of_another_division(day, other_clerk, password):
    client = logged_in(other_clerk, password)
    assert "Shyam Lal" not in client.get("/field/").content.decode()
    assert client.get(f"/field/stops/{day['stops']['Shyam Lal'].pk}/").status_code == 404


def test_it_drops_a_stop_settled_by_a_payment_at_the_counter(day, officer, clerk, password):
    payment_record(user=officer, account_no=day["geeta"].account_no, amount=Decimal("40000.00"), mode="cash",
                   receipt_no="CTR-1", source=Source.WEB)

    page = logged_in(clerk, password).get("/field/").content.decode()
    assert f'data-stop="{day["stops"]["Geeta Devi"].pk}"' not in page
    assert "Geeta Devi · settled by a payment" in page  # under "Done today"
    assert f'data-stop="{day["stops"]["Shyam Lal"].pk}"' in page


def test_it_records_a_disconnection_with_one_tap(day, clerk, password):
    stop = day["stops"]["Shyam Lal"]
    client = logged_in(clerk, password)
    assert "Meter removed" in client.get(f"/field/stops/{stop.pk}/").content.decode()

    response = client.post(f"/field/stops/{stop.pk}/outcome/", {"outcome": "disconnected:meter_removed",
                                                               "notes": "meter taken to the sub-station"})

    assert response.status_code == 302 and response["Location"] == "/field/"
    stop.refresh_from_db()
    day["shyam"].refresh_from_db()
    assert (stop.status, stop.outcome, stop.method, stop.notes) == (
        StopStatus.DONE, "disconnected", "meter_removed", "meter taken to the sub-station")
    assert day["shyam"].status == "disconnected"
    page = client.get("/field/").content.decode()
    assert "Shyam Lal: disconnected." in page  # the message
    assert f'data-stop="{stop.pk}"' not in page


def test_it_shows_why_a_cut_is_refused_at_the_top_of_the_stop_page(day, clerk, password):
    stop = day["stops"]["Geeta Devi"]  # no notice
    client = logged_in(clerk, password)

    response = client.post(f"/field/stops/{stop.pk}/outcome/", {"outcome": "disconnected:fuse_pulled"}, follow=True)

    assert response.redirect_chain[-1][0] == f"/field/stops/{stop.pk}/"
    assert 'role="alert"' in response.content.decode() and "notice" in response.content.decode()
    stop.refresh_from_db()
    assert stop.status == StopStatus.OPEN


def test_it_proposes_the_next_receipt_number_of_the_division_series(day, clerk, password):
    year = india_today().year
    client = logged_in(clerk, password)
    stop = day["stops"]["Geeta Devi"]
    payment_record(user=clerk, account_no=day["shyam"].account_no, amount=Decimal("100.00"), mode="cash",
                   receipt_no=f"RTP-{year}-41", source=Source.WEB)
    # A number of the clerk's own block, after the last one of the series (tests/payments/test_receipt_numbers.py).
    assert f'value="RTP-{year}-000042"' in client.get(f"/field/stops/{stop.pk}/pay/").content.decode()


def test_it_takes_a_payment_at_the_stop_and_shows_the_receipt_in_words(day, clerk, password):
    stop = day["stops"]["Geeta Devi"]
    client = logged_in(clerk, password)

    response = client.post(f"/field/stops/{stop.pk}/pay/", {"amount": "40000.00", "mode": "cash",
                                                           "receipt_no": "RTP-F-1"}, follow=True)

    payment = Payment.objects.get()
    assert response.redirect_chain[-1][0] == f"/field/receipts/{payment.pk}/"
    receipt = response.content.decode()
    assert "RTP-F-1" in receipt
    assert "Rupees forty thousand only" in receipt and "चालीस हज़ार रुपये मात्र" in receipt
    stop.refresh_from_db()
    assert (stop.status, stop.outcome) == (StopStatus.DONE, "paid")


def test_it_asks_the_cheque_number_and_bank_for_a_cheque(day, clerk, password):
    stop = day["stops"]["Geeta Devi"]
    response = logged_in(clerk, password).post(f"/field/stops/{stop.pk}/pay/", {
        "amount": "100.00", "mode": "cheque", "receipt_no": "RTP-F-2"})
    assert response.status_code == 400
    assert "Needed for a cheque or demand draft." in response.content.decode()
    assert not Payment.objects.exists()


def test_it_keeps_the_upi_reference_and_prints_it_on_the_receipt(day, clerk, password):
    stop = day["stops"]["Geeta Devi"]
    response = logged_in(clerk, password).post(f"/field/stops/{stop.pk}/pay/", {
        "amount": "100.00", "mode": "upi", "upi_reference": "412345678901", "instrument_no": "typed before UPI",
        "receipt_no": "RTP-F-3"}, follow=True)

    assert Payment.objects.get().instrument_no == "412345678901"
    assert '<dd class="instrument-no">412345678901</dd>' in response.content.decode()


def test_it_names_the_stop_just_cut_when_the_consumer_pays_there(day, clerk, password):
    stop = day["stops"]["Shyam Lal"]
    stop_outcome_log(user=clerk, stop=stop, outcome="disconnected", method="fuse_pulled", source=Source.WEB)
    client = logged_in(clerk, password)
    page = client.get(f"/field/stops/{stop.pk}/pay/").content.decode()
    assert f'name="drive_stop" value="{stop.pk}"' in page  # what the outbox (static/js/field/app.js) sends to the API
    assert "This stop is closed" not in page

    client.post(f"/field/stops/{stop.pk}/pay/", {"amount": "5000.00", "mode": "cash", "receipt_no": "RTP-F-4"})

    payment = Payment.objects.get()
    assert payment.drive_stop == stop  # counted as paid on the spot
    stop.refresh_from_db()
    assert stop.outcome == "disconnected"


def test_it_lists_my_collections_of_today_only(day, clerk, officer, password):
    payment_record(user=clerk, account_no=day["geeta"].account_no, amount=Decimal("1500.00"), mode="upi",
                   receipt_no="RTP-C-1", instrument_no="412345678901", source=Source.WEB)
    payment_record(user=officer, account_no=day["shyam"].account_no, amount=Decimal("999.00"), mode="cash",
                   receipt_no="RTP-C-2", source=Source.WEB)

    page = logged_in(clerk, password).get("/field/collections/").content.decode()

    assert "RTP-C-1" in page and "₹1,500.00" in page
    assert "RTP-C-2" not in page  # the officer's, not the clerk's


def test_it_marks_a_reconnection_done(day, clerk, password):
    stop = day["stops"]["Shyam Lal"]
    stop_outcome_log(user=clerk, stop=stop, outcome="disconnected", method="fuse_pulled", source=Source.WEB)
    payment = payment_record(user=clerk, account_no=day["shyam"].account_no, amount=Decimal("250000.00"),
                             mode="cash", receipt_no="RTP-R-1", source=Source.WEB)
    order = ReconnectionOrder.objects.get(consumer=day["shyam"])
    assert payment.reconnection_order_id == order.pk
    client = logged_in(clerk, password)
    assert "Shyam Lal" in client.get("/field/reconnections/").content.decode()

    response = client.post(f"/field/reconnections/{order.pk}/done/", {"notes": "fuse back"})

    assert response.status_code == 302
    order.refresh_from_db()
    day["shyam"].refresh_from_db()
    assert (order.status, order.notes, day["shyam"].status) == (ReconnectionStatus.DONE, "fuse back", "connected")
    assert f'data-order="{order.pk}"' not in client.get("/field/reconnections/").content.decode()


def test_it_keeps_the_field_pages_from_hq(day, md, password):
    client = logged_in(md, password)
    assert client.get("/field/").status_code == 403
    assert client.get("/field/collections/").status_code == 403


# What the stop tells the clerk (issue 19): the cut only when lawful, the minimum, reconnected, the way there, and
# search and filters on the day's list.

def test_it_offers_the_cut_only_where_the_notice_allows_it_today(day, officer, clerk, password):
    client = logged_in(clerk, password)
    shyam = client.get(f"/field/stops/{day['stops']['Shyam Lal'].pk}/").content.decode()
    assert 'value="disconnected:fuse_pulled"' in shyam and 'class="cut-confirm"' in shyam
    assert "cut-blocked" not in shyam

    geeta = client.get(f"/field/stops/{day['stops']['Geeta Devi'].pk}/").content.decode()  # no notice
    assert 'value="disconnected:' not in geeta and "summary class=\"button big danger\"" not in geeta
    assert 'class="cut-blocked" data-notice-state="none"' in geeta
    assert "No disconnection notice has been served on this consumer." in geeta
    assert 'value="premises_locked"' in geeta  # the other outcomes stay

    served(officer, day["geeta"], on=india_today() - timedelta(days=3))
    lawful = india_today() + timedelta(days=13)
    geeta = client.get(f"/field/stops/{day['stops']['Geeta Devi'].pk}/").content.decode()
    assert 'value="disconnected:' not in geeta
    assert f"The notice was served too recently: a cut is lawful from {lawful:%d-%m-%Y}." in geeta  # DATE_FORMAT


def test_the_stop_and_pay_pages_name_the_stop_and_account_for_the_scripts(day, clerk, password):
    stop = day["stops"]["Shyam Lal"]
    client = logged_in(clerk, password)
    account = day["shyam"].account_no
    page = client.get(f"/field/stops/{stop.pk}/").content.decode()
    assert f'<section class="card stop" data-stop="{stop.pk}" data-account="{account}">' in page
    assert 'data-queue="outcome"' in page and 'name="at" data-at' in page
    pay = client.get(f"/field/stops/{stop.pk}/pay/").content.decode()
    assert f'<section class="card stop" data-stop="{stop.pk}" data-account="{account}">' in pay
    assert f'data-stop="{stop.pk}" data-account="{account}">' in pay.split('data-queue="payment"')[1]
    assert 'name="receipt_no"' in pay


def test_the_pay_form_shows_the_reconnection_minimum_and_the_shortfall(day, clerk, password):
    stop = day["stops"]["Shyam Lal"]  # ₹2,50,000 owed: the minimum is a share of it
    client = logged_in(clerk, password)
    before = client.get(f"/field/stops/{stop.pk}/pay/").content.decode()
    assert "If the supply is cut, reconnection needs at least" in before
    assert "At least" in before and "closes this stop as paid" in before  # the part-paid rule

    stop_outcome_log(user=clerk, stop=stop, outcome="disconnected", method="fuse_pulled", source=Source.WEB)
    payment_record(user=clerk, account_no=day["shyam"].account_no, amount=Decimal("1000.00"), mode="cash",
                   receipt_no="RTP-M-1", source=Source.WEB)
    after = client.get(f"/field/stops/{stop.pk}/pay/").content.decode()
    day["shyam"].refresh_from_db()
    due = reconnection_due(consumer=day["shyam"])
    assert f'class="reconnection-minimum" data-minimum="{due.minimum}"' in after
    assert f'class="short-by" data-short-by="{due.short_by}"' in after
    assert due.short_by == due.minimum - Decimal("1000.00")
    assert "If the supply is cut" not in after


def test_a_stop_cut_and_reconnected_reads_reconnected(day, clerk, password):
    stop = day["stops"]["Shyam Lal"]
    stop_outcome_log(user=clerk, stop=stop, outcome="disconnected", method="fuse_pulled", source=Source.WEB)
    payment_record(user=clerk, account_no=day["shyam"].account_no, amount=Decimal("250000.00"), mode="cash",
                   receipt_no="RTP-R-2", source=Source.WEB)
    client = logged_in(clerk, password)
    assert "reconnected" not in client.get(f"/field/stops/{stop.pk}/").content.decode().split("<main")[1]

    order = ReconnectionOrder.objects.get(consumer=day["shyam"])
    client.post(f"/field/reconnections/{order.pk}/done/", {"notes": "fuse back"})

    assert 'class="badge ok reconnected"' in client.get(f"/field/stops/{stop.pk}/").content.decode()
    listing = client.get("/field/").content.decode()
    assert f'data-done-stop="{stop.pk}"' in listing and "Shyam Lal · reconnected" in listing


def test_each_stop_has_a_directions_link_to_the_last_known_position_or_the_address(day, clerk, password):
    client = logged_in(clerk, password)
    listing = client.get("/field/").content.decode()
    assert ('class="button big directions" href="https://www.google.com/maps/search/?api=1&amp;query='
            '7%20Lal%20Bangla%2C%20Kanpur%2C%20Kanpur"') in listing

    # A position recorded at an earlier stop of the consumer's (another drive's) is where the clerk goes.
    geeta = day["stops"]["Geeta Devi"]
    stop_outcome_log(user=clerk, stop=geeta, outcome="premises_locked", latitude="26.449900", longitude="80.331900",
                     source=Source.WEB)
    page = client.get(f"/field/stops/{geeta.pk}/").content.decode()
    assert 'href="geo:26.449900,80.331900?q=26.449900,80.331900(Geeta%20Devi)"' in page


def test_the_day_s_list_searches_and_filters_without_javascript(day, officer, clerk, password):
    Stop.objects.filter(pk=day["stops"]["Geeta Devi"].pk).update(locality="Juhi Kalan")
    client = logged_in(clerk, password)
    shyam, geeta = day["stops"]["Shyam Lal"], day["stops"]["Geeta Devi"]

    def shown(**params):
        page = client.get("/field/", params).content.decode()
        return {name for name, stop in day["stops"].items() if f'data-stop="{stop.pk}"' in page}

    assert shown() == {"Shyam Lal", "Geeta Devi"}
    assert shown(q="geeta") == {"Geeta Devi"}
    assert shown(q=day["shyam"].account_no) == {"Shyam Lal"}
    assert shown(q="lal bangla") == {"Shyam Lal"}  # the address, every word
    assert shown(locality="Juhi Kalan") == {"Geeta Devi"}
    assert shown(notice="valid") == {"Shyam Lal"} and shown(notice="none") == {"Geeta Devi"}
    assert shown(status="done") == set() and shown(status="open") == {"Shyam Lal", "Geeta Devi"}
    assert "No stop matches." in client.get("/field/", {"q": "nobody"}).content.decode()

    # Each item carries what filter.js filters on, offline.
    page = client.get("/field/").content.decode()
    assert (f'data-stop="{geeta.pk}" data-account="{day["geeta"].account_no}"\n         data-locality="Juhi Kalan" '
            f'data-status="open"\n         data-notice-state="none" '
            f'data-search="geeta devi {day["geeta"].account_no} 22 juhi kalan, kanpur"') in page
    assert f'data-stop="{shyam.pk}"' in page and 'data-notice-state="valid"' in page
