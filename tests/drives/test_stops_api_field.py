"""What the field app reads of a stop (`GET drives/{id}/stops/`): the drive, the notice's state and the day a cut
becomes lawful, the consumer's connection, the reconnection minimum and shortfall, what closes the stop as paid,
the last known position and whether the consumer was reconnected since the cut here. And the clerk's day:
`GET drives/?date=today&status=open`."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command

from core.dates import india_today
from drives.models import NOTICE_CLEAR_DAYS, Drive, Stop
from tests.drives.test_api import client_for, defaulter, log, plan, serve_notice, stop_of

pytestmark = pytest.mark.django_db

# The keys the stops list had before: kept, with their meanings.
OLD_KEYS = {"id", "account_no", "name", "address", "phone", "locality", "clerk", "sequence", "rank", "arrears",
            "time_barred_amount", "notice_valid", "status", "outcome", "method", "outcome_at", "paid_amount"}
NEW_KEYS = {"drive", "drive_name", "drive_date", "notice_state", "lawful_from", "consumer_status", "category",
            "reconnection_minimum", "reconnection_short_by", "paid_needs", "part_paid", "latitude", "longitude",
            "reconnected", "photo"}


@pytest.fixture
def day(rtp, officer, clerk):
    """Four RTP defaulters on today's list: one with a ripe notice, one served 5 days ago, one with none and one
    whose ripe notice demanded 1,000.00 (paid since: spent)."""
    consumers = {
        "ripe": defaulter(rtp, "00030001", "48000.00", "Lal Bangla"),
        "later": defaulter(rtp, "00030002", "40000.00", "Lal Bangla"),
        "none": defaulter(rtp, "00030003", "30000.00", "Harrisganj"),
        "spent": defaulter(rtp, "00030004", "20000.00", "Harrisganj"),
    }
    call_command("build_defaulter_lists", verbosity=0)
    officer_api = client_for(officer)
    serve_notice(officer_api, "00030001", amount="48000.00")
    serve_notice(officer_api, "00030002", days_ago=5, amount="40000.00")
    serve_notice(officer_api, "00030004", amount="1000.00")
    return consumers


def _stops(api, drive_id: int) -> dict:
    response = api.get(f"/api/v1/drives/{drive_id}/stops/")
    assert response.status_code == 200, response.content
    return {s["account_no"]: s for s in response.json()["results"]}


def _pay(api, account_no: str, amount: str, receipt_no: str, stop_id: int | None = None):
    body = {"account_no": account_no, "amount": amount, "mode": "cash", "receipt_no": receipt_no}
    if stop_id is not None:
        body["drive_stop"] = stop_id
    response = api.post("/api/v1/payments/", body, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def test_each_stop_says_what_the_field_needs(day, officer, clerk):
    drive = plan(client_for(officer), [clerk], name="Lal Bangla, today").json()
    # A payment at the counter of the sum the notice of 00030004 demanded: the notice is spent.
    _pay(client_for(officer), "00030004", "1000.00", "RTP-2026-101")
    stops = _stops(client_for(clerk), drive["id"])
    for stop in stops.values():
        assert set(stop) == OLD_KEYS | NEW_KEYS
        assert (stop["drive"], stop["drive_name"], stop["drive_date"]) == (drive["id"], "Lal Bangla, today",
                                                                           str(india_today()))
        assert stop["consumer_status"] == "connected" and stop["category"] == "LMV-1"
        assert stop["reconnection_short_by"] is None and stop["part_paid"] is False
        assert stop["latitude"] is None and stop["longitude"] is None and stop["reconnected"] is False
        assert stop["photo"] is None
    ripe, later, none, spent = (stops[a] for a in ("00030001", "00030002", "00030003", "00030004"))
    assert (ripe["notice_state"], ripe["lawful_from"], ripe["notice_valid"]) == ("valid", None, True)
    lawful = india_today() - timedelta(days=5) + timedelta(days=NOTICE_CLEAR_DAYS + 1)
    assert (later["notice_state"], later["lawful_from"], later["notice_valid"]) == ("later", str(lawful), False)
    assert (none["notice_state"], none["lawful_from"]) == ("none", None)
    assert (spent["notice_state"], spent["lawful_from"], spent["notice_valid"]) == ("spent", None, False)
    # A quarter of the arrears, at least ₹1,000; a payment closes the stop as paid when it reaches the minimum
    # or brings the arrears to the ₹10,000 threshold, whichever is less.
    assert ripe["reconnection_minimum"] == "12000.00" and ripe["paid_needs"] == "12000.00"
    assert spent["arrears"] == "19000.00"
    assert spent["reconnection_minimum"] == "4750.00" and spent["paid_needs"] == "4750.00"


def test_a_part_payment_a_cut_a_shortfall_and_a_reconnection(day, officer, clerk):
    drive = plan(client_for(officer), [clerk]).json()
    api = client_for(clerk)
    stop_id = stop_of(drive, "00030001")["id"]
    # ₹2,000 at the stop: too little to close it (₹12,000 would); part-paid, and what closes it now.
    _pay(api, "00030001", "2000.00", "RTP-2026-201", stop_id)
    stop = _stops(api, drive["id"])["00030001"]
    assert stop["status"] == "open" and stop["part_paid"] is True and stop["paid_amount"] == "2000.00"
    assert stop["paid_needs"] == "10000.00"

    cut = log(api, drive["id"], stop_id, outcome="disconnected", method="cable_removed", latitude="26.449923",
              longitude="80.331874")
    assert cut.status_code == 200, cut.content
    assert set(cut.json()) == OLD_KEYS | NEW_KEYS  # the outcome's answer is the same stop
    stop = _stops(api, drive["id"])["00030001"]
    # Cut on arrears of 46,000.00: the minimum is 11,500.00, nothing paid since.
    assert stop["consumer_status"] == "disconnected" and stop["paid_needs"] is None and stop["part_paid"] is False
    assert (stop["reconnection_minimum"], stop["reconnection_short_by"]) == ("11500.00", "11500.00")
    assert (stop["latitude"], stop["longitude"]) == ("26.449923", "80.331874")

    _pay(api, "00030001", "4000.00", "RTP-2026-202", stop_id)
    stop = _stops(api, drive["id"])["00030001"]
    assert (stop["reconnection_minimum"], stop["reconnection_short_by"]) == ("11500.00", "7500.00")
    assert stop["reconnected"] is False

    paid = _pay(api, "00030001", "7500.00", "RTP-2026-203", stop_id)
    assert paid["reconnection_order"] is not None
    stop = _stops(api, drive["id"])["00030001"]
    assert stop["reconnection_short_by"] is None and stop["reconnected"] is False  # ordered, not yet done
    done = api.post(f"/api/v1/reconnections/{paid['reconnection_order']}/done/", {"notes": "cable refitted"},
                    format="json")
    assert done.status_code == 200, done.content
    stop = _stops(api, drive["id"])["00030001"]
    assert stop["reconnected"] is True and stop["consumer_status"] == "connected"


def test_the_position_comes_from_the_consumers_latest_outcome_on_any_drive(day, officer, clerk):
    first = plan(client_for(officer), [clerk]).json()
    api = client_for(clerk)
    assert log(api, first["id"], stop_of(first, "00030003")["id"], outcome="premises_locked",
               latitude="26.400001", longitude="80.300001").status_code == 200
    Drive.objects.filter(pk=first["id"]).update(status="closed")
    Stop.objects.filter(drive_id=first["id"], status="open").update(status="unvisited")
    second = plan(client_for(officer), [clerk], name="Again").json()
    stop = _stops(api, second["id"])["00030003"]
    assert (stop["latitude"], stop["longitude"]) == ("26.400001", "80.300001")
    assert stop["status"] == "open" and stop["outcome"] is None  # its own outcome is still to come


def test_the_clerks_day_lists_the_open_drives_of_today_with_their_stops(day, officer, clerk, rtp):
    from tests.factories import make_user

    today = plan(client_for(officer), [clerk], max_stops=2).json()
    other_clerk = make_user("clerk_rtp_2", "clerk", rtp)
    theirs = plan(client_for(officer), [other_clerk], name="Theirs").json()
    api = client_for(clerk)
    listed = api.get("/api/v1/drives/", {"date": str(india_today()), "status": "open"})
    assert listed.status_code == 200, listed.content
    assert [d["id"] for d in listed.json()["results"]] == [today["id"]]
    # A stop moved to the clerk (not among the drive's clerks) brings its drive into the clerk's day.
    Stop.objects.filter(drive_id=theirs["id"]).update(clerk=clerk)
    listed = api.get("/api/v1/drives/", {"date": str(india_today()), "status": "open"}).json()["results"]
    assert sorted(d["id"] for d in listed) == sorted([today["id"], theirs["id"]])
    assert len(_stops(api, theirs["id"])) == len(theirs["stops"])
    Drive.objects.filter(pk=today["id"]).update(status="closed")
    listed = api.get("/api/v1/drives/", {"date": str(india_today()), "status": "open"}).json()["results"]
    assert [d["id"] for d in listed] == [theirs["id"]]
    assert api.get("/api/v1/drives/", {"status": "shut"}).status_code == 400


def test_a_lifeline_consumers_minimum(rtp, officer, clerk):
    defaulter(rtp, "00030009", "12000.00", "Lal Bangla", category="LMV-1", sanctioned_load_kw=Decimal("1.00"))
    call_command("build_defaulter_lists", verbosity=0)
    drive = plan(client_for(officer), [clerk]).json()
    stop = _stops(client_for(clerk), drive["id"])["00030009"]
    # 10% of 12,000.00 is 1,200.00 (at least ₹250); 2,000.00 brings the arrears to the threshold.
    assert stop["category"] == "LMV-1"
    assert (stop["reconnection_minimum"], stop["paid_needs"]) == ("1200.00", "1200.00")
