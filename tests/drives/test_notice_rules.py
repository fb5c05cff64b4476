"""A notice is a legal record (DESIGN.md, domain rules): how far back, by whom, for what sum, and when it is spent.

Through the API (POST notices/, the outcome of a stop), the officer's bulk notice page, the clerk's stop page, the
admin, the services and the settings.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from core.dates import india_today
from core.errors import DomainError
from drives.models import Disconnection, Notice, Stop
from drives.notices import notice_record, notices_record_bulk
from tests.drives.drive_data import build_list, defaulter, plan, served
from tests.factories import add_entry
from tests.kesco.test_settings import LOAD, run_python

pytestmark = pytest.mark.django_db

PROOF = {"reason": "entered from the post dispatch register", "proof_ref": "RP-KNP-2026-0417"}


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def days_ago(days: int) -> str:
    return str(india_today() - timedelta(days=days))


def post_notice(user, consumer, *, served_on: str, amount: str, **fields):
    return api_for(user).post("/api/v1/notices/", {"account_no": consumer.account_no, "served_on": served_on,
                                                   "mode": "post", "amount_demanded": amount, **fields},
                              format="json")


def refusal(response) -> tuple:
    assert response.status_code == 409, response.content
    body = response.json()
    return body["code"], body.get("field")


def cut_by_api(clerk, stop: Stop):
    return api_for(clerk).post(f"/api/v1/drives/{stop.drive_id}/stops/{stop.pk}/outcome/",
                               {"outcome": "disconnected", "method": "fuse_pulled"}, format="json")


@pytest.fixture
def owing(rtp):
    """₹50,000 billed 75 days ago, due 60 days ago: balance and arrears ₹50,000 on any day of the last 60."""
    return defaulter(rtp, "50000.00")


@pytest.fixture
def stop(owing, rtp, officer, clerk) -> Stop:
    """The consumer on today's drive, the clerk's stop."""
    build_list(rtp)
    return Stop.objects.get(drive=plan(officer, rtp, [clerk]), consumer=owing)


# --- issue 18, item 1: a notice made up after the fact ----------------------------------------------------------

def test_it_refuses_a_clerks_notice_of_weeks_ago_for_a_paisa_and_the_cut_stays_refused(stop, clerk, owing):
    assert refusal(cut_by_api(clerk, stop)) == ("notice_required", None)

    made_up = post_notice(clerk, owing, served_on=days_ago(30), amount="0.01")

    assert refusal(made_up) == ("backdated", "served_on")
    assert not Notice.objects.exists()
    assert refusal(cut_by_api(clerk, stop)) == ("notice_required", None)
    assert not Disconnection.objects.exists()


def test_it_records_an_officers_back_dated_notice_with_its_reason_and_proof(stop, officer, clerk, owing):
    response = post_notice(officer, owing, served_on=days_ago(30), amount="50000.00", **PROOF)

    assert response.status_code == 201, response.content
    assert (response.json()["reason"], response.json()["proof_ref"]) == (PROOF["reason"], PROOF["proof_ref"])
    notice = Notice.objects.get()
    assert (notice.reason, notice.proof_ref, notice.recorded_by) == (PROOF["reason"], PROOF["proof_ref"], officer)
    # The lawful way: the cut the clerk was refused now stands on this notice.
    assert cut_by_api(clerk, stop).status_code == 200
    assert Disconnection.objects.get().notice == notice


@pytest.mark.parametrize(("missing", "field"), [("reason", "reason"), ("proof_ref", "proof_ref")])
def test_it_refuses_an_officers_back_dated_notice_without_reason_or_proof(officer, owing, missing, field):
    response = post_notice(officer, owing, served_on=days_ago(30), amount="50000.00",
                           **{**PROOF, missing: "  "})

    assert refusal(response) == ("backdated", field)
    assert not Notice.objects.exists()


def test_it_refuses_a_clerks_back_dated_notice_even_with_reason_and_proof(clerk, owing):
    response = post_notice(clerk, owing, served_on=days_ago(4), amount="50000.00", **PROOF)
    assert refusal(response) == ("backdated", "served_on")


def test_it_lets_a_clerk_record_a_notice_served_up_to_notice_backdate_days_ago(clerk, owing, settings):
    assert settings.NOTICE_BACKDATE_DAYS == 3  # the default
    assert post_notice(clerk, owing, served_on=days_ago(3), amount="50000.00").status_code == 201
    assert refusal(post_notice(clerk, owing, served_on=days_ago(4), amount="50000.00")) == ("backdated", "served_on")

    settings.NOTICE_BACKDATE_DAYS = 10
    assert post_notice(clerk, owing, served_on=days_ago(10), amount="50000.00").status_code == 201
    assert Notice.objects.filter(reason="", proof_ref="").count() == 2


def test_it_keeps_it_admins_back_dating_to_the_same_rule(it_admin, owing):
    assert refusal(post_notice(it_admin, owing, served_on=days_ago(30), amount="50000.00")) == ("backdated", "reason")
    assert post_notice(it_admin, owing, served_on=days_ago(30), amount="50000.00", **PROOF).status_code == 201


# --- the sum demanded ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("amount", ["0.01", "0.99"])
def test_it_refuses_a_demand_of_less_than_a_rupee(officer, owing, amount):
    response = post_notice(officer, owing, served_on=days_ago(0), amount=amount, reason="a token demand")
    assert refusal(response) == ("amount_too_small", "amount_demanded")


def test_it_refuses_a_demand_above_the_balance_on_the_day_of_service(clerk, officer, owing):
    assert refusal(post_notice(clerk, owing, served_on=days_ago(0), amount="50000.01")) == (
        "amount_above_balance", "amount_demanded")
    # A bill entered after service was not owed on that day, though it is owed now.
    add_entry(owing, "BILL", "8000.00", india_today() - timedelta(days=10), india_today() + timedelta(days=5))
    response = post_notice(officer, owing, served_on=days_ago(20), amount="58000.00", **PROOF)
    assert refusal(response) == ("amount_above_balance", "amount_demanded")
    assert "₹50,000.00" in response.json()["detail"]
    assert not Notice.objects.exists()


def test_it_lets_a_clerk_demand_up_to_the_balance_with_a_bill_not_yet_due(clerk, owing):
    add_entry(owing, "BILL", "8000.00", india_today() - timedelta(days=2), india_today() + timedelta(days=13))
    # Arrears ₹50,000, balance ₹58,000: the notice may demand the bill not yet due too.
    assert post_notice(clerk, owing, served_on=days_ago(0), amount="58000.00").status_code == 201


def test_it_refuses_a_clerks_demand_below_the_arrears(clerk, owing):
    response = post_notice(clerk, owing, served_on=days_ago(0), amount="49999.99", reason="he asked nicely")
    assert refusal(response) == ("amount_below_arrears", "amount_demanded")
    assert not Notice.objects.exists()


def test_it_lets_an_officer_demand_less_than_the_arrears_with_a_reason(officer, owing):
    assert refusal(post_notice(officer, owing, served_on=days_ago(0), amount="20000.00")) == (
        "amount_below_arrears", "reason")

    response = post_notice(officer, owing, served_on=days_ago(0), amount="20000.00",
                           reason="₹30,000 of it is under the meter dispute")

    assert response.status_code == 201, response.content
    assert Notice.objects.get().reason == "₹30,000 of it is under the meter dispute"


def test_it_bounds_the_demand_by_the_arrears_on_the_day_of_service_not_today(clerk, owing):
    # A second bill fell due yesterday: today's arrears are ₹58,000, three days ago they were ₹50,000.
    add_entry(owing, "BILL", "8000.00", india_today() - timedelta(days=16), india_today() - timedelta(days=1))
    assert post_notice(clerk, owing, served_on=days_ago(3), amount="50000.00").status_code == 201
    assert refusal(post_notice(clerk, owing, served_on=days_ago(0), amount="50000.00")) == (
        "amount_below_arrears", "amount_demanded")


@pytest.mark.parametrize(("fields", "code"), [
    ({"reason": "late\u202e"}, "invalid_reason"),
    ({"proof_ref": "RP\x07-1"}, "invalid_proof_ref"),
])
def test_it_refuses_a_reason_or_proof_with_control_characters(officer, owing, fields, code):
    with pytest.raises(DomainError) as refused:
        notice_record(user=officer, account_no=owing.account_no, served_on=india_today(), mode="hand",
                      amount_demanded="50000.00", **fields)
    assert refused.value.code == code


# --- a spent notice ---------------------------------------------------------------------------------------------

@pytest.fixture
def paid_then_billed(rtp, officer, clerk):
    """Served 30 days ago for its ₹50,000; paid (``paid`` rupees, 20 days ago); billed ₹40,000 since, due 17 days
    ago: still a defaulter, on today's drive."""
    def scene(paid: str, *, paid_days_ago: int = 20):
        consumer = defaulter(rtp, "50000.00")
        notice = served(officer, consumer)
        add_entry(consumer, "PAYMENT", paid, india_today() - timedelta(days=paid_days_ago))
        today = india_today()
        add_entry(consumer, "BILL", "40000.00", today - timedelta(days=25), today - timedelta(days=17))
        build_list(rtp)
        return notice, Stop.objects.get(drive=plan(officer, rtp, [clerk]), consumer=consumer)
    return scene


def test_it_refuses_a_cut_on_a_notice_the_consumer_has_paid(paid_then_billed, clerk, officer):
    notice, stop = paid_then_billed("50000.00")

    response = cut_by_api(clerk, stop)

    assert refusal(response) == ("notice_satisfied", None)
    assert notice.served_on.strftime("%d-%m-%Y") in response.json()["detail"]
    assert not Disconnection.objects.exists()
    stops = api_for(officer).get(f"/api/v1/drives/{stop.drive_id}/stops/").json()["results"]
    assert [s["notice_valid"] for s in stops] == [False]
    # What the consumer now needs is a new notice for what they owe now, lawful 16 days after it is served.
    assert post_notice(clerk, stop.consumer, served_on=days_ago(0), amount="40000.00").status_code == 201
    assert refusal(cut_by_api(clerk, stop)) == ("notice_satisfied", None)


def test_it_counts_a_notice_spent_only_once_its_whole_demand_is_paid_since_service(paid_then_billed, clerk):
    _notice, stop = paid_then_billed("49999.99")
    assert cut_by_api(clerk, stop).status_code == 200


def test_it_counts_no_payment_made_before_the_notice_was_served(paid_then_billed, clerk):
    _notice, stop = paid_then_billed("50000.00", paid_days_ago=31)
    assert cut_by_api(clerk, stop).status_code == 200


def test_it_counts_a_payment_made_the_day_the_notice_was_served(paid_then_billed, clerk):
    _notice, stop = paid_then_billed("50000.00", paid_days_ago=30)
    assert refusal(cut_by_api(clerk, stop)) == ("notice_satisfied", None)


def test_it_shows_the_clerk_a_spent_notice_and_refuses_the_cut_on_the_stop_page(paid_then_billed, client, clerk):
    _notice, stop = paid_then_billed("50000.00")
    client.force_login(clerk)

    assert "Notice paid off: serve a new one" in client.get(f"/field/stops/{stop.pk}/").content.decode()
    response = client.post(f"/field/stops/{stop.pk}/outcome/", {"outcome": "disconnected:fuse_pulled"}, follow=True)

    assert "the consumer has paid the ₹50,000.00 demanded by the notice" in response.content.decode()
    assert not Disconnection.objects.exists()


def test_it_cuts_on_a_later_notice_for_what_was_owed_after_the_payment(paid_then_billed, officer, clerk):
    _notice, stop = paid_then_billed("50000.00")
    # Served 16 days ago for the ₹40,000 then in arrears, and not paid since: it permits the cut today.
    later = served(officer, stop.consumer, on=india_today() - timedelta(days=16), amount=Decimal("40000.00"))
    assert cut_by_api(clerk, stop).status_code == 200
    assert Disconnection.objects.get().notice == later


# --- the officer's bulk notice page ---------------------------------------------------------------------------

def test_it_asks_the_officers_page_for_reason_and_proof_of_a_back_dated_batch(client, officer, stop, owing):
    drive = stop.drive
    client.force_login(officer)
    form = {"account_nos": [owing.account_no], "served_on": days_ago(20), "mode": "hand"}

    page = client.get(f"/drives/{drive.pk}/notices/").content.decode()
    without = client.post(f"/drives/{drive.pk}/notices/", form)
    without_proof = client.post(f"/drives/{drive.pk}/notices/", {**form, "reason": PROOF["reason"]})

    assert 'name="reason"' in page and 'name="proof_ref"' in page
    assert without.status_code == 400 and "give the reason" in without.content.decode()
    assert without_proof.status_code == 400
    assert "give the reference of the proof of service" in without_proof.content.decode()
    assert not Notice.objects.exists()

    response = client.post(f"/drives/{drive.pk}/notices/", {**form, **PROOF})

    assert response.status_code == 302
    notice = Notice.objects.get()
    assert (notice.reason, notice.proof_ref, notice.amount_demanded) == (PROOF["reason"], PROOF["proof_ref"],
                                                                         Decimal("50000.00"))


def test_it_demands_in_bulk_the_arrears_of_the_day_of_service(rtp, officer, owing):
    add_entry(owing, "BILL", "8000.00", india_today() - timedelta(days=16), india_today() - timedelta(days=1))
    [notice] = notices_record_bulk(user=officer, account_nos=[owing.account_no], served_on=india_today() -
                                   timedelta(days=5), mode="hand", **PROOF)
    assert notice.amount_demanded == Decimal("50000.00")  # not today's ₹58,000


# --- the admin and the settings ---------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["officer", "it_admin"])
def test_it_lets_nobody_add_or_change_a_notice_in_the_admin(client, request, role, officer, owing):
    notice = served(officer, owing)
    client.force_login(request.getfixturevalue(role))

    assert client.get("/admin/drives/notice/add/").status_code == 403
    response = client.post(f"/admin/drives/notice/{notice.pk}/change/", {"served_on": days_ago(0),
                                                                         "amount_demanded": "0.01"})
    assert response.status_code == 403
    notice.refresh_from_db()
    assert notice.amount_demanded == Decimal("50000.00")


@pytest.mark.parametrize("value", ["three", "-1"])
def test_it_refuses_a_bad_notice_backdate_days_loudly(value):
    result = run_python(LOAD, NOTICE_BACKDATE_DAYS=value)
    assert result.returncode != 0
    assert "NOTICE_BACKDATE_DAYS must be" in result.stderr
