"""The receipt (DESIGN.md, domain rules; UPPCL's order of November 2024): one template at the counter and in the
field, in English and Hindi side by side, showing the amount paid in figures and words, the arrears still
outstanding, and the reconnection order the payment brought about with its due time or, for a disconnected
consumer, what is still short of the reconnection minimum."""

import zoneinfo
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import formats, timezone, translation

from payments.services import payment_record
from tests.drives.reconnection_data import cut, defaulter
from tests.kesco.test_hindi import english_words, stored_words

INDIA = zoneinfo.ZoneInfo("Asia/Kolkata")
PAGES = ("/payments/{pk}/receipt/", "/field/receipts/{pk}/")


@pytest.fixture
def debtor(rtp):
    return defaulter(rtp, account_no="00054321", owes="40000.00")


@pytest.fixture
def cut_lifeline(rtp, officer):
    """A lifeline consumer (LMV-1, 0.5 kW) cut on ₹12,000: the minimum is ₹1,200."""
    consumer = defaulter(rtp, account_no="00054321", owes="12000.00", category="LMV-1", sanctioned_load_kw="0.50")
    cut(consumer, by=officer)
    return consumer


def pay(user, amount: str, receipt_no: str = "R-1"):
    return payment_record(user=user, account_no="00054321", amount=amount, mode="cash", receipt_no=receipt_no)


def receipts(user, payment) -> list[str]:
    client = Client()
    client.force_login(user)
    pages = []
    for page in PAGES:
        response = client.get(page.format(pk=payment.pk))
        assert response.status_code == 200, page
        pages.append(response.content.decode())
    return pages


def when(moment) -> str:
    with translation.override("en"):
        return formats.date_format(timezone.localtime(moment, INDIA), "DATETIME_FORMAT")


def test_it_renders_the_counter_and_the_field_receipt_from_one_template(debtor, clerk):
    payment = pay(clerk, "6650.00")
    client = Client()
    client.force_login(clerk)
    for page in PAGES:
        names = [template.name for template in client.get(page.format(pk=payment.pk)).templates]
        assert "payments/receipt.html" in names and "payments/_receipt.html" in names, page
        assert "drives/field/receipt.html" not in names, page
    # Each in its own frame: the officer's page, and the field page with its offline queue around the receipt.
    counter, field = receipts(clerk, payment)
    assert "data-field-queue" not in counter and "data-field-queue" in field


def test_it_shows_the_amount_paid_and_the_arrears_still_outstanding(debtor, clerk):
    payment = pay(clerk, "6650.00")
    for page in receipts(clerk, payment):
        assert '<strong class="amount">₹6,650.00</strong>' in page
        assert '<strong class="arrears-after">₹33,350.00</strong>' in page
        assert "Arrears still outstanding" in page and "अब भी शेष बकाया" in page
        assert "receipt-reconnection" not in page and "receipt-short-by" not in page  # connected: neither


def test_it_dates_the_receipt_in_india_time_whatever_the_server_says(debtor, clerk, settings):
    settings.TIME_ZONE = "UTC"
    payment = pay(clerk, "6650.00")
    for page in receipts(clerk, payment):
        assert f'<dd class="paid-at">{when(payment.paid_at)} IST</dd>' in page


def test_the_officers_receipt_now_has_the_amount_in_words_in_both_languages(debtor, officer):
    payment = pay(officer, "6650.00")
    counter, _field = receipts(officer, payment)
    assert '<span class="words-en" lang="en">Rupees six thousand six hundred fifty only</span>' in counter
    assert '<span class="words-hi" lang="hi">छह हज़ार छह सौ पचास रुपये मात्र</span>' in counter


def test_it_shows_the_reconnection_order_with_its_due_time(cut_lifeline, clerk):
    payment = pay(clerk, "1200.00")
    order = payment.reconnection_order
    assert order is not None
    for page in receipts(clerk, payment):
        assert f'data-reconnection-order="{order.pk}"' in page
        assert f"Reconnection ordered: the supply is to be restored by {when(order.due_at)} IST." in page
        assert "पुनः संयोजन का आदेश हो गया" in page
        assert "receipt-short-by" not in page


def test_a_disconnected_consumers_part_payment_shows_what_is_still_short(cut_lifeline, clerk):
    payment = pay(clerk, "1000.00")
    assert (payment.reconnection_order, payment.reconnection_short_by) == (None, Decimal("200.00"))
    for page in receipts(clerk, payment):
        assert 'data-short-by="200.00"' in page
        assert ("Still disconnected: ₹200.00 more is to be paid before the supply is restored (the reconnection "
                "minimum).") in page
        assert "आपूर्ति बहाल होने से पहले ₹200.00 और जमा करना है" in page
        assert "receipt-reconnection" not in page


def test_the_shortfall_is_the_one_when_paid_not_today(cut_lifeline, clerk):
    first = pay(clerk, "1000.00", "R-1")
    second = pay(clerk, "100.00", "R-2")
    assert second.reconnection_short_by == Decimal("100.00")
    assert all('data-short-by="200.00"' in page for page in receipts(clerk, first))


def test_it_says_everything_in_english_and_in_hindi_whatever_the_language_chosen(cut_lifeline, clerk):
    payment = pay(clerk, "1000.00")
    for language in ("en", "hi"):
        clerk.language = language
        clerk.save(update_fields=["language"])
        for page in receipts(clerk, payment):
            for english, hindi in (("Receipt no.", "रसीद संख्या"), ("Amount paid", "भुगतान की गई राशि"),
                                   ("In words", "शब्दों में"), ("Arrears still outstanding", "अब भी शेष बकाया")):
                assert f'<span lang="en">{english}</span> <span lang="hi">{hindi}</span>' in page, (language, english)
            assert "Kanpur Electricity Supply Company — Payment receipt" in page and "भुगतान रसीद" in page


def test_a_hindi_receipt_shows_english_only_where_it_is_marked_english(cut_lifeline, clerk):
    payment = pay(clerk, "1000.00")
    clerk.language = "hi"
    clerk.save(update_fields=["language"])
    for page in receipts(clerk, payment):
        assert english_words(page, stored_words()) == []
