"""The settlements pages: a consumer's schemes (the quote, registering onto the slip, an officer's plan and promise),
the division's list, a settlement with its schedule, the bilingual slip, and the clerk's stop suggestion."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from core.dates import india_today
from payments.services import payment_record
from settlements.models import Promise, Settlement, SettlementStatus
from settlements.services import plan_grant, settlement_register
from tests.drives.drive_data import build_list, plan, served
from tests.settlements.scheme_data import open_scheme, owing

pytestmark = pytest.mark.django_db


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def pay(user, consumer, amount, receipt_no):
    return payment_record(user=user, account_no=consumer.account_no, amount=Decimal(amount), mode="cash",
                          receipt_no=receipt_no, source="web")


@pytest.fixture
def scheme(db):
    return open_scheme()


@pytest.fixture
def consumer(rtp, scheme):
    # Principal ₹10,000 and surcharge ₹2,000 before the cut-off: a lump sum of ₹10,000 (all the surcharge waived) or
    # 4 instalments of ₹2,000 after ₹3,000 down (half of it waived: ₹11,000); the deposit is 30% of the principal.
    return owing(rtp, principal="10000.00", surcharge="2000.00", before=scheme.dues_cutoff, account_no="00055501",
                 name="Kamla Devi")


def url(consumer, step=""):
    return f"/settlements/consumer/{consumer.account_no}/{step}"


# --- the consumer's page: the quote --------------------------------------------------------------------------

def test_it_quotes_each_plan_of_the_open_scheme_with_its_deposit_and_instalments(clerk, consumer, scheme):
    page = logged_in(clerk).get(url(consumer)).content.decode()

    assert 'data-scheme="OTS-TEST"' in page and 'data-eligible="yes"' in page
    lump = page.split('data-plan="lump_sum"')[1].split("</tr>")[0]
    assert "₹10,000.00" in lump and "₹3,000.00" in lump  # to pay, deposit now
    instalments = page.split('data-plan="instalments"')[1].split("</tr>")[0]
    assert "₹11,000.00" in instalments and "₹2,000.00 × 4" in instalments
    assert 'action="/settlements/consumer/00055501/register/"' in page


def test_it_says_why_a_consumer_is_not_eligible(clerk, rtp, scheme):
    shop = owing(rtp, principal="5000.00", surcharge="0", before=scheme.dues_cutoff, category="LMV-6")

    page = logged_in(clerk).get(url(shop)).content.decode()

    assert 'data-eligible="no"' in page and 'data-code="not_eligible"' in page
    assert "LMV-6" in page.split('class="not-eligible"')[1]
    assert "/register/" not in page  # no form to register


def test_the_consumer_page_links_to_its_settlement_schemes(clerk, consumer):
    page = logged_in(clerk).get(f"/consumers/{consumer.account_no}/").content.decode()

    assert f'href="/settlements/consumer/{consumer.account_no}/"' in page


def test_hq_reads_the_quote_but_gets_no_form(md, consumer):
    page = logged_in(md).get(url(consumer)).content.decode()

    assert 'data-plan="instalments"' in page
    assert "/register/" not in page and "/plan/" not in page and "/promise/" not in page


def test_another_divisions_consumer_is_not_found(other_clerk, consumer):
    assert logged_in(other_clerk).get(url(consumer)).status_code == 404


# --- registering -------------------------------------------------------------------------------------------

def test_a_clerk_registers_with_the_deposit_receipt_and_lands_on_the_slip(clerk, consumer, scheme):
    pay(clerk, consumer, "3000.00", "RTP-DEP-9")

    response = logged_in(clerk).post(url(consumer, "register/"), {
        "scheme": scheme.pk, "plan": "instalments", "deposit_receipt_no": "rtp-dep-9"}, follow=True)

    settlement = Settlement.objects.get(consumer=consumer)
    assert response.redirect_chain == [(f"/settlements/{settlement.pk}/slip/", 302)]
    assert (settlement.plan, settlement.payable, settlement.deposit_receipt_no) == (
        "instalments", Decimal("11000.00"), "RTP-DEP-9")
    slip = response.content.decode()
    assert settlement.reference in slip and "RTP-DEP-9" in slip
    assert slip.count('data-instalment="') == 5  # the deposit and four instalments
    assert "Settlement scheme registration" in slip and "समाधान" in slip  # English and Hindi side by side
    assert "Rupees eleven thousand only" in slip and "ग्यारह हज़ार रुपये मात्र" in slip  # to pay, in words


def test_a_registration_without_the_deposit_says_so_on_the_receipt_field(clerk, consumer, scheme):
    response = logged_in(clerk).post(url(consumer, "register/"), {
        "scheme": scheme.pk, "plan": "lump_sum", "deposit_receipt_no": ""})

    assert response.status_code == 400
    field = response.content.decode().split(f'id="id_s{scheme.pk}_deposit_receipt_no"')[1].split("</div>")[0]
    assert "₹3,000.00" in field and 'role="alert"' in field
    assert not Settlement.objects.exists()


def test_a_deposit_short_of_the_plan_is_refused(clerk, consumer, scheme):
    pay(clerk, consumer, "1000.00", "RTP-DEP-SHORT")

    response = logged_in(clerk).post(url(consumer, "register/"), {
        "scheme": scheme.pk, "plan": "instalments", "deposit_receipt_no": "RTP-DEP-SHORT"})

    assert response.status_code == 400
    assert "less than the deposit" in response.content.decode()
    assert not Settlement.objects.exists()


def test_a_second_registration_is_refused_with_the_first_ones_reference(clerk, consumer, scheme):
    pay(clerk, consumer, "3000.00", "RTP-DEP-1")
    first = settlement_register(user=clerk, account_no=consumer.account_no, scheme=scheme, plan="lump_sum",
                                deposit_receipt_no="RTP-DEP-1")

    response = logged_in(clerk).post(url(consumer, "register/"), {
        "scheme": scheme.pk, "plan": "lump_sum", "deposit_receipt_no": "RTP-DEP-1"})

    assert response.status_code == 400
    messages = response.content.decode().split('class="messages"')[1].split("</div>")[0]
    assert f"already registered ({first.reference})" in messages
    assert Settlement.objects.filter(consumer=consumer).count() == 1


def test_a_scheme_not_open_is_refused(clerk, consumer, scheme):
    response = logged_in(clerk).post(url(consumer, "register/"), {
        "scheme": scheme.pk + 1000, "plan": "lump_sum", "deposit_receipt_no": ""})

    assert response.status_code == 400
    assert "not open for registration today" in response.content.decode()


def test_hq_may_not_register(md, consumer, scheme):
    response = logged_in(md).post(url(consumer, "register/"), {"scheme": scheme.pk, "plan": "lump_sum"})

    assert response.status_code == 403


def test_a_registered_consumer_shows_the_registration_and_is_quoted_as_registered(clerk, consumer, scheme):
    pay(clerk, consumer, "3000.00", "RTP-DEP-1")
    settlement = settlement_register(user=clerk, account_no=consumer.account_no, scheme=scheme, plan="lump_sum",
                                     deposit_receipt_no="RTP-DEP-1")

    page = logged_in(clerk).get(url(consumer)).content.decode()

    assert f'href="/settlements/{settlement.pk}/"' in page and 'data-status="live"' in page
    assert 'data-code="already_registered"' in page and settlement.reference in page


# --- an officer's plan and promise --------------------------------------------------------------------------

def test_an_officer_grants_a_plan_and_lands_on_its_slip(officer, consumer):
    response = logged_in(officer).post(url(consumer, "plan/"), {
        "instalments": "6", "first_due_on": "", "reason": "Widow, pension arrives monthly"}, follow=True)

    settlement = Settlement.objects.get(consumer=consumer, kind="plan")
    assert response.redirect_chain == [(f"/settlements/{settlement.pk}/slip/", 302)]
    assert settlement.payable == Decimal("12000.00") and settlement.instalments.count() == 6
    assert "₹2,000.00" in response.content.decode()


def test_a_plan_without_a_reason_is_a_form_error(officer, consumer):
    response = logged_in(officer).post(url(consumer, "plan/"), {"instalments": "6", "reason": " "})

    assert response.status_code == 400
    assert 'id="id_plan_reason"' in response.content.decode()
    assert not Settlement.objects.exists()


def test_a_plan_too_far_ahead_is_refused_on_its_date(officer, consumer):
    response = logged_in(officer).post(url(consumer, "plan/"), {
        "instalments": "6", "first_due_on": str(india_today() + timedelta(days=365)), "reason": "Farmer"})

    assert response.status_code == 400
    field = response.content.decode().split('id="id_plan_first_due_on"')[1].split("</div>")[0]
    assert "days ahead" in field


def test_a_clerk_may_not_grant_a_plan_or_record_a_promise(clerk, consumer):
    client = logged_in(clerk)
    assert client.post(url(consumer, "plan/"), {"instalments": "6", "reason": "x"}).status_code == 403
    assert client.post(url(consumer, "promise/"), {"amount": "100", "due_on": india_today(),
                                                   "reason": "x"}).status_code == 403
    page = client.get(url(consumer)).content.decode()
    assert "/plan/" not in page and "/promise/" not in page


def test_an_officer_records_a_promise_and_sees_it_open(officer, consumer):
    due_on = india_today() + timedelta(days=10)
    response = logged_in(officer).post(url(consumer, "promise/"), {
        "amount": "5000", "due_on": str(due_on), "reason": "Salary on the 10th"}, follow=True)

    promise = Promise.objects.get(consumer=consumer)
    assert response.redirect_chain == [(url(consumer), 302)]
    assert (promise.amount, promise.due_on, promise.status) == (Decimal("5000.00"), due_on, "open")
    page = response.content.decode()
    assert f'data-promise="{promise.pk}"' in page and "₹5,000.00" in page


def test_a_promise_of_more_than_the_balance_is_refused_on_the_amount(officer, consumer):
    response = logged_in(officer).post(url(consumer, "promise/"), {
        "amount": "99999", "due_on": str(india_today()), "reason": "Says so"})

    assert response.status_code == 400
    field = response.content.decode().split('id="id_promise_amount"')[1].split("</div>")[0]
    assert "more than the" in field


# --- the list, a settlement, its slip -----------------------------------------------------------------------

@pytest.fixture
def granted(officer, consumer):
    return plan_grant(user=officer, account_no=consumer.account_no, instalments=4, reason="Medical expenses")


def test_the_list_shows_the_divisions_settlements_filtered_by_status(officer, other_officer, granted):
    page = logged_in(officer).get("/settlements/").content.decode()
    assert f'data-settlement="{granted.pk}"' in page and granted.reference in page

    assert f'data-settlement="{granted.pk}"' not in logged_in(officer).get(
        "/settlements/?status=completed").content.decode()
    assert f'data-settlement="{granted.pk}"' not in logged_in(other_officer).get("/settlements/").content.decode()


def test_the_list_pages_by_fifty(officer, rtp, granted):
    others = [owing(rtp, principal="100.00", surcharge="0", before=india_today()) for _ in range(50)]
    for other in others:
        plan_grant(user=officer, account_no=other.account_no, instalments=1, reason="Small sum")

    client = logged_in(officer)
    first = client.get("/settlements/").content.decode()
    second = client.get("/settlements/?page=2").content.decode()

    assert first.count("data-settlement=") == 50 and second.count("data-settlement=") == 1
    assert f'data-settlement="{granted.pk}"' in second  # the oldest last


def test_a_settlement_shows_its_schedule_with_what_is_paid_and_overdue(officer, clerk, consumer, granted):
    first = granted.instalments.get(number=1)
    granted.instalments.filter(number=2).update(due_on=india_today() - timedelta(days=3))
    pay(clerk, consumer, str(first.amount), "RTP-INST-1")

    page = logged_in(officer).get(f"/settlements/{granted.pk}/").content.decode()

    assert 'data-instalment="1" data-state="paid"' in page
    assert 'data-instalment="2" data-state="overdue" class="overdue"' in page
    assert 'data-instalment="3" data-state="due"' in page
    assert "Medical expenses" in page


def test_the_slip_and_the_settlement_of_another_division_are_not_found(other_officer, granted):
    client = logged_in(other_officer)
    assert client.get(f"/settlements/{granted.pk}/").status_code == 404
    assert client.get(f"/settlements/{granted.pk}/slip/").status_code == 404


def test_the_slip_is_bilingual_whatever_the_readers_language(officer, granted):
    officer.language = "hi"
    officer.save(update_fields=["language"])

    slip = logged_in(officer).get(f"/settlements/{granted.pk}/slip/").content.decode()

    assert '<span lang="en">Principal</span>' in slip and '<span lang="hi">मूल राशि</span>' in slip
    assert slip.count('data-instalment="') == 4


# --- the clerk's stop --------------------------------------------------------------------------------------

@pytest.fixture
def stop(rtp, officer, clerk, scheme):
    consumer = owing(rtp, principal="20000.00", surcharge="3000.00", before=scheme.dues_cutoff,
                     account_no="00055577", name="Ramesh Yadav")
    served(officer, consumer, amount=Decimal("20000.00"))  # the balance a month ago, before the surcharge
    build_list(rtp)
    return plan(officer, rtp, [clerk]).stops.get(consumer=consumer)


def test_the_stop_of_an_eligible_consumer_suggests_the_scheme_with_the_least_down(clerk, stop):
    page = logged_in(clerk).get(f"/field/stops/{stop.pk}/").content.decode()

    suggestion = page.split('class="card scheme-suggestion"')[1].split("</section>")[0]
    # 4 instalments: ₹6,000 down (30% of ₹20,000), then ₹21,500 − ₹6,000 in four.
    assert 'data-plan="instalments"' in suggestion
    assert "Eligible for Test settlement: pay ₹6,000.00 now, then ₹3,875.00 × 4." in suggestion
    assert 'href="/settlements/consumer/00055577/#scheme-' in suggestion


def test_the_stop_suggests_nothing_when_no_scheme_is_open(clerk, stop, scheme):
    scheme.is_active = False
    scheme.save(update_fields=["is_active"])

    page = logged_in(clerk).get(f"/field/stops/{stop.pk}/").content.decode()

    assert "scheme-suggestion" not in page


def test_the_stop_page_quotes_only_its_own_consumer_in_a_few_queries(clerk, stop, scheme):
    client = logged_in(clerk)
    client.get(f"/field/stops/{stop.pk}/")  # warm: the session, the user
    with CaptureQueriesContext(connection) as quoted:
        client.get(f"/field/stops/{stop.pk}/")
    scheme.is_active = False
    scheme.save(update_fields=["is_active"])
    with CaptureQueriesContext(connection) as unquoted:
        client.get(f"/field/stops/{stop.pk}/")

    # The open schemes with their phases, rules and terms, the consumer's split, whether they are registered.
    assert len(quoted) - len(unquoted) <= 6


# --- navigation --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["officer", "clerk", "it_admin"])
def test_officers_clerks_and_it_find_settlements_in_the_menu(role, request):
    user = request.getfixturevalue(role)
    page = logged_in(user).get("/consumers/").content.decode()
    assert 'href="/settlements/"' in page


def test_status_labels_are_the_models(officer, granted):
    granted.status = SettlementStatus.DEFAULTED
    granted.save(update_fields=["status"])

    page = logged_in(officer).get("/settlements/?status=defaulted").content.decode()

    assert 'data-status="defaulted"' in page
