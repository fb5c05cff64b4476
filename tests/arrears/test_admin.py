import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from arrears.models import EntryKind, LedgerEntry
from payments.models import Payment
from tests.factories import add_entry, make_consumer


@pytest.fixture
def rtp_consumer(rtp):
    consumer = make_consumer(rtp, account_no="01000001", name="Ram Prasad Shukla", phone="9415000001")
    add_entry(consumer, EntryKind.BILL, "25000.00", date(2025, 1, 1), date(2025, 1, 16))
    return consumer


@pytest.fixture
def hsp_consumer(hsp):
    return make_consumer(hsp, account_no="02000001", name="Sita Devi Awasthi")


def test_it_shows_an_officer_only_their_divisions_consumers(client, officer, rtp_consumer, hsp_consumer):
    client.force_login(officer)
    response = client.get(reverse("admin:arrears_consumer_changelist"))
    assert response.status_code == 200
    assert b"01000001" in response.content
    assert b"02000001" not in response.content


def test_it_shows_md_every_division(client, rtp_consumer, hsp_consumer, md):
    md.is_staff = True
    md.save()
    client.force_login(md)
    response = client.get(reverse("admin:arrears_consumer_changelist"))
    assert b"01000001" in response.content and b"02000001" in response.content


def test_it_does_not_open_another_divisions_consumer(client, officer, hsp_consumer):
    client.force_login(officer)
    response = client.get(reverse("admin:arrears_consumer_change", args=[hsp_consumer.pk]))
    # The admin answers a missing object with a redirect to its index and a message.
    assert response.status_code in (302, 404)
    assert b"Sita Devi" not in response.content
    # Its history answers as an unknown id does, so it tells nothing of which ids exist elsewhere.
    history = client.get(reverse("admin:arrears_consumer_history", args=[hsp_consumer.pk]))
    assert (history.status_code, history.url) == (302, reverse("admin:index"))


def test_it_finds_a_consumer_by_phone(client, officer, rtp_consumer, rtp):
    make_consumer(rtp, account_no="01000002", name="Other Person")
    client.force_login(officer)
    response = client.get(reverse("admin:arrears_consumer_changelist"), {"q": "9415000001"})
    assert b"01000001" in response.content and b"01000002" not in response.content


def test_it_shows_balance_and_arrears_the_indian_way(client, officer, rtp_consumer):
    client.force_login(officer)
    response = client.get(reverse("admin:arrears_consumer_changelist"))
    assert "₹25,000.00" in response.content.decode()


def test_it_lets_an_officer_edit_the_phone_but_not_the_balance(client, officer, rtp_consumer):
    client.force_login(officer)
    url = reverse("admin:arrears_consumer_change", args=[rtp_consumer.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "25,000.00" in page.content.decode()  # the ledger inline
    response = client.post(url, {
        "address": rtp_consumer.address, "phone": "9839000000", "meter_no": "M1", "is_protected": "on",
        "balance": "0.00", "arrears": "0.00",
        "ledger-TOTAL_FORMS": "1", "ledger-INITIAL_FORMS": "1", "ledger-MIN_NUM_FORMS": "0",
        "ledger-MAX_NUM_FORMS": "1000",
    })
    assert response.status_code == 302
    rtp_consumer.refresh_from_db()
    assert rtp_consumer.phone == "9839000000"
    assert rtp_consumer.is_protected
    assert rtp_consumer.arrears == Decimal("25000.00")
    assert rtp_consumer.history.count() == 2


def test_it_keeps_a_payment_taken_while_the_officer_edits(client, officer, clerk, rtp_consumer):
    from payments.services import payment_record

    client.force_login(officer)
    url = reverse("admin:arrears_consumer_change", args=[rtp_consumer.pk])
    client.get(url)
    payment_record(user=clerk, account_no="01000001", amount="5000.00", mode="cash", receipt_no="R-1")
    client.post(url, {"address": "new address", "phone": "", "meter_no": "",
                      "ledger-TOTAL_FORMS": "0", "ledger-INITIAL_FORMS": "0"})
    rtp_consumer.refresh_from_db()
    assert rtp_consumer.address == "new address"
    assert rtp_consumer.arrears == Decimal("20000.00")


def test_it_keeps_the_ledger_append_only(client, officer, it_admin, rtp_consumer):
    entry = LedgerEntry.objects.get()
    for user in (officer, it_admin):
        client.force_login(user)
        changelist = client.get(reverse("admin:arrears_ledgerentry_changelist"))
        assert changelist.status_code == 200
        assert reverse("admin:arrears_ledgerentry_add").encode() not in changelist.content
        assert client.get(reverse("admin:arrears_ledgerentry_add")).status_code == 403
        assert client.post(reverse("admin:arrears_ledgerentry_delete", args=[entry.pk]),
                           {"post": "yes"}).status_code == 403
        client.post(reverse("admin:arrears_ledgerentry_change", args=[entry.pk]), {"amount": "1.00"})
    entry.refresh_from_db()
    assert entry.amount == Decimal("25000.00")
    assert LedgerEntry.objects.count() == 1


def test_it_hides_the_admin_from_clerks(client, clerk):
    clerk.is_staff = True  # even if someone ticked the box
    clerk.save()
    client.force_login(clerk)
    assert client.get(reverse("admin:arrears_consumer_changelist")).status_code == 403


def test_it_adds_an_adjustment_through_the_service(client, officer, rtp_consumer):
    client.force_login(officer)
    url = reverse("admin:arrears_ledgerentry_adjustment")
    assert client.get(url, {"account_no": "01000001"}).status_code == 200
    response = client.post(url, {"account_no": "01000001", "amount": "-5000.00", "entry_date": "2025-02-01",
                                 "reference": "ADJ/2025/7"})
    assert response.status_code == 302
    entry = LedgerEntry.objects.get(kind=EntryKind.ADJUSTMENT)
    assert (entry.credit, entry.created_by, entry.source) == (Decimal("5000.00"), officer, "admin")
    rtp_consumer.refresh_from_db()
    assert rtp_consumer.balance == Decimal("20000.00")


def test_it_shows_a_duplicate_adjustment_reference_as_a_form_error(client, officer, rtp_consumer):
    client.force_login(officer)
    url = reverse("admin:arrears_ledgerentry_adjustment")
    data = {"account_no": "01000001", "amount": "100.00", "entry_date": "2025-02-01", "reference": "ADJ-1"}
    client.post(url, data)
    response = client.post(url, data)
    assert response.status_code == 400
    assert "adjustment reference ADJ-1 is already recorded" in response.content.decode()
    assert LedgerEntry.objects.filter(kind=EntryKind.ADJUSTMENT).count() == 1


def test_it_refuses_an_adjustment_on_another_divisions_consumer(client, officer, hsp_consumer):
    client.force_login(officer)
    response = client.post(reverse("admin:arrears_ledgerentry_adjustment"), {
        "account_no": "02000001", "amount": "-100.00", "entry_date": "2025-02-01", "reference": "ADJ-2"})
    assert response.status_code == 400
    assert not LedgerEntry.objects.filter(kind=EntryKind.ADJUSTMENT).exists()


def test_it_lets_only_officers_and_it_adjust(client, md, rtp_consumer):
    md.is_staff = True
    md.save()
    client.force_login(md)
    assert client.get(reverse("admin:arrears_ledgerentry_adjustment")).status_code == 403


def test_it_takes_a_payment_in_the_admin(client, officer, rtp_consumer):
    client.force_login(officer)
    response = client.post(reverse("admin:payments_payment_take"), {
        "account_no": "01000001", "amount": "2500.00", "mode": "upi", "receipt_no": "ADM-1",
        "instrument_no": "412345678901"})
    payment = Payment.objects.get()
    assert response.status_code == 302 and response.url == reverse("payment-receipt", args=[payment.pk])
    assert (payment.source, payment.taken_by) == ("admin", officer)
    assert client.get(reverse("admin:payments_payment_add")).status_code == 403


def test_it_scopes_payments_and_import_jobs(client, officer, other_officer, rtp_consumer):
    from payments.services import payment_record

    payment = payment_record(user=officer, account_no="01000001", amount="10.00", mode="cash", receipt_no="R-9")
    client.force_login(other_officer)
    assert b"R-9" not in client.get(reverse("admin:payments_payment_changelist")).content
    response = client.get(reverse("admin:payments_payment_change", args=[payment.pk]))
    assert response.status_code in (302, 404)
    client.force_login(officer)
    assert b"R-9" in client.get(reverse("admin:payments_payment_changelist")).content


def test_it_shows_position_checks_to_it_not_officers(client, officer, it_admin):
    client.force_login(officer)
    assert client.get(reverse("admin:arrears_positioncheck_changelist")).status_code == 403
    client.force_login(it_admin)
    assert client.get(reverse("admin:arrears_positioncheck_changelist")).status_code == 200


def test_it_follows_the_full_ledger_link_to_that_consumers_entries_only(client, officer, rtp_consumer, rtp):
    other = make_consumer(rtp, account_no="01000002", name="Next Door")
    add_entry(other, EntryKind.BILL, "999.00", date(2025, 1, 1), date(2025, 1, 16), reference="OTHER-BILL")
    client.force_login(officer)
    page = client.get(reverse("admin:arrears_consumer_change", args=[rtp_consumer.pk])).content.decode()
    link = re.search(r'<a href="([^"]+)">full ledger</a>', page).group(1).replace("&amp;", "&")

    response = client.get(link)

    assert response.status_code == 200
    shown = {entry.consumer.account_no for entry in response.context["cl"].result_list}
    assert shown == {"01000001"}
    assert "OTHER-BILL" not in response.content.decode()
