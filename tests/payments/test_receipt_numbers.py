"""Receipt numbers (DESIGN.md, Domain rules): one canonical text (NFKC, upper case, A-Z 0-9 - / only, at most 40),
unique across KESCO; a division's proposed series that nothing jams; numbers reserved to a user (POST
receipt-blocks/, the pay pages' proposals), which nobody else may use; a clerk opens only their own receipts."""

import re
import threading
import time

import pytest
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from arrears.models import LedgerEntry
from core.codes import receipt_no_canonical
from core.dates import india_today
from payments.models import Payment, ReceiptNumber
from payments.services import payment_record, receipt_block_reserve, receipt_no_propose
from tests.drives.reconnection_data import defaulter, on_drive
from tests.factories import make_user

ACCOUNT = "00054321"
TAKE = "/admin/payments/payment/take/"


@pytest.fixture
def consumer(rtp):
    return defaulter(rtp, account_no=ACCOUNT, owes="40000.00")


@pytest.fixture
def stop(consumer, officer, clerk):
    return on_drive(consumer, officer=officer, clerk=clerk)


@pytest.fixture
def second_clerk(rtp):
    return make_user("clerk_rtp_2", "clerk", rtp)


def series(n: int) -> str:
    return f"RTP-{india_today().year}-{n:06d}"


def pay(api_client, user, receipt_no, **headers):
    api_client.force_authenticate(user)
    return api_client.post("/api/v1/payments/", {"account_no": ACCOUNT, "amount": "100.00", "mode": "cash",
                                                 "receipt_no": receipt_no}, format="json", **headers)


def reserve(api_client, user, count, **headers):
    api_client.force_authenticate(user)
    return api_client.post("/api/v1/receipt-blocks/", {"count": count}, format="json", **headers)


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def proposed(page) -> str:
    assert page.status_code == 200
    return re.search(r'name="receipt_no" value="([^"]+)"', page.content.decode()).group(1)


# --- one canonical text -----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("typed", "canonical"), [
    ("RTP-2026-1", "RTP-2026-1"),
    ("rtp-2026-1", "RTP-2026-1"),
    ("RTP-2026-１", "RTP-2026-1"),  # a full-width digit one
    ("ＲＴＰ－２０２６／１", "RTP-2026/1"),
    (" RTP-2026-1 ", "RTP-2026-1"),
    ("RTP\u200b-2026-1", None),  # a zero-width space
    ("RTP-2026-1\u202e", None),  # a right-to-left override
    ("RTP 2026-1", None),  # a space inside
    ("\u0420TP-2026-1", None),  # a Cyrillic Р
    ("RTP_2026_1", None),
    ("", None),
    ("R" * 41, None),
])
def test_it_makes_a_receipt_number_canonical_or_has_none(typed, canonical):
    assert receipt_no_canonical(typed) == canonical


@pytest.mark.parametrize("look_alike", ["rtp-2026-1", "RTP-2026-１"])
def test_it_refuses_a_look_alike_of_a_recorded_receipt_as_a_duplicate(api_client, consumer, clerk, look_alike):
    assert pay(api_client, clerk, "RTP-2026-1").status_code == 201

    response = pay(api_client, clerk, look_alike)

    assert response.status_code == 409
    assert (response.json()["code"], response.json()["field"]) == ("duplicate_receipt", "receipt_no")
    assert Payment.objects.count() == 1


@pytest.mark.parametrize("typed", ["RTP\u200b-2026-1", "RTP-2026-1\u202e", "RTP 2026-1", "\u0420TP-2026-1"])
def test_it_refuses_an_invisible_or_look_alike_character_as_a_400_on_receipt_no(api_client, consumer, clerk, typed):
    response = pay(api_client, clerk, typed)

    assert response.status_code == 400
    assert list(response.json()) == ["receipt_no"]
    assert not Payment.objects.exists() and not LedgerEntry.objects.filter(kind="PAYMENT").exists()


def test_it_records_the_canonical_number_on_the_receipt_and_the_ledger(api_client, consumer, clerk):
    response = pay(api_client, clerk, "rtp-2026-７")

    assert response.status_code == 201 and response.json()["receipt_no"] == "RTP-2026-7"
    assert LedgerEntry.objects.get(kind="PAYMENT").reference == "RTP-2026-7"


def test_it_refuses_an_invisible_character_in_the_service_behind_the_pages_and_the_admin(consumer, officer):
    from core.errors import DomainError

    with pytest.raises(DomainError) as refused:
        payment_record(user=officer, account_no=ACCOUNT, amount="100.00", mode="cash", receipt_no="RTP\u200b-1")
    assert (refused.value.code, refused.value.field) == ("invalid_receipt_no", "receipt_no")


def test_it_refuses_a_look_alike_on_the_clerk_s_pay_page(stop, clerk):
    client = logged_in(clerk)
    assert client.post(f"/field/stops/{stop.pk}/pay/", {"amount": "100.00", "mode": "cash",
                                                        "receipt_no": "RTP-2026-1"}).status_code == 302

    invisible = client.post(f"/field/stops/{stop.pk}/pay/", {"amount": "100.00", "mode": "cash",
                                                             "receipt_no": "RTP\u200b-2026-1"})
    twin = client.post(f"/field/stops/{stop.pk}/pay/", {"amount": "100.00", "mode": "cash",
                                                       "receipt_no": "rtp-2026-1"})

    assert invisible.status_code == 400 and "no spaces, no other signs" in invisible.content.decode()
    assert twin.status_code == 400 and "already recorded" in twin.content.decode()
    assert Payment.objects.count() == 1


def test_it_refuses_a_look_alike_on_the_counter_page(consumer, officer):
    response = logged_in(officer).post(f"/consumers/{ACCOUNT}/pay/", {"amount": "100.00", "mode": "cash",
                                                                      "receipt_no": "RTP-2026-1\u202e"})
    assert response.status_code == 400
    assert not Payment.objects.exists()


# --- the proposed series ------------------------------------------------------------------------------------

def test_it_is_not_jammed_by_a_number_beyond_the_series(consumer, officer, clerk):
    payment_record(user=clerk, account_no=ACCOUNT, amount="100.00", mode="cash",
                   receipt_no=f"RTP-{india_today().year}-999999999")
    client = logged_in(officer)

    for _ in range(3):
        number = proposed(client.get(TAKE))
        response = client.post(TAKE, {"account_no": ACCOUNT, "amount": "100.00", "mode": "cash",
                                      "receipt_no": number})
        assert response.status_code == 302, response.content.decode()
    assert sorted(Payment.objects.filter(taken_by=officer).values_list("receipt_no", flat=True)) == [
        series(1), series(2), series(3)]


def test_it_takes_the_lowest_free_numbers_once_the_series_last_is_used(api_client, consumer, clerk):
    pay(api_client, clerk, series(1))
    pay(api_client, clerk, series(3))
    pay(api_client, clerk, f"RTP-{india_today().year}-999999")  # the series' last number, typed by hand

    numbers = reserve(api_client, clerk, 2).json()["numbers"]

    assert numbers == [series(2), series(4)]
    assert all(pay(api_client, clerk, number).status_code == 201 for number in numbers)


def test_it_proposes_different_numbers_on_two_pay_pages_open_at_once(stop, officer, clerk, second_clerk):
    clerk_page, clerk_tab = logged_in(clerk), logged_in(clerk)
    first = proposed(clerk_page.get(f"/field/stops/{stop.pk}/pay/"))
    second = proposed(clerk_tab.get(f"/field/stops/{stop.pk}/pay/"))
    officers = proposed(logged_in(officer).get(f"/field/stops/{stop.pk}/pay/"))
    counter = proposed(logged_in(officer).get(TAKE))

    assert len({first, second, officers, counter}) == 4
    assert first == series(1)


# Row locks (select_for_update ... skip locked) are PostgreSQL's: SQLite locks the whole table.
@pytest.mark.needs_postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("with_block", [False, True], ids=["no block yet", "a block already"])
def test_it_proposes_different_numbers_to_two_pages_at_the_same_moment(rtp, clerk, with_block):
    if with_block:
        receipt_block_reserve(user=clerk, count=5, division=rtp, source="web")
    first_proposed, numbers = threading.Event(), {}

    def second_page():
        first_proposed.wait(timeout=10)
        try:
            numbers["second"] = receipt_no_propose(user=clerk, division=rtp)
        finally:
            connection.close()

    thread = threading.Thread(target=second_page)
    thread.start()
    with transaction.atomic():  # the first page's request, still open while the second asks
        numbers["first"] = receipt_no_propose(user=clerk, division=rtp)
        first_proposed.set()
        time.sleep(0.5)
    thread.join(timeout=30)

    assert numbers["first"] != numbers["second"]
    assert numbers["first"] == series(1)


def test_it_proposes_none_of_last_year_s_numbers(stop, rtp, clerk):
    ReceiptNumber.objects.create(number=f"RTP-{india_today().year - 1}-000001", division=rtp, reserved_by=clerk,
                                 reserved_at=timezone.now(), source="web")

    assert proposed(logged_in(clerk).get(f"/field/stops/{stop.pk}/pay/")) == series(1)


def test_it_proposes_to_the_clerk_a_number_of_their_own_block(stop, clerk):
    number = proposed(logged_in(clerk).get(f"/field/stops/{stop.pk}/pay/"))

    reserved = ReceiptNumber.objects.get(number=number)
    assert (reserved.reserved_by, reserved.division.code, reserved.payment) == (clerk, "RTP", None)
    # A block was reserved at once; the rest waits for the next pages.
    assert ReceiptNumber.objects.filter(reserved_by=clerk).count() == 10


def test_it_never_proposes_a_number_of_the_field_app_s_block(api_client, stop, clerk):
    block = reserve(api_client, clerk, 3).json()["numbers"]

    number = proposed(logged_in(clerk).get(f"/field/stops/{stop.pk}/pay/"))

    assert number not in block and number == series(4)


def test_it_does_not_propose_again_a_number_the_clerk_used(stop, clerk):
    client = logged_in(clerk)
    number = proposed(client.get(f"/field/stops/{stop.pk}/pay/"))
    assert client.post(f"/field/stops/{stop.pk}/pay/", {"amount": "100.00", "mode": "cash",
                                                        "receipt_no": number}).status_code == 302

    assert ReceiptNumber.objects.get(number=number).payment == Payment.objects.get(receipt_no=number)
    assert proposed(client.get(f"/field/stops/{stop.pk}/pay/")) != number


# --- POST receipt-blocks/ ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("count", [0, 101, -1, "many", None])
def test_it_refuses_a_block_count_out_of_bounds_as_a_400_on_count(api_client, clerk, count):
    response = reserve(api_client, clerk, count)

    assert response.status_code == 400 and list(response.json()) == ["count"]
    assert not ReceiptNumber.objects.exists()


def test_it_reserves_a_block_of_the_division_s_series_to_the_clerk(api_client, clerk):
    response = reserve(api_client, clerk, 100)

    assert response.status_code == 201
    numbers = response.json()["numbers"]
    assert numbers == [series(n) for n in range(1, 101)]
    assert set(ReceiptNumber.objects.values_list("reserved_by__username", flat=True)) == {"clerk_rtp"}


def test_it_never_gives_two_clerks_blocks_one_number(api_client, clerk, second_clerk, other_clerk):
    numbers = [number for user, count in ((clerk, 5), (second_clerk, 5), (clerk, 1))
               for number in reserve(api_client, user, count).json()["numbers"]]
    elsewhere = reserve(api_client, other_clerk, 1).json()["numbers"]

    assert len(set(numbers)) == 11
    assert elsewhere == [f"HSP-{india_today().year}-000001"]


def test_it_refuses_a_reserved_number_to_anyone_else(api_client, consumer, clerk, second_clerk, officer):
    number = reserve(api_client, clerk, 1).json()["numbers"][0]

    for user in (second_clerk, officer):
        response = pay(api_client, user, number.lower())
        assert response.status_code == 409
        assert (response.json()["code"], response.json()["field"]) == ("receipt_reserved", "receipt_no")
    assert not Payment.objects.exists()


def test_it_lets_the_clerk_use_a_reserved_number_once(api_client, consumer, clerk):
    number = reserve(api_client, clerk, 1).json()["numbers"][0]

    first = pay(api_client, clerk, number)
    again = pay(api_client, clerk, number)

    assert first.status_code == 201
    assert ReceiptNumber.objects.get(number=number).payment_id == first.json()["id"]
    assert (again.status_code, again.json()["code"]) == (409, "duplicate_receipt")


def test_it_replays_the_first_block_to_a_retried_request(api_client, clerk):
    first = reserve(api_client, clerk, 2, HTTP_IDEMPOTENCY_KEY="block-1")
    again = reserve(api_client, clerk, 2, HTTP_IDEMPOTENCY_KEY="block-1")

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json() and again.headers["Idempotent-Replayed"] == "true"
    assert ReceiptNumber.objects.count() == 2


def test_it_reserves_no_block_to_hq_or_it(api_client, md, it_admin):
    assert reserve(api_client, md, 1).status_code == 403
    assert reserve(api_client, it_admin, 1).status_code == 403
    api_client.force_authenticate(None)
    assert api_client.post("/api/v1/receipt-blocks/", {"count": 1}, format="json").status_code == 401


def test_it_lists_the_division_s_reserved_numbers_in_the_admin_read_only(api_client, clerk, other_clerk, officer):
    reserve(api_client, clerk, 1)
    reserve(api_client, other_clerk, 1)

    page = logged_in(officer).get("/admin/payments/receiptnumber/").content.decode()

    assert series(1) in page and f"HSP-{india_today().year}-000001" not in page
    reserved = ReceiptNumber.objects.get(number=series(1))
    assert logged_in(officer).get(f"/admin/payments/receiptnumber/{reserved.pk}/delete/").status_code == 403


# --- whose receipts a clerk opens ---------------------------------------------------------------------------

def test_it_lets_a_clerk_open_only_the_receipts_of_payments_they_took(api_client, consumer, clerk, second_clerk,
                                                                      officer):
    payment = pay(api_client, clerk, "RTP-R-1").json()["id"]

    for address in (f"/field/receipts/{payment}/", f"/payments/{payment}/receipt/"):
        assert logged_in(clerk).get(address).status_code == 200
        assert logged_in(second_clerk).get(address).status_code == 404
        assert logged_in(officer).get(address).status_code == 200
