"""Field handovers (drives.handovers): a record the server refused, handed over by the clerk to the officer with a
note, listed on the officer's home page and resolved on the handovers page. And a clerk's `disputed` outcome,
which reaches the officer's disputes page and home."""

import json
import uuid

import pytest
from django.core.management import call_command
from django.test import Client

from drives.models import Dispute, FieldHandover
from tests.drives.test_api import client_for, defaulter, log, plan, serve_notice, stop_of

pytestmark = pytest.mark.django_db

KEY = "5f0c1d8e-3b7a-4c52-9a51-0d6f2e9b7c11"


@pytest.fixture
def drive(rtp, hsp, officer, clerk):
    defaulter(rtp, "00050001", "30000.00", "Lal Bangla", name="Kamla Devi")
    defaulter(rtp, "00050002", "25000.00", "Lal Bangla")
    defaulter(hsp, "00060001", "30000.00", "Hanspuram")
    call_command("build_defaulter_lists", verbosity=0)
    serve_notice(client_for(officer), "00050001", amount="30000.00")
    return plan(client_for(officer), [clerk]).json()


def handover_body(drive, **fields):
    stop = stop_of(drive, "00050001")
    return {"key": KEY, "kind": "payment", "account_no": "00050001", "drive_stop": stop["id"],
            "payload": {"account_no": "00050001", "amount": "1500.00", "mode": "cash", "receipt_no": "RTP-2026-4",
                        "drive_stop": stop["id"], "paid_at": "2026-12-03T11:02:40+05:30"},
            "refusal_code": "duplicate_receipt", "refusal_detail": "receipt_no: receipt RTP-2026-4 is already recorded",
            "notes": "Cash ₹1,500 taken; the receipt book's copy is with me", **fields}


def hand_over(user, body, **headers):
    return client_for(user).post("/api/v1/field-handovers/", body, format="json", **headers)


def test_a_clerk_hands_a_refused_payment_over_and_the_same_key_answers_it_again(drive, clerk):
    response = hand_over(clerk, handover_body(drive), HTTP_IDEMPOTENCY_KEY=KEY)
    assert response.status_code == 201, response.content
    made = response.json()
    assert made["status"] == "open" and made["kind"] == "payment" and made["key"] == KEY
    assert (made["account_no"], made["name"], made["by"]) == ("00050001", "Kamla Devi", "clerk_rtp")
    assert made["amount"] == "1500.00" and made["refusal_code"] == "duplicate_receipt"
    assert made["drive_stop"] == stop_of(drive, "00050001")["id"]
    assert made["resolved_by"] is None and made["resolved_at"] is None and made["resolution"] == ""
    # A retry with the same Idempotency-Key replays; the same record's key without it answers the handover made.
    replay = hand_over(clerk, handover_body(drive), HTTP_IDEMPOTENCY_KEY=KEY)
    assert replay.status_code == 201 and replay["Idempotent-Replayed"] == "true"
    again = hand_over(clerk, handover_body(drive, notes="sent again"))
    assert again.status_code == 200 and again.json()["id"] == made["id"] and again.json()["notes"] == made["notes"]
    assert FieldHandover.objects.count() == 1
    handover = FieldHandover.objects.get()
    assert handover.source == "api" and handover.history.count() == 1
    assert handover.history.get().history_user == clerk


@pytest.mark.parametrize(("fields", "status", "code"), [
    ({"notes": ""}, 400, None),
    ({"notes": "x" * 1001}, 400, None),
    ({"kind": "cut"}, 400, None),
    ({"payload": ["not", "an", "object"]}, 400, None),
    ({"payload": {"notes": "x" * 9000}}, 409, "invalid_payload"),
    ({"refusal_detail": "x" * 501}, 400, None),
    ({"refusal_code": "bad\ncode"}, 409, "invalid_refusal"),
    ({"at": "2099-01-01T10:00:00+05:30"}, 409, "invalid_date"),
    ({"key": "not-a-uuid"}, 400, None),
    ({"notes": "   "}, 400, None),
])
def test_it_refuses_a_handover_it_cannot_keep(drive, clerk, fields, status, code):
    response = hand_over(clerk, handover_body(drive, **fields))
    assert response.status_code == status, response.content
    if code:
        assert response.json()["code"] == code
    assert not FieldHandover.objects.exists()


def test_a_handover_names_only_the_clerks_stop_of_that_consumer_in_the_division(drive, clerk, other_clerk):
    other_stop = stop_of(drive, "00050002")["id"]
    response = hand_over(clerk, handover_body(drive, drive_stop=other_stop))
    assert response.status_code == 409 and response.json()["code"] == "invalid_drive_stop"
    assert hand_over(clerk, handover_body(drive, account_no="00060001", drive_stop=None)).status_code == 404
    assert hand_over(other_clerk, handover_body(drive, drive_stop=None)).status_code == 404
    # No stop (a payment taken away from the drive): fine.
    outcome = hand_over(clerk, handover_body(drive, kind="outcome", drive_stop=None, payload={"outcome": "paid"}))
    assert outcome.status_code == 201 and outcome.json()["drive_stop"] is None and outcome.json()["amount"] is None


def test_the_payload_is_at_most_8_kb(drive, clerk):
    fits = {"notes": "x" * (8 * 1024 - len(json.dumps({"notes": ""})))}
    assert hand_over(clerk, handover_body(drive, payload=fits)).status_code == 201


def test_lists_a_clerk_their_own_and_an_officer_the_divisions(drive, clerk, officer, other_officer, rtp):
    from tests.factories import make_user

    colleague = make_user("clerk_rtp_2", "clerk", rtp)
    assert hand_over(clerk, handover_body(drive)).status_code == 201
    assert hand_over(colleague, handover_body(drive, key=str(uuid.uuid4()), drive_stop=None)).status_code == 201

    def listed(user, **params):
        response = client_for(user).get("/api/v1/field-handovers/", params)
        assert response.status_code == 200, response.content
        return [h["by"] for h in response.json()["results"]]

    assert listed(clerk) == ["clerk_rtp"]
    assert sorted(listed(officer)) == ["clerk_rtp", "clerk_rtp_2"]
    assert listed(other_officer) == []
    assert sorted(listed(officer, status="open")) == ["clerk_rtp", "clerk_rtp_2"]
    assert listed(officer, status="resolved") == []
    assert client_for(officer).get("/api/v1/field-handovers/", {"status": "done"}).status_code == 400


def test_the_officer_resolves_a_handover_through_the_api(drive, clerk, officer, other_officer):
    made = hand_over(clerk, handover_body(drive)).json()
    path = f"/api/v1/field-handovers/{made['id']}/resolve/"
    assert client_for(clerk).post(path, {"notes": "mine"}, format="json").status_code == 403
    assert client_for(other_officer).post(path, {"notes": "theirs"}, format="json").status_code == 404
    assert client_for(officer).post(path, {"notes": ""}, format="json").status_code == 400
    response = client_for(officer).post(path, {"notes": "Recorded as RTP-2026-9 from the receipt book"},
                                        format="json")
    assert response.status_code == 200, response.content
    done = response.json()
    assert done["status"] == "resolved" and done["resolved_by"] == "officer_rtp" and done["resolved_at"]
    assert done["resolution"] == "Recorded as RTP-2026-9 from the receipt book"
    again = client_for(officer).post(path, {"notes": "again"}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "invalid_status"
    handover = FieldHandover.objects.get()
    assert [v.status for v in handover.history.order_by("history_date")] == ["open", "resolved"]
    assert handover.history.latest().history_user == officer


def test_the_officer_sees_open_handovers_at_home_and_resolves_one_on_its_page(drive, clerk, officer, other_officer):
    made = hand_over(clerk, handover_body(drive)).json()
    browser = Client()
    browser.force_login(officer)
    home = browser.get("/").content.decode()
    section = home[home.index('id="handovers"'):]
    section = section[:section.index("</section>")]
    for text in ("Kamla Devi", "00050001", "₹1,500.00", "duplicate_receipt", "receipt RTP-2026-4 is already recorded",
                 "the receipt book&#x27;s copy is with me", "payment", "/handovers/"):
        assert text in section, text
    page = browser.get("/handovers/")
    assert page.status_code == 200 and f'data-handover="{made["id"]}"' in page.content.decode()
    refused = browser.post(f"/handovers/{made['id']}/resolve/", {"notes": ""})
    assert refused.status_code == 400
    resolved = browser.post(f"/handovers/{made['id']}/resolve/", {"notes": "Entered from the receipt book"})
    assert resolved.status_code == 302 and resolved["Location"] == "/handovers/"
    assert FieldHandover.objects.get().status == "resolved"
    assert "Nothing handed over is waiting." in browser.get("/").content.decode()
    listed = browser.get("/handovers/?status=resolved").content.decode()
    assert "Entered from the receipt book" in listed and (officer.get_full_name() or officer.username) in listed
    other = Client()
    other.force_login(other_officer)
    assert other.post(f"/handovers/{made['id']}/resolve/", {"notes": "x"}).status_code == 404
    assert f'data-handover="{made["id"]}"' not in other.get("/").content.decode()


def test_the_handovers_page_is_in_hindi(drive, clerk, officer):
    hand_over(clerk, handover_body(drive))
    officer.language = "hi"
    officer.save(update_fields=["language"])
    browser = Client()
    browser.force_login(officer)
    page = browser.get("/handovers/").content.decode()
    assert "क्षेत्र से सौंपे गए रिकॉर्ड" in page and "लिपिक की टिप्पणी" in page
    assert "क्षेत्र से सौंपे गए रिकॉर्ड" in browser.get("/").content.decode()


def test_a_disputed_outcome_reaches_the_officers_disputes_page_and_home(drive, clerk, officer, other_officer):
    stop = stop_of(drive, "00050001")
    response = log(client_for(clerk), drive["id"], stop["id"], outcome="disputed",
                   notes="says the meter reading is wrong")
    assert response.status_code == 200, response.content
    dispute = Dispute.objects.get()
    assert dispute.status == "open" and dispute.recorded_by == clerk
    browser = Client()
    browser.force_login(officer)
    disputes = browser.get("/disputes/").content.decode()
    assert f'id="dispute-{dispute.pk}"' in disputes and "00050001" in disputes
    home = browser.get("/").content.decode()
    section = home[home.index('id="disputes-awaiting"'):]
    section = section[:section.index("</section>")]
    assert f'data-dispute="{dispute.pk}"' in section and "Kamla Devi" in section
    assert "says the meter reading is wrong" in section and "/disputes/" in section
    other = Client()
    other.force_login(other_officer)
    assert f'data-dispute="{dispute.pk}"' not in other.get("/").content.decode()
    # Once the officer resolves it, it waits no more.
    assert browser.post(f"/disputes/{dispute.pk}/resolve/", {
        "resolved_on": str(dispute.raised_on), "resolution": "reading checked, bill stands"}).status_code == 302
    assert "No dispute is waiting for a deposit." in browser.get("/").content.decode()
