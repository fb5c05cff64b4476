"""The drives API (DESIGN.md, REST API): notices, drives and stops, outcomes, reconnections, disputes.

Everything goes through the API as the field app and the officer's tools call it; the services behind it
are tested by calling them (tests/drives/test_services.py and friends).
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from arrears.models import Consumer, EntryKind, LedgerEntry
from core.dates import india_today
from drives.models import Disconnection, Stop
from tests.drives.photo_data import picture
from tests.factories import add_entry, make_consumer, make_user

pytestmark = pytest.mark.django_db

NOTICE_DAYS_AGO = 20  # more than 15 clear days: a cut is lawful today


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def defaulter(division, account_no: str, arrears: str, locality: str, **fields) -> Consumer:
    """A consumer owing ``arrears`` on a bill due two months ago, living in ``locality``."""
    consumer = make_consumer(division, account_no=account_no, address=f"12/{account_no[-2:]} {locality}, Kanpur",
                             phone=f"98390{account_no[-5:]}", **fields)
    today = india_today()
    add_entry(consumer, "BILL", arrears, today - timedelta(days=75), due_date=today - timedelta(days=60))
    return consumer


def serve_notice(client, account_no: str, *, days_ago: int = NOTICE_DAYS_AGO, amount: str = "1000.00"):
    # Served weeks ago and entered now: by the officer, with a reason and the proof of service.
    response = client.post("/api/v1/notices/", {"account_no": account_no, "mode": "hand", "amount_demanded": amount,
                                                "served_on": str(india_today() - timedelta(days=days_ago)),
                                                "reason": "entered from the signed acknowledgement",
                                                "proof_ref": f"ACK-{account_no}"}, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def plan(client, clerks, *, division: str = "RTP", **fields):
    body = {"division": division, "date": str(india_today()), "name": "Ratanpur drive", "min_arrears": "0.00",
            "clerks": [c.username for c in clerks], "max_stops": 50, **fields}
    return client.post("/api/v1/drives/", body, format="json")


def log(client, drive_id: int, stop_id: int, **body):
    return client.post(f"/api/v1/drives/{drive_id}/stops/{stop_id}/outcome/", body, format="json")


def stop_of(drive: dict, account_no: str) -> dict:
    return next(s for s in drive["stops"] if s["account_no"] == account_no)


@pytest.fixture
def clerk2(rtp):
    return make_user("clerk2_rtp", "clerk", rtp)


@pytest.fixture
def day(rtp, hsp, officer, clerk, clerk2):
    """RTP's defaulters in two localities, last night's list built, notices served 20 days ago on all but one."""
    consumers = {
        "lal1": defaulter(rtp, "00010001", "50000.00", "Lal Bangla"),
        "lal2": defaulter(rtp, "00010002", "40000.00", "Lal Bangla"),
        "har1": defaulter(rtp, "00010003", "30000.00", "Harrisganj"),
        "har2": defaulter(rtp, "00010004", "20000.00", "Harrisganj"),
        "hsp": defaulter(hsp, "00020001", "60000.00", "Hanspuram"),
    }
    call_command("build_defaulter_lists", verbosity=0)
    officer_api = client_for(officer)
    for key in ("lal1", "lal2", "har1"):
        # Each demands the arrears, as a real notice does: a deposit under protest does not spend it.
        consumers[key].refresh_from_db()
        serve_notice(officer_api, consumers[key].account_no, amount=str(consumers[key].arrears))
    return consumers


# --- notices ------------------------------------------------------------------------------------------------

def test_it_records_a_notice_served_days_ago_and_lists_it(day, clerk):
    api = client_for(clerk)
    served_on = india_today() - timedelta(days=3)
    response = api.post("/api/v1/notices/", {"account_no": "00010004", "served_on": str(served_on), "mode": "post",
                                             "amount_demanded": "20000.00"}, format="json")
    assert response.status_code == 201, response.content
    notice = response.json()
    assert notice["amount_demanded"] == "20000.00"
    assert notice["recorded_by"] == "clerk_rtp"
    assert notice["lawful_from"] == str(served_on + timedelta(days=16))
    listed = api.get("/api/v1/notices/", {"account_no": "00010004"}).json()
    assert listed["count"] == 1 and listed["results"][0]["id"] == notice["id"]


def test_it_refuses_a_notice_served_in_the_future(day, clerk):
    response = client_for(clerk).post("/api/v1/notices/", {
        "account_no": "00010004", "served_on": str(india_today() + timedelta(days=1)), "mode": "hand",
        "amount_demanded": "100.00"}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "invalid_date" and response.json()["field"] == "served_on"


def test_it_answers_404_for_a_notice_on_another_divisions_consumer(day, clerk):
    response = client_for(clerk).post("/api/v1/notices/", {
        "account_no": "00020001", "served_on": str(india_today()), "mode": "hand", "amount_demanded": "100.00"},
        format="json")
    assert response.status_code == 404


def test_it_lists_only_the_divisions_notices(day, other_clerk):
    assert client_for(other_clerk).get("/api/v1/notices/").json()["count"] == 0


# --- planning -----------------------------------------------------------------------------------------------

def test_it_plans_a_drive_split_among_the_clerks_by_locality(day, officer, clerk, clerk2):
    response = plan(client_for(officer), [clerk, clerk2])
    assert response.status_code == 201, response.content
    drive = response.json()
    assert drive["division"] == "RTP" and drive["officer"] == "officer_rtp" and drive["status"] == "planned"
    assert drive["clerks"] == ["clerk2_rtp", "clerk_rtp"]
    by_clerk = {}
    for stop in drive["stops"]:
        by_clerk.setdefault(stop["clerk"], []).append(stop)
    # Lal Bangla (ranks 1 and 2) to the first clerk named, Harrisganj to the second; each in walking order.
    assert [(s["account_no"], s["sequence"]) for s in by_clerk["clerk_rtp"]] == [("00010001", 1), ("00010002", 2)]
    assert [(s["account_no"], s["sequence"]) for s in by_clerk["clerk2_rtp"]] == [("00010003", 1), ("00010004", 2)]
    first = stop_of(drive, "00010001")
    assert first["arrears"] == "50000.00" and first["rank"] == 1 and first["locality"] == "Lal Bangla"
    assert first["notice_valid"] is True and first["outcome"] is None and first["status"] == "open"
    assert first["name"] == "Ram Prasad" and first["address"] == "12/01 Lal Bangla, Kanpur"
    assert first["phone"] == "9839010001" and first["time_barred_amount"] == "0.00"
    assert stop_of(drive, "00010004")["notice_valid"] is False  # no notice served


def test_it_never_puts_a_protected_consumer_on_a_drive(day, rtp, officer, clerk):
    defaulter(rtp, "00010009", "90000.00", "Lal Bangla", is_protected=True)
    call_command("build_defaulter_lists", verbosity=0)
    drive = plan(client_for(officer), [clerk]).json()
    assert "00010009" not in {s["account_no"] for s in drive["stops"]}
    assert len(drive["stops"]) == 4


def test_it_forbids_a_clerk_to_plan_a_drive(day, clerk):
    response = plan(client_for(clerk), [clerk])
    assert response.status_code == 403
    assert not Stop.objects.exists()


def test_it_answers_404_for_planning_in_another_division(day, other_officer, clerk):
    assert plan(client_for(other_officer), [clerk]).status_code == 404


def test_it_refuses_a_clerk_of_another_division(day, officer, other_clerk, it_admin):
    # The officer can't see the other division's users at all; IT can, and the service says why not.
    assert plan(client_for(officer), [other_clerk]).status_code == 400
    response = plan(client_for(it_admin), [other_clerk])
    assert response.status_code == 409 and response.json()["code"] == "invalid_clerk"


@pytest.mark.parametrize("max_stops", [0, 5001, "many"])
def test_it_bounds_max_stops(day, officer, clerk, max_stops):
    response = plan(client_for(officer), [clerk], max_stops=max_stops)
    assert response.status_code == 400 and "max_stops" in response.json()


def test_it_refuses_a_drive_in_the_past(day, officer, clerk):
    response = plan(client_for(officer), [clerk], date=str(india_today() - timedelta(days=1)))
    assert response.status_code == 409 and response.json()["code"] == "drive_date_past"


def test_it_lists_drives_by_division_date_and_status(day, officer, clerk, other_officer):
    drive = plan(client_for(officer), [clerk]).json()
    api = client_for(officer)
    assert [d["id"] for d in api.get("/api/v1/drives/", {"division": "RTP", "date": str(india_today()),
                                                         "status": "planned"}).json()["results"]] == [drive["id"]]
    assert api.get("/api/v1/drives/", {"status": "closed"}).json()["count"] == 0
    assert client_for(other_officer).get("/api/v1/drives/").json()["count"] == 0


def test_it_shows_a_clerk_only_the_drives_they_are_on(day, officer, clerk, clerk2):
    plan(client_for(officer), [clerk])
    assert client_for(clerk).get("/api/v1/drives/").json()["count"] == 1
    assert client_for(clerk2).get("/api/v1/drives/").json()["count"] == 0


# --- stops --------------------------------------------------------------------------------------------------

def test_it_shows_a_clerk_only_their_stops(day, officer, clerk, clerk2):
    drive = plan(client_for(officer), [clerk, clerk2]).json()
    mine = client_for(clerk).get(f"/api/v1/drives/{drive['id']}/stops/").json()
    assert [s["account_no"] for s in mine["results"]] == ["00010001", "00010002"]
    assert {s["clerk"] for s in mine["results"]} == {"clerk_rtp"}
    assert client_for(officer).get(f"/api/v1/drives/{drive['id']}/stops/").json()["count"] == 4


def test_it_answers_404_for_another_divisions_drive_and_stop(day, officer, clerk, other_officer, other_clerk):
    drive = plan(client_for(officer), [clerk]).json()
    stop = stop_of(drive, "00010001")
    for user in (other_officer, other_clerk):
        api = client_for(user)
        assert api.get(f"/api/v1/drives/{drive['id']}/").status_code == 404
        assert api.get(f"/api/v1/drives/{drive['id']}/stops/").status_code == 404
    response = log(client_for(other_officer), drive["id"], stop["id"], outcome="disconnected", method="fuse_pulled")
    assert response.status_code == 404
    assert Stop.objects.get(pk=stop["id"]).status == "open"


def test_it_answers_404_for_another_clerks_stop(day, officer, clerk, clerk2):
    drive = plan(client_for(officer), [clerk, clerk2]).json()
    theirs = stop_of(drive, "00010003")  # clerk2's
    response = log(client_for(clerk), drive["id"], theirs["id"], outcome="premises_locked")
    assert response.status_code == 404


def test_it_answers_404_for_a_stop_of_another_drive(day, officer, clerk):
    # Two drives in two localities: a consumer is on one open stop at a time.
    first = plan(client_for(officer), [clerk], locality="Lal Bangla").json()
    second = plan(client_for(officer), [clerk], name="Second", locality="Harrisganj").json()
    response = log(client_for(clerk), second["id"], stop_of(first, "00010001")["id"], outcome="not_found")
    assert response.status_code == 404


# --- outcomes -----------------------------------------------------------------------------------------------

def test_it_logs_a_disconnection_with_its_position_and_charge(day, officer, clerk):
    drive = plan(client_for(officer), [clerk]).json()
    stop = stop_of(drive, "00010001")
    response = log(client_for(clerk), drive["id"], stop["id"], outcome="disconnected", method="cable_removed",
                   notes="meter board outside", latitude=26.449923123, longitude=80.331871)
    assert response.status_code == 200, response.content
    logged = response.json()
    assert logged["outcome"] == "disconnected" and logged["method"] == "cable_removed"
    assert logged["status"] == "done" and logged["outcome_at"]
    saved = Stop.objects.get(pk=stop["id"])
    assert saved.latitude == Decimal("26.449923") and saved.outcome_by.username == "clerk_rtp"
    assert saved.outcome_source == "api"
    assert Consumer.objects.get(account_no="00010001").status == "disconnected"
    assert LedgerEntry.objects.filter(consumer__account_no="00010001", kind=EntryKind.SURCHARGE).count() == 1
    detail = client_for(officer).get(f"/api/v1/drives/{drive['id']}/").json()
    assert detail["status"] == "in_progress"
    assert detail["progress"]["disconnections"] == 1 and detail["progress"]["outcomes"]["disconnected"] == 1


def test_it_refuses_a_cut_without_a_notice(day, officer, clerk):
    drive = plan(client_for(officer), [clerk]).json()
    response = log(client_for(clerk), drive["id"], stop_of(drive, "00010004")["id"], outcome="disconnected",
                   method="fuse_pulled")
    assert response.status_code == 409 and response.json()["code"] == "notice_required"
    assert not Disconnection.objects.exists()
    assert Consumer.objects.get(account_no="00010004").status == "connected"


def test_it_refuses_a_cut_while_a_dispute_with_its_deposit_is_pending(day, officer, clerk):
    drive = plan(client_for(officer), [clerk]).json()
    # The deposit under protest, paid at the counter: the lesser of the 5,000 disputed and the one bill of 40,000.
    add_entry(day["lal2"], "PAYMENT", "5000.00", india_today(), reference="DEP-1")
    response = client_for(officer).post("/api/v1/disputes/", {
        "account_no": "00010002", "raised_on": str(india_today()), "amount_disputed": "5000.00",
        "deposit_amount": "5000.00", "deposit_receipt_no": "DEP-1", "notes": "meter reading disputed"},
        format="json")
    assert response.status_code == 201, response.content
    dispute = response.json()
    assert dispute["holds_disconnection"] is True and dispute["status"] == "open"
    stop_id = stop_of(drive, "00010002")["id"]
    refused = log(client_for(clerk), drive["id"], stop_id, outcome="disconnected", method="fuse_pulled")
    assert refused.status_code == 409 and refused.json()["code"] == "dispute_pending"

    resolved = client_for(officer).post(f"/api/v1/disputes/{dispute['id']}/resolve/", {
        "resolved_on": str(india_today()), "resolution": "reading confirmed; bill stands"}, format="json")
    assert resolved.status_code == 200, resolved.content
    assert resolved.json()["status"] == "resolved" and resolved.json()["resolved_by"] == "officer_rtp"
    again = client_for(officer).post(f"/api/v1/disputes/{dispute['id']}/resolve/", {
        "resolved_on": str(india_today()), "resolution": "again"}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "invalid_status"
    assert log(client_for(clerk), drive["id"], stop_id, outcome="disconnected",
               method="fuse_pulled").status_code == 200


def test_it_refuses_a_cut_of_a_consumer_protected_since_planning(day, officer, clerk):
    drive = plan(client_for(officer), [clerk]).json()
    Consumer.objects.filter(account_no="00010001").update(is_protected=True)  # a hospital, found out today
    response = log(client_for(clerk), drive["id"], stop_of(drive, "00010001")["id"], outcome="disconnected",
                   method="meter_removed")
    assert response.status_code == 409 and response.json()["code"] == "protected_consumer"


def test_it_asks_how_the_connection_was_cut(day, officer, clerk):
    drive = plan(client_for(officer), [clerk]).json()
    response = log(client_for(clerk), drive["id"], stop_of(drive, "00010001")["id"], outcome="disconnected")
    assert response.status_code == 409
    assert response.json() == {"code": "method_required", "detail": "method: say how the connection was cut",
                               "field": "method"}


@pytest.mark.parametrize("body", [
    {"outcome": "teleported"},
    {"outcome": "not_found", "latitude": 91},
    {"outcome": "not_found", "longitude": -180.5},
    {"outcome": "not_found", "notes": "x" * 2001},
    {"outcome": "disconnected", "method": "axe"},
])
def test_it_refuses_bad_outcome_input_with_a_400(day, officer, clerk, body):
    drive = plan(client_for(officer), [clerk]).json()
    response = log(client_for(clerk), drive["id"], stop_of(drive, "00010001")["id"], **body)
    assert response.status_code == 400
    assert Stop.objects.get(consumer__account_no="00010001").status == "open"


def test_it_takes_a_photo_with_the_outcome(day, officer, clerk, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    drive = plan(client_for(officer), [clerk]).json()
    stop_id = stop_of(drive, "00010002")["id"]
    jpeg = SimpleUploadedFile("door.jpg", picture(), content_type="image/jpeg")
    response = client_for(clerk).post(f"/api/v1/drives/{drive['id']}/stops/{stop_id}/outcome/",
                                      {"outcome": "premises_locked", "photo": jpeg}, format="multipart")
    assert response.status_code == 200, response.content
    photo = Stop.objects.get(pk=stop_id).photo
    assert photo.name.endswith(".jpg") and "door" not in photo.name
    # The answer links the photo, at the address that serves it to those who may see the stop.
    assert response.json()["photo"] == f"http://testserver/media/{photo.name}"


def test_it_refuses_a_file_that_is_no_picture(day, officer, clerk, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    drive = plan(client_for(officer), [clerk]).json()
    stop_id = stop_of(drive, "00010002")["id"]
    script = SimpleUploadedFile("door.jpg", b"#!/bin/sh\nrm -rf /\n", content_type="image/jpeg")
    response = client_for(clerk).post(f"/api/v1/drives/{drive['id']}/stops/{stop_id}/outcome/",
                                      {"outcome": "premises_locked", "photo": script}, format="multipart")
    assert response.status_code == 409 and response.json()["code"] == "invalid_photo"


def test_it_replays_a_retried_outcome_and_cuts_once(day, officer, clerk):
    drive = plan(client_for(officer), [clerk]).json()
    stop_id = stop_of(drive, "00010001")["id"]
    api = client_for(clerk)
    url = f"/api/v1/drives/{drive['id']}/stops/{stop_id}/outcome/"
    body = {"outcome": "disconnected", "method": "fuse_pulled", "notes": "cut at the pole"}
    first = api.post(url, body, format="json", headers={"Idempotency-Key": "phone-7f3a"})
    retry = api.post(url, body, format="json", headers={"Idempotency-Key": "phone-7f3a"})
    assert first.status_code == retry.status_code == 200
    assert retry.json() == first.json()
    assert retry.headers["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first.headers
    assert Disconnection.objects.count() == 1
    assert LedgerEntry.objects.filter(consumer__account_no="00010001", kind=EntryKind.SURCHARGE).count() == 1

    other = api.post(url, {**body, "method": "cable_removed"}, format="json", headers={"Idempotency-Key": "phone-7f3a"})
    assert other.status_code == 409 and other.json()["code"] == "idempotency_conflict"
    # Without the key a second report of the same stop is a refusal, not a second cut.
    again = api.post(url, body, format="json")
    assert again.status_code == 409 and again.json()["code"] == "stop_closed"
    assert Disconnection.objects.count() == 1


def test_it_tells_a_retried_photo_from_another_photo_of_the_same_name(day, officer, clerk, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    drive = plan(client_for(officer), [clerk]).json()
    stop_id = stop_of(drive, "00010002")["id"]
    api = client_for(clerk)
    url = f"/api/v1/drives/{drive['id']}/stops/{stop_id}/outcome/"

    def send(data: bytes):
        return api.post(url, {"outcome": "premises_locked", "photo": SimpleUploadedFile("IMG_0001.jpg", data)},
                        format="multipart", headers={"Idempotency-Key": "phone-photo-1"})

    first = send(picture(color=(200, 40, 40)))
    retry = send(picture(color=(200, 40, 40)))
    other = send(picture(color=(40, 200, 40)))
    assert first.status_code == retry.status_code == 200, first.content
    assert retry.headers["Idempotent-Replayed"] == "true" and retry.json() == first.json()
    assert other.status_code == 409 and other.json()["code"] == "idempotency_conflict"
    assert len(list(tmp_path.rglob("*.jpg"))) == 1


def test_it_keeps_one_key_on_two_stops_apart(day, officer, clerk):
    drive = plan(client_for(officer), [clerk]).json()
    api = client_for(clerk)
    for account_no in ("00010001", "00010002"):
        response = log(api, drive["id"], stop_of(drive, account_no)["id"], outcome="premises_locked")
        assert response.status_code == 200
    assert Stop.objects.filter(outcome="premises_locked").count() == 2


def test_it_forbids_hq_to_log_an_outcome(day, officer, clerk, md):
    drive = plan(client_for(officer), [clerk]).json()
    response = log(client_for(md), drive["id"], stop_of(drive, "00010001")["id"], outcome="not_found")
    assert response.status_code == 403


# --- disputes and reconnections -----------------------------------------------------------------------------

def test_it_lets_only_officers_record_disputes(day, clerk):
    response = client_for(clerk).post("/api/v1/disputes/", {
        "account_no": "00010002", "raised_on": str(india_today()), "amount_disputed": "100.00"}, format="json")
    assert response.status_code == 403


def test_it_asks_for_the_deposit_receipt(day, officer):
    response = client_for(officer).post("/api/v1/disputes/", {
        "account_no": "00010002", "raised_on": str(india_today()), "amount_disputed": "100.00",
        "deposit_amount": "100.00"}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "receipt_required"


def test_it_answers_404_for_another_divisions_reconnection_and_dispute(day, other_officer):
    api = client_for(other_officer)
    assert api.post("/api/v1/reconnections/999/done/", {}, format="json").status_code == 404
    assert api.post("/api/v1/disputes/999/resolve/", {"resolved_on": str(india_today()), "resolution": "x"},
                    format="json").status_code == 404


def reconnection_minimum_of(account_no: str) -> Decimal:
    """25% of the arrears when cut, at least ₹1,000 (the settings' defaults)."""
    cut = Disconnection.objects.get(consumer__account_no=account_no)
    return max(Decimal("1000.00"), (cut.arrears_at_disconnection * Decimal("0.25")).quantize(Decimal("0.01")))


# --- the whole day ------------------------------------------------------------------------------------------

def test_it_runs_a_drives_whole_day_through_the_api(day, officer, clerk, clerk2):
    """Notices served 20 days ago; the officer plans with two clerks; cuts, payments on the spot, a
    reconnection; the drive's figures say what was done."""
    officer_api, lal, har = client_for(officer), client_for(clerk), client_for(clerk2)
    serve_notice(officer_api, "00010004", days_ago=NOTICE_DAYS_AGO)
    drive = plan(officer_api, [clerk, clerk2], name="Ratanpur, 2 December").json()
    stops = {s["account_no"]: s for s in drive["stops"]}
    assert all(s["notice_valid"] for s in stops.values())

    # Lal Bangla: the first is cut; the second pays it all on the spot, and the stop is logged paid.
    assert log(lal, drive["id"], stops["00010001"]["id"], outcome="disconnected",
               method="cable_removed").status_code == 200
    paid = lal.post("/api/v1/payments/", {"account_no": "00010002", "amount": "40000.00", "mode": "cash",
                                          "receipt_no": "RTP-2026-1", "drive_stop": stops["00010002"]["id"]},
                    format="json", headers={"Idempotency-Key": "lal-pay-1"})
    assert paid.status_code == 201, paid.content
    assert paid.json()["arrears_after"] == "0.00" and paid.json()["reconnection_order"] is None

    # Harrisganj: both cut; the first then pays the reconnection minimum to the team at the stop and gets an
    # order at once.
    for account_no in ("00010003", "00010004"):
        assert log(har, drive["id"], stops[account_no]["id"], outcome="disconnected",
                   method="fuse_pulled").status_code == 200
    minimum = reconnection_minimum_of("00010003")
    reconnecting = har.post("/api/v1/payments/", {"account_no": "00010003", "amount": str(minimum), "mode": "upi",
                                                  "instrument_no": "412345678901", "receipt_no": "RTP-2026-2",
                                                  "drive_stop": stops["00010003"]["id"]},
                       format="json")
    assert reconnecting.status_code == 201, reconnecting.content
    order_id = reconnecting.json()["reconnection_order"]
    assert order_id is not None

    open_orders = har.get("/api/v1/reconnections/", {"status": "open"}).json()
    assert [o["id"] for o in open_orders["results"]] == [order_id]
    assert open_orders["results"][0]["account_no"] == "00010003" and open_orders["results"][0]["overdue"] is False
    done = har.post(f"/api/v1/reconnections/{order_id}/done/", {"notes": "fuse back"}, format="json")
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "done" and done.json()["done_by"] == "clerk2_rtp"
    assert Consumer.objects.get(account_no="00010003").status == "connected"

    progress = officer_api.get(f"/api/v1/drives/{drive['id']}/").json()["progress"]
    assert progress["disconnections"] == 3
    assert progress["outcomes"]["disconnected"] == 3 and progress["outcomes"]["paid"] == 1
    assert progress["payments"] == 2 and progress["collected"] == str(Decimal("40000.00") + minimum)
    assert progress["left"] == 0
    assert {c["clerk"]: (c["done"], c["left"]) for c in progress["clerks"]} == {"clerk_rtp": (2, 0),
                                                                                "clerk2_rtp": (2, 0)}
    assert officer_api.get("/api/v1/reconnections/", {"status": "done"}).json()["count"] == 1
    assert officer_api.get("/api/v1/reconnections/", {"status": "open"}).json()["count"] == 0


def test_it_takes_the_reconnection_payment_at_the_stop_just_cut(day, officer, clerk):
    drive = plan(client_for(officer), [clerk]).json()
    stop = stop_of(drive, "00010001")
    api = client_for(clerk)
    assert log(api, drive["id"], stop["id"], outcome="disconnected", method="cable_removed").status_code == 200
    paid = api.post("/api/v1/payments/", {"account_no": "00010001", "amount": str(reconnection_minimum_of("00010001")),
                                          "mode": "cash", "receipt_no": "RTP-2026-9", "drive_stop": stop["id"]},
                    format="json")
    assert paid.status_code == 201, paid.content
    assert paid.json()["reconnection_order"] is not None
    progress = client_for(officer).get(f"/api/v1/drives/{drive['id']}/").json()["progress"]
    assert progress["payments"] == 1 and progress["outcomes"]["disconnected"] == 1
