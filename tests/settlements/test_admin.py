"""The settlements admin: IT enters schemes and the others read them, a scheme with registrations stays as it was,
settlements and promises are read by division, and IT alone reverses a completed settlement's waiver credit."""

from decimal import Decimal

import pytest
from django.test import Client

from arrears.models import EntryKind, LedgerEntry
from core.dates import india_today
from payments.services import payment_record
from settlements.models import Scheme, SettlementStatus
from settlements.services import promise_record, settlement_register
from tests.settlements.scheme_data import open_scheme, owing

pytestmark = pytest.mark.django_db

SCHEMES = "/admin/settlements/scheme/"
SETTLEMENTS = "/admin/settlements/settlement/"
INLINES = ("phases", "rules", "terms", "targets")


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def empty_inlines() -> dict:
    return {f"{prefix}-{key}": value for prefix in INLINES
            for key, value in (("TOTAL_FORMS", "0"), ("INITIAL_FORMS", "0"), ("MIN_NUM_FORMS", "0"),
                               ("MAX_NUM_FORMS", "1000"))}


SCHEME_FORM = {"code": "OTS-ADMIN", "name_en": "Admin scheme", "name_hi": "प्रशासन योजना", "starts_on": "2026-12-01",
               "ends_on": "2027-01-31", "dues_cutoff": "2026-10-31", "instalment_months": "1",
               "lump_sum_days": "30", "is_active": "on"}


def test_it_adds_a_scheme_with_its_phase_and_is_named_in_its_history(it_admin):
    data = {**SCHEME_FORM, **empty_inlines(), "phases-TOTAL_FORMS": "1", "phases-0-number": "1",
            "phases-0-starts_on": "2026-12-01", "phases-0-ends_on": "2026-12-31",
            "rules-TOTAL_FORMS": "1", "rules-0-categories": '["LMV-1"]', "rules-0-connection": "any"}

    response = login(it_admin).post(SCHEMES + "add/", data)

    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    scheme = Scheme.objects.get(code="OTS-ADMIN")
    assert [(p.number, str(p.ends_on)) for p in scheme.phases.all()] == [(1, "2026-12-31")]
    assert scheme.rules.get().categories == ["LMV-1"]
    assert scheme.history.latest().history_user == it_admin


@pytest.mark.parametrize(("change", "error"), [
    ({"phases-0-ends_on": "2027-03-01"}, "a phase lies within the scheme&#x27;s dates"),
    ({"rules-0-categories": '["shop"]'}, "a list of rate schedules"),
])
def test_a_bad_phase_or_rule_is_a_form_error(it_admin, change, error):
    data = {**SCHEME_FORM, **empty_inlines(), "phases-TOTAL_FORMS": "1", "phases-0-number": "1",
            "phases-0-starts_on": "2026-12-01", "phases-0-ends_on": "2026-12-31",
            "rules-TOTAL_FORMS": "1", "rules-0-categories": '["LMV-1"]', "rules-0-connection": "any", **change}

    response = login(it_admin).post(SCHEMES + "add/", data)

    assert response.status_code == 200 and error in response.content.decode()
    assert not Scheme.objects.filter(code="OTS-ADMIN").exists()


def test_an_officer_reads_schemes_but_neither_adds_nor_changes_them(officer):
    scheme = open_scheme()
    client = login(officer)

    page = client.get(f"{SCHEMES}{scheme.pk}/change/")

    assert page.status_code == 200 and 'name="name_en"' not in page.content.decode()
    assert client.get(SCHEMES + "add/").status_code == 403
    assert client.post(f"{SCHEMES}{scheme.pk}/change/", {**SCHEME_FORM, **empty_inlines()}).status_code == 403


@pytest.fixture
def registered(rtp, clerk):
    """A registration under a scheme open today: lump sum, ₹1,000 principal and ₹100 surcharge (all waived)."""
    scheme = open_scheme()
    consumer = owing(rtp, principal="1000.00", surcharge="100.00", before=scheme.dues_cutoff)
    payment_record(user=clerk, account_no=consumer.account_no, amount=Decimal("300.00"), mode="cash",
                   receipt_no="DEP-1", source="web")
    return settlement_register(user=clerk, account_no=consumer.account_no, scheme=scheme, plan="lump_sum",
                               deposit_receipt_no="DEP-1")


def test_a_scheme_with_registrations_is_read_only_even_for_it(it_admin, registered):
    scheme = registered.scheme
    client = login(it_admin)

    page = client.get(f"{SCHEMES}{scheme.pk}/change/").content.decode()

    assert 'name="name_en"' not in page and 'name="phases-0-starts_on"' not in page
    assert 'name="terms-0-surcharge_waiver_pct"' not in page
    # A target is no term of anyone's registration: IT still sets them.
    assert 'name="targets-TOTAL_FORMS"' in page
    assert client.get(f"{SCHEMES}{scheme.pk}/delete/").status_code == 403


def test_an_unused_scheme_is_editable_by_it(it_admin):
    scheme = open_scheme()

    page = login(it_admin).get(f"{SCHEMES}{scheme.pk}/change/").content.decode()

    assert 'name="name_en"' in page and 'name="phases-0-starts_on"' in page


def test_settlements_and_promises_are_listed_by_division(officer, other_officer, registered, rtp):
    debtor = owing(rtp, principal="2000.00", surcharge="0", before=registered.dues_cutoff)
    promise_record(user=officer, account_no=debtor.account_no, amount=Decimal("500.00"),
                   due_on=india_today(), reason="Pays on the 1st")

    mine = login(officer).get(SETTLEMENTS).content.decode()
    theirs = login(other_officer).get(SETTLEMENTS).content.decode()

    assert registered.reference in mine and registered.reference not in theirs
    assert login(other_officer).get(f"{SETTLEMENTS}{registered.pk}/change/").status_code == 302
    detail = login(officer).get(f"{SETTLEMENTS}{registered.pk}/change/").content.decode()
    assert "Instalments" in detail or "instalments" in detail
    assert debtor.account_no in login(officer).get("/admin/settlements/promise/").content.decode()
    assert debtor.account_no not in login(other_officer).get("/admin/settlements/promise/").content.decode()


def _completed(registered, clerk):
    payment_record(user=clerk, account_no=registered.consumer.account_no, amount=Decimal("700.00"), mode="cash",
                   receipt_no="PAY-2", source="web")
    registered.refresh_from_db()
    assert registered.status == SettlementStatus.COMPLETED
    return registered


def test_it_reverses_a_completed_settlements_waiver_credit_with_a_reason(it_admin, officer, clerk, registered):
    settlement = _completed(registered, clerk)
    url = f"{SETTLEMENTS}{settlement.pk}/reverse-credit/"
    client = login(it_admin)
    assert url in client.get(f"{SETTLEMENTS}{settlement.pk}/change/").content.decode()

    refused = client.post(url, {"reason": ""})
    done = client.post(url, {"reason": "Registered on a forged deposit slip"})

    assert refused.status_code == 400
    assert done.status_code == 302
    settlement.refresh_from_db()
    assert settlement.status == SettlementStatus.CANCELLED
    assert "Registered on a forged deposit slip" in settlement.reason
    reversal = LedgerEntry.objects.get(kind=EntryKind.ADJUSTMENT, reference=f"{settlement.reference}-REV")
    assert reversal.debit == Decimal("100.00")
    assert settlement.history.latest().history_user == it_admin
    # Once reversed, there is nothing left to reverse.
    again = client.post(url, {"reason": "twice"})
    assert again.status_code == 400 and "only a completed settlement" in again.content.decode()
    assert login(officer).get(url).status_code == 403
