"""Theft cases through the API and the pages: the field's report, the officer's assessment onto the ledger and the
FIR, the case page with the stop's photo and the payments since, the division's list with age."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from arrears.models import LedgerEntry
from core.dates import india_today
from drives.models import Stop, TheftCase
from drives.services import stop_outcome_log
from payments.services import payment_record
from tests.drives.drive_data import build_list, defaulter, plan, served
from tests.drives.photo_data import picture
from tests.drives.test_api import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def stop(rtp, officer, clerk):
    consumer = defaulter(rtp, "50000.00", account_no="00077001")
    served(officer, consumer)
    build_list(rtp)
    return Stop.objects.get(drive=plan(officer, rtp, [clerk]), consumer=consumer)


def report(user, stop, **fields):
    body = {"account_no": stop.consumer.account_no, "drive_stop": stop.pk, "found": "direct_hooking",
            "meter_seal": "broken", "notes": "hook behind the house", **fields}
    return client_for(user).post("/api/v1/theft-cases/", body, format="json")


def test_it_works_a_case_from_the_field_to_the_ledger_and_the_fir(stop, clerk, officer):
    answer = report(clerk, stop)
    assert answer.status_code == 201, answer.content
    case = answer.json()
    assert (case["status"], case["division"], case["drive_stop"], case["found"], case["reported_by"]) == (
        "reported", "RTP", stop.pk, "direct_hooking", clerk.username)
    assert (case["assessment_amount"], case["outstanding"], case["paid_since_assessment"]) == (None, None, "0.00")

    officer_api = client_for(officer)
    assessed = officer_api.post(f"/api/v1/theft-cases/{case['id']}/assessment/", {
        "amount": "48000.00", "section": 135, "assessed_on": str(india_today()), "reference": "ASMT/RTP/112"},
        format="json")
    assert assessed.status_code == 201, assessed.content
    assert (assessed.json()["status"], assessed.json()["outstanding"]) == ("assessed", "48000.00")
    ledger = officer_api.get(f"/api/v1/consumers/{stop.consumer.account_no}/ledger/").json()
    rows = ledger["results"] if isinstance(ledger, dict) else ledger
    assert any(row["reference"] == "ASMT/RTP/112" and row["kind"] == "ADJUSTMENT" and row["amount"] == "48000.00"
               for row in rows)

    payment_record(user=clerk, account_no=stop.consumer.account_no, amount="8000.00", mode="cash",
                   receipt_no="RTP-TH-1")
    lodged = officer_api.post(f"/api/v1/theft-cases/{case['id']}/fir/", {
        "fir_number": "0412/2026", "police_station": "Kakadeo", "lodged_on": str(india_today())}, format="json")
    assert lodged.status_code == 201, lodged.content
    body = lodged.json()
    assert (body["status"], body["fir_number"], body["paid_since_assessment"], body["outstanding"]) == (
        "fir_lodged", "0412/2026", "8000.00", "40000.00")
    again = officer_api.post(f"/api/v1/theft-cases/{case['id']}/fir/", {
        "fir_number": "1", "police_station": "Kakadeo", "lodged_on": str(india_today())}, format="json")
    assert (again.status_code, again.json()["code"]) == (409, "invalid_status")


def test_it_refuses_bad_input_and_documents_refusals(stop, clerk, officer):
    assert report(clerk, stop, found="wire").status_code == 400
    case = report(clerk, stop).json()
    assert report(clerk, stop).json()["code"] == "theft_case_exists"
    api = client_for(officer)
    url = f"/api/v1/theft-cases/{case['id']}/assessment/"
    base = {"amount": "100.00", "section": 135, "assessed_on": str(india_today()), "reference": "R-1"}
    assert api.post(url, {**base, "section": 120}, format="json").status_code == 400
    assert api.post(url, {**base, "amount": "0"}, format="json").status_code == 400
    future = api.post(url, {**base, "assessed_on": str(india_today() + timedelta(days=1))}, format="json")
    assert (future.status_code, future.json()["code"], future.json()["field"]) == (409, "invalid_date",
                                                                                     "assessed_on")
    assert not LedgerEntry.objects.filter(reference="R-1").exists()
    schema = client_for(officer).get("/api/schema/?format=json").json()
    refusals = schema["paths"]["/api/v1/theft-cases/{id}/assessment/"]["post"]["responses"]
    assert {"201", "400", "403", "404", "409"} <= set(refusals)


def test_it_lists_a_clerks_own_cases_and_the_divisions_for_the_officer(stop, rtp, clerk, officer, other_officer):
    report(clerk, stop)
    other = defaulter(rtp, "20000.00", account_no="00077002")
    client_for(officer).post("/api/v1/theft-cases/", {"account_no": other.account_no}, format="json")

    mine = client_for(clerk).get("/api/v1/theft-cases/").json()
    division = client_for(officer).get("/api/v1/theft-cases/?status=reported").json()
    assert [c["account_no"] for c in mine["results"]] == ["00077001"]
    assert sorted(c["account_no"] for c in division["results"]) == ["00077001", "00077002"]
    assert client_for(other_officer).get("/api/v1/theft-cases/").json()["count"] == 0
    assert client_for(officer).get("/api/v1/theft-cases/?status=open").status_code == 400


def test_the_pages_show_the_photo_the_ledger_charge_and_the_fir(stop, clerk, officer):
    stop_outcome_log(user=clerk, stop=stop, outcome="theft_detected", notes="hook on the LT line",
                     photo=SimpleUploadedFile("p.jpg", picture(), content_type="image/jpeg"))
    case = TheftCase.objects.get(stop=stop)
    page = Client()
    page.force_login(officer)

    listed = page.get("/theft-cases/").content.decode()
    assert f'href="/theft-cases/{case.pk}/"' in listed and "00077001" in listed
    shown = page.get(f"/theft-cases/{case.pk}/").content.decode()
    stop.refresh_from_db()
    assert stop.photo.url in shown
    answer = page.post(f"/theft-cases/{case.pk}/assessment/", {
        "amount": "48000.00", "section": "126", "assessed_on": india_today().isoformat(), "reference": "ASMT-9"})
    assert answer.status_code == 302
    refused = page.post(f"/theft-cases/{case.pk}/fir/", {"fir_number": "", "police_station": "Kakadeo",
                                                          "lodged_on": india_today().isoformat()})
    assert refused.status_code == 400
    page.post(f"/theft-cases/{case.pk}/fir/", {"fir_number": "0412/2026", "police_station": "Kakadeo",
                                               "lodged_on": india_today().isoformat()})
    shown = page.get(f"/theft-cases/{case.pk}/").content.decode()
    assert "ASMT-9" in shown and "0412/2026" in shown and "₹48,000.00" in shown
    case.refresh_from_db()
    assert (case.status, case.section, case.assessment_entry.reference) == ("fir_lodged", 126, "ASMT-9")
