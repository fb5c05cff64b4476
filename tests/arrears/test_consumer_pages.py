from datetime import timedelta
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from arrears.models import EntryKind
from payments.models import Payment
from tests.factories import add_entry, make_consumer


@pytest.fixture
def owing(rtp):
    """An RTP consumer with ₹40,000 of arrears, due three months ago."""
    consumer = make_consumer(rtp, account_no="01000007", name="Ram Prasad Shukla", phone="9415000007",
                             meter_no="KN100007")
    billed = timezone.localdate() - timedelta(days=105)
    add_entry(consumer, EntryKind.BILL, "40000.00", billed, billed + timedelta(days=15))
    return consumer


@pytest.fixture
def hsp_consumer(hsp):
    return make_consumer(hsp, account_no="02000007", name="Sita Devi Awasthi")


def test_it_lists_only_the_users_division(client, clerk, owing, hsp_consumer):
    client.force_login(clerk)
    response = client.get(reverse("consumer-list"))
    assert b"01000007" in response.content and b"02000007" not in response.content


def test_it_shows_md_every_division(client, md, owing, hsp_consumer):
    client.force_login(md)
    response = client.get(reverse("consumer-list"))
    assert b"01000007" in response.content and b"02000007" in response.content


@pytest.mark.parametrize("q", ["01000007", "prasad", "9415000007", "KN100007"])
def test_it_finds_a_consumer_by_account_name_phone_or_meter(client, officer, owing, rtp, q):
    make_consumer(rtp, account_no="01000008", name="Mohan Lal")
    client.force_login(officer)
    response = client.get(reverse("consumer-list"), {"q": q})
    assert b"01000007" in response.content and b"01000008" not in response.content


def test_it_filters_by_status(client, officer, owing, rtp):
    make_consumer(rtp, account_no="01000009", name="Cut Off", status="disconnected")
    client.force_login(officer)
    response = client.get(reverse("consumer-list"), {"status": "disconnected"})
    assert b"01000009" in response.content and b"01000007" not in response.content


def test_it_says_when_nothing_matches(client, officer, owing):
    client.force_login(officer)
    response = client.get(reverse("consumer-list"), {"q": "nobody"})
    assert "No consumer matches" in response.content.decode()


def test_it_pages_long_results(client, officer, rtp):
    for i in range(55):
        make_consumer(rtp, account_no=f"0300{i:04d}")
    client.force_login(officer)
    first = client.get(reverse("consumer-list")).content.decode()
    second = client.get(reverse("consumer-list"), {"page": 2}).content.decode()
    assert "03000000" in first and "03000054" not in first
    assert "03000054" in second and "Page 2 of 2" in second


def test_it_shows_the_consumer_with_arrears_the_indian_way(client, clerk, owing):
    client.force_login(clerk)
    page = client.get(reverse("consumer-detail", args=["01000007"])).content.decode()
    assert "₹40,000.00" in page
    assert "Take payment" in page


def test_it_shows_the_arrears_as_principal_and_late_payment_surcharge(client, clerk, owing):
    add_entry(owing, EntryKind.SURCHARGE, "1200.00", timezone.localdate() - timedelta(days=60))
    add_entry(owing, EntryKind.PAYMENT, "500.00", timezone.localdate() - timedelta(days=30))  # pays the bill first
    add_entry(owing, EntryKind.SURCHARGE, "300.00", timezone.localdate())  # due today: not yet arrears
    client.force_login(clerk)
    page = client.get(reverse("consumer-detail", args=["01000007"])).content.decode()
    assert "₹40,700.00" in page
    assert "Principal ₹39,500.00 · Late-payment surcharge ₹1,200.00" in page


def test_it_shows_the_split_in_hindi(client, clerk, owing):
    add_entry(owing, EntryKind.SURCHARGE, "1200.00", timezone.localdate() - timedelta(days=60))
    client.force_login(clerk)
    client.cookies["django_language"] = "hi"
    page = client.get(reverse("consumer-detail", args=["01000007"])).content.decode()
    assert "मूल राशि ₹40,000.00 · विलम्ब अधिभार ₹1,200.00" in page


def test_it_shows_no_split_when_nothing_is_owed(client, clerk, owing):
    add_entry(owing, EntryKind.PAYMENT, "40000.00", timezone.localdate())
    client.force_login(clerk)
    page = client.get(reverse("consumer-detail", args=["01000007"])).content.decode()
    assert "Late-payment surcharge" not in page


def test_it_answers_404_for_another_divisions_consumer(client, clerk, hsp_consumer):
    client.force_login(clerk)
    assert client.get(reverse("consumer-detail", args=["02000007"])).status_code == 404
    response = client.post(reverse("payment-take", args=["02000007"]),
                           {"amount": "10.00", "mode": "cash", "receipt_no": "X-1"})
    assert response.status_code == 404
    assert not Payment.objects.exists()


def test_it_asks_you_to_log_in(client, owing):
    response = client.get(reverse("consumer-detail", args=["01000007"]))
    assert response.status_code == 302 and "/login/" in response.url


def test_it_shows_the_ledger_newest_first(client, clerk, owing):
    add_entry(owing, EntryKind.PAYMENT, "1000.00", timezone.localdate(), reference="RCPT-NEWEST")
    client.force_login(clerk)
    page = client.get(reverse("consumer-detail", args=["01000007"])).content.decode()
    assert page.index("RCPT-NEWEST") < page.index("₹40,000.00</td>")


def test_it_takes_a_payment_and_shows_the_receipt(client, clerk, owing):
    client.force_login(clerk)
    response = client.post(reverse("payment-take", args=["01000007"]),
                           {"amount": "15000.00", "mode": "cash", "receipt_no": "RTP/2026/0001"}, follow=True)
    payment = Payment.objects.get()
    assert (payment.amount, payment.taken_by, payment.source) == (Decimal("15000.00"), clerk, "web")
    receipt = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("payment-receipt", args=[payment.pk])
    assert "RTP/2026/0001" in receipt
    assert "₹15,000.00" in receipt
    assert "₹25,000.00" in receipt  # arrears after
    owing.refresh_from_db()
    assert owing.arrears == Decimal("25000.00")


def test_it_shows_a_duplicate_receipt_as_a_form_error(client, clerk, owing):
    client.force_login(clerk)
    data = {"amount": "100.00", "mode": "cash", "receipt_no": "RTP/2026/0002"}
    client.post(reverse("payment-take", args=["01000007"]), data)
    response = client.post(reverse("payment-take", args=["01000007"]), data)
    assert response.status_code == 400
    assert "receipt number RTP/2026/0002 is already recorded" in response.content.decode()
    assert Payment.objects.count() == 1


def test_it_rejects_a_bad_amount(client, clerk, owing):
    client.force_login(clerk)
    response = client.post(reverse("payment-take", args=["01000007"]),
                           {"amount": "-5", "mode": "cash", "receipt_no": "R-3"})
    assert response.status_code == 400
    assert not Payment.objects.exists()


def test_it_does_not_let_md_take_money(client, md, owing):
    client.force_login(md)
    assert "Take payment" not in client.get(reverse("consumer-detail", args=["01000007"])).content.decode()
    response = client.post(reverse("payment-take", args=["01000007"]),
                           {"amount": "10.00", "mode": "cash", "receipt_no": "R-4"})
    assert response.status_code == 403


def test_it_hides_a_receipt_from_another_division(client, clerk, other_clerk, owing):
    client.force_login(clerk)
    client.post(reverse("payment-take", args=["01000007"]), {"amount": "10.00", "mode": "cash", "receipt_no": "R-5"})
    client.force_login(other_clerk)
    assert client.get(reverse("payment-receipt", args=[Payment.objects.get().pk])).status_code == 404


@pytest.mark.parametrize("value, expected", [
    ("665000", "₹6,65,000.00"),
    ("10000000", "₹1,00,00,000.00"),
    ("661700000.00", "₹66,17,00,000.00"),
    ("999.5", "₹999.50"),
    ("0", "₹0.00"),
    ("-1250.00", "-₹1,250.00"),
    (None, ""),
])
def test_it_formats_rupees_the_indian_way(value, expected):
    rendered = Template("{% load money %}{{ v|inr }}").render(Context({"v": Decimal(value) if value else value}))
    assert rendered == expected


@pytest.mark.parametrize("value, expected", [
    ("665000", "₹6.65 lakh"),
    ("661700000", "₹66.17 crore"),
    ("9999999", "₹1.00 crore"),
    ("65000", "₹65,000"),
    ("-665000", "-₹6.65 lakh"),
])
def test_it_formats_short_amounts_in_lakh_and_crore(value, expected):
    assert Template("{% load money %}{{ v|inr_short }}").render(Context({"v": Decimal(value)})) == expected
