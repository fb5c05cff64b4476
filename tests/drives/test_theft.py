"""Theft cases (drives.theft): reported from the field, assessed onto the ledger, the FIR, settled or in court;
and the case counts for the division it was reported in."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from arrears.models import LedgerEntry
from core.dates import india_today
from core.errors import DomainError
from core.models import Source
from drives.models import Stop, TheftCase
from drives.selectors import theft_case_paid, theft_cases_visible_to
from drives.services import stop_outcome_log
from drives.theft import (
    theft_case_assess,
    theft_case_close,
    theft_case_fir_lodge,
    theft_case_inspection_record,
    theft_case_report,
)
from payments.services import payment_record
from tests.drives.drive_data import build_list, defaulter, plan, served
from tests.factories import make_consumer

pytestmark = pytest.mark.django_db


@pytest.fixture
def stop(rtp, officer, clerk):
    consumer = defaulter(rtp, "50000.00")
    served(officer, consumer)
    build_list(rtp)
    return Stop.objects.get(drive=plan(officer, rtp, [clerk]), consumer=consumer)


@pytest.fixture
def case(stop, clerk):
    return theft_case_report(user=clerk, account_no=stop.consumer.account_no, drive_stop=stop.pk,
                             found="direct_hooking", meter_seal="broken", notes="hook on the LT line",
                             source=Source.API)


def refused(code, service, **kwargs):
    with pytest.raises(DomainError) as refusal:
        service(**kwargs)
    assert refusal.value.code == code, refusal.value
    return refusal.value


def assess(user, case, **fields):
    values = {"amount": "48000.00", "section": 135, "assessed_on": india_today(), "reference": "ASMT/RTP/112",
              **fields}
    return theft_case_assess(user=user, case=case, source=Source.API, **values)


def test_it_reports_theft_at_an_open_stop_as_its_outcome(stop, case, clerk):
    stop.refresh_from_db()
    assert (stop.status, stop.outcome, stop.outcome_by) == ("done", "theft_detected", clerk)
    assert (case.stop, case.consumer, case.division, case.status) == (stop, stop.consumer, stop.consumer.division,
                                                                      "reported")
    assert (case.found, case.meter_seal, case.notes, case.opened_by) == ("direct_hooking", "broken",
                                                                         "hook on the LT line", clerk)
    refused("theft_case_exists", theft_case_report, user=clerk, account_no=stop.consumer.account_no,
            drive_stop=stop.pk)


def test_it_names_a_stop_closed_with_another_outcome(stop, clerk):
    stop_outcome_log(user=clerk, stop=stop, outcome="premises_locked")

    case = theft_case_report(user=clerk, account_no=stop.consumer.account_no, drive_stop=stop.pk,
                             found="meter_bypass")

    stop.refresh_from_db()
    assert (case.stop, stop.outcome) == (stop, "premises_locked")


def test_it_refuses_a_stop_of_another_consumer_or_clerk(stop, rtp, clerk, other_clerk, officer):
    other = make_consumer(rtp)
    refused("invalid_drive_stop", theft_case_report, user=clerk, account_no=other.account_no, drive_stop=stop.pk)
    clerk2 = type(clerk).objects.create(username="clerk2_rtp", role="clerk", division=rtp)
    refused("invalid_drive_stop", theft_case_report, user=clerk2, account_no=stop.consumer.account_no,
            drive_stop=stop.pk)
    refused("invalid_found", theft_case_report, user=officer, account_no=other.account_no, found="wire")
    with pytest.raises(type(other).DoesNotExist):
        theft_case_report(user=other_clerk, account_no=other.account_no)
    assert not TheftCase.objects.exists()


def test_it_assesses_onto_the_ledger_as_a_charge_with_the_reference(case, officer):
    consumer = case.consumer
    balance, arrears = consumer.balance, consumer.arrears

    case = assess(officer, case)

    consumer.refresh_from_db()
    entry = LedgerEntry.objects.get(reference="ASMT/RTP/112")
    assert (entry.kind, entry.amount, entry.entry_date, entry.due_on, entry.created_by) == (
        "ADJUSTMENT", Decimal("48000.00"), india_today(), india_today(), officer)
    assert (case.assessment_entry, case.status, case.section) == (entry, "assessed", 135)
    # The cached position moved with the entry; due today, it is arrears from tomorrow.
    assert consumer.balance == balance + Decimal("48000.00")
    assert consumer.arrears == arrears
    assert case.history.first().history_user == officer
    refused("invalid_status", assess, user=officer, case=case, reference="ASMT/RTP/113")


def test_it_refuses_a_reference_taken_a_future_day_and_a_day_before_the_report(case, officer, rtp):
    refused("invalid_date", assess, user=officer, case=case, assessed_on=india_today() + timedelta(days=1))
    refused("invalid_date", assess, user=officer, case=case, assessed_on=india_today() - timedelta(days=1))
    other = make_consumer(rtp)
    theft = theft_case_report(user=officer, account_no=other.account_no)
    assess(officer, theft, reference="ASMT/RTP/7")
    refused("duplicate_reference", assess, user=officer, case=case, reference="ASMT/RTP/7")
    assert not LedgerEntry.objects.filter(consumer=case.consumer, kind="ADJUSTMENT").exists()


def test_it_leaves_the_work_to_the_divisions_officer(case, clerk, other_officer, md):
    with pytest.raises(PermissionDenied):
        assess(clerk, case)
    with pytest.raises(PermissionDenied):
        assess(md, case)
    with pytest.raises(TheftCase.DoesNotExist):
        assess(other_officer, case)


def test_it_lodges_the_fir_once_before_or_after_the_assessment(case, officer, it_admin):
    refused("invalid_fir_number", theft_case_fir_lodge, user=officer, case=case, fir_number=" ",
            police_station="Kakadeo", lodged_on=india_today())
    case = theft_case_fir_lodge(user=officer, case=case, fir_number="0412/2026", police_station="Kakadeo",
                                lodged_on=india_today())
    assert (case.status, case.fir_number, case.police_station) == ("fir_lodged", "0412/2026", "Kakadeo")
    refused("invalid_status", theft_case_fir_lodge, user=it_admin, case=case, fir_number="9", police_station="X",
            lodged_on=india_today())

    case = assess(it_admin, case)
    assert (case.status, case.assessment_amount) == ("fir_lodged", Decimal("48000.00"))


def test_it_settles_an_assessed_case_once_paid_in_full_since(case, officer, clerk):
    case = assess(officer, case, amount="5000.00")
    account_no = case.consumer.account_no
    payment_record(user=clerk, account_no=account_no, amount="3000.00", mode="cash", receipt_no="RTP-T-1")
    case.refresh_from_db()
    assert (case.status, theft_case_paid(case)) == ("assessed", Decimal("3000.00"))

    payment_record(user=clerk, account_no=account_no, amount="2000.00", mode="cash", receipt_no="RTP-T-2")

    case.refresh_from_db()
    assert (case.status, case.closed_on, theft_case_paid(case)) == ("settled", india_today(), Decimal("5000.00"))


def test_it_closes_with_a_note_in_court_then_settled(case, officer):
    refused("notes_required", theft_case_close, user=officer, case=case, status="in_court", closed_on=india_today(),
            note="")
    refused("invalid_status", theft_case_close, user=officer, case=case, status="assessed", closed_on=india_today(),
            note="x")
    case = theft_case_close(user=officer, case=case, status="in_court", closed_on=india_today(),
                            note="Consumer appealed")
    refused("invalid_status", theft_case_close, user=officer, case=case, status="in_court",
            closed_on=india_today(), note="again")
    refused("invalid_status", theft_case_inspection_record, user=officer, case=case, found="other", meter_seal="",
            notes="")
    case = theft_case_close(user=officer, case=case, status="settled", closed_on=india_today(), note="Compounded")
    assert (case.status, case.closing_note) == ("settled", "Consumer appealed\nCompounded")


def test_it_keeps_the_division_it_was_reported_in(case, hsp, officer, other_officer, clerk):
    consumer = case.consumer
    consumer.division = hsp
    consumer.save(update_fields=["division"])

    case.refresh_from_db()
    assert case.division.code == "RTP"
    assert list(theft_cases_visible_to(officer)) == [case]
    assert list(theft_cases_visible_to(other_officer)) == []
    assert list(theft_cases_visible_to(clerk, status="reported")) == [case]
    assert list(theft_cases_visible_to(clerk, status="settled")) == []
