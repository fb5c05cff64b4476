"""The rc/ API: a Form I, an RC on it, its walk to recovered with the money on the ledger; scoped lists and refusals."""

from datetime import timedelta

import pytest

from core.dates import india_today
from recovery.services import permanent_disconnections_mark
from tests.recovery.rc_data import defaulter_cut_long_ago

pytestmark = pytest.mark.django_db


@pytest.fixture
def pd_consumer(rtp, officer, settings):
    settings.RC_NOTICE_DAYS = 30
    consumer = defaulter_cut_long_ago(rtp, by=officer, account_no="00088001")
    permanent_disconnections_mark()
    return consumer


def _form_i(client, *, days_ago=31, **extra):
    return client.post("/api/v1/rc/demand-notices/", {
        "account_no": "00088001", "served_on": str(india_today() - timedelta(days=days_ago)),
        "service_mode": "registered_post", "proof_ref": "RL123456789IN", **extra}, format="json")


def test_it_walks_an_rc_to_recovered_through_the_api(pd_consumer, officer, api_client):
    api_client.force_authenticate(officer)
    notice = _form_i(api_client)
    assert notice.status_code == 201, notice.content
    assert notice.json()["amount"] == "16200.00"
    raised = api_client.post("/api/v1/rc/", {"account_no": "00088001", "demand_notice_id": notice.json()["id"]},
                             format="json", HTTP_IDEMPOTENCY_KEY="rc-1")
    assert raised.status_code == 201, raised.content
    rc = raised.json()
    assert (rc["status"], rc["principal"], rc["surcharge"]) == ("sent", "15000.00", "1200.00")
    today = str(india_today())
    for step in ({"status": "citation_issued", "on": today}, {"status": "attachment", "on": today}):
        assert api_client.post(f"/api/v1/rc/{rc['id']}/status/", step, format="json").status_code == 201
    body = {"status": "partly_recovered", "on": today, "amount_recovered": "9000.00", "notes": "Remitted by tehsil"}
    done = api_client.post(f"/api/v1/rc/{rc['id']}/status/", body, format="json", HTTP_IDEMPOTENCY_KEY="rc-close")
    assert done.status_code == 201, done.content
    assert (done.json()["amount_recovered"], done.json()["receipt_no"]) == ("9000.00", rc["reference"])
    # A retry replays the answer and writes nothing more.
    again = api_client.post(f"/api/v1/rc/{rc['id']}/status/", body, format="json", HTTP_IDEMPOTENCY_KEY="rc-close")
    assert again.json() == done.json()
    ledger = api_client.get("/api/v1/consumers/00088001/").json()
    assert ledger["balance"] == "7200.00"
    listed = api_client.get("/api/v1/rc/?status=partly_recovered").json()
    assert [row["reference"] for row in listed["results"]] == [rc["reference"]]
    assert api_client.get("/api/v1/rc/?status=sent").json()["count"] == 0


def test_it_answers_409_with_a_stable_code(pd_consumer, officer, api_client):
    api_client.force_authenticate(officer)
    notice = _form_i(api_client, days_ago=10).json()
    refused = api_client.post("/api/v1/rc/", {"account_no": "00088001", "demand_notice_id": notice["id"]},
                              format="json")
    assert (refused.status_code, refused.json()["code"]) == (409, "notice_period_running")
    notice = _form_i(api_client).json()
    rc = api_client.post("/api/v1/rc/", {"account_no": "00088001", "demand_notice_id": notice["id"]},
                         format="json").json()
    wrong = api_client.post(f"/api/v1/rc/{rc['id']}/status/", {"status": "recovered", "on": str(india_today()),
                                                               "amount_recovered": "1.00"}, format="json")
    assert (wrong.status_code, wrong.json()["code"]) == (409, "invalid_transition")


def test_it_keeps_another_division_and_clerks_out(pd_consumer, officer, other_officer, clerk, md, api_client):
    api_client.force_authenticate(officer)
    notice = _form_i(api_client).json()
    rc = api_client.post("/api/v1/rc/", {"account_no": "00088001", "demand_notice_id": notice["id"]},
                         format="json").json()
    api_client.force_authenticate(other_officer)
    assert api_client.get("/api/v1/rc/").json()["count"] == 0
    assert api_client.get(f"/api/v1/rc/{rc['id']}/").status_code == 404
    assert _form_i(api_client).status_code == 404
    api_client.force_authenticate(clerk)
    assert api_client.get("/api/v1/rc/").status_code == 403
    api_client.force_authenticate(md)
    assert api_client.get("/api/v1/rc/?division=RTP").json()["count"] == 1
    assert api_client.post(f"/api/v1/rc/{rc['id']}/status/", {"status": "returned", "on": str(india_today())},
                           format="json").status_code == 403
