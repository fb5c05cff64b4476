"""The settlements API as the field app and an officer use it: the published scheme's quote, registration with the
deposit, an officer's plan and a promise to pay, each refusal's code, the roles and the divisions."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine

from core.dates import india_today
from settlements.models import Settlement, SettlementKind, SettlementStatus
from tests.settlements.scheme_data import at_noon, open_scheme, owing, shipped_schemes

pytestmark = pytest.mark.django_db

PHASE_1_DAY = date(2024, 12, 20)


@pytest.fixture
def as_user(api_client):
    def login(user):
        api_client.force_authenticate(user)
        return api_client

    return login


@pytest.fixture
def in_phase_1():
    """India's clock on 20 December 2024, in phase 1 of the 2024-25 scheme (the API quotes on today)."""
    with time_machine.travel(at_noon(PHASE_1_DAY), tick=False):
        yield


@pytest.fixture
def ots_2024(in_phase_1):
    return shipped_schemes()["OTS-2024-25"]


@pytest.fixture
def small_consumer(rtp, ots_2024):
    # 1 kW LMV-1, ₹4,000 of principal and ₹1,200 of surcharge owed before the cut-off of 30 September 2024.
    return owing(rtp, principal="4000.00", surcharge="1200.00", before=date(2024, 9, 30))


def pay(client, consumer, amount, receipt_no):
    response = client.post("/api/v1/payments/", {"account_no": consumer.account_no, "amount": amount,
                                                 "mode": "cash", "receipt_no": receipt_no}, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def register(client, consumer, scheme, plan="instalments", receipt_no="RTP-DEP-1", **headers):
    return client.post("/api/v1/settlements/", {"account_no": consumer.account_no, "scheme": scheme.pk,
                                                "plan": plan, "deposit_receipt_no": receipt_no}, format="json",
                       headers=headers)


# --- schemes and the quote --------------------------------------------------------------------------------------

def test_it_lists_the_schemes_open_and_past_with_their_phases_rules_and_terms(as_user, clerk, ots_2024):
    shipped = shipped_schemes()  # the 2025 scheme has not begun on 20 December 2024

    body = as_user(clerk).get("/api/v1/schemes/").json()

    assert [s["code"] for s in body["results"]] == ["OTS-2024-25"]
    scheme = body["results"][0]
    assert (scheme["id"], scheme["open"], scheme["dues_cutoff"]) == (shipped["OTS-2024-25"].pk, True, "2024-09-30")
    assert [p["number"] for p in scheme["phases"]] == [1, 2]
    assert scheme["rules"][0]["categories"] == ["LMV-1", "LMV-2", "LMV-4B", "LMV-6"]
    assert scheme["terms"][0] == {
        "phase": 1, "plan": "lump_sum", "categories": [], "load_min_kw": None, "load_max_kw": None,
        "principal_min": None, "principal_max": "5000.00", "connection": "any", "surcharge_waiver_pct": "100.00",
        "principal_rebate_pct": "0.00", "instalments": None, "instalment_amount": None, "deposit_pct": "30.00",
        "deposit_fixed": None}


def test_open_lists_only_the_schemes_open_today(as_user, clerk):
    shipped_schemes()
    with time_machine.travel(at_noon(date(2025, 12, 10)), tick=False):
        every = as_user(clerk).get("/api/v1/schemes/").json()
        open_now = as_user(clerk).get("/api/v1/schemes/?open=true").json()

    assert [(s["code"], s["open"]) for s in every["results"]] == [("BBRY-2025", True), ("OTS-2024-25", False)]
    assert [s["code"] for s in open_now["results"]] == ["BBRY-2025"]


def test_the_phase_1_quote_of_2024_25_for_4000_and_1200(as_user, clerk, ots_2024, small_consumer):
    response = as_user(clerk).get(f"/api/v1/schemes/{ots_2024.pk}/eligibility/",
                                  {"account_no": small_consumer.account_no})

    assert response.status_code == 200, response.content
    quote = response.json()
    assert (quote["eligible"], quote["code"], quote["phase"], quote["on"]) == (True, "", 1, "2024-12-20")
    assert (quote["principal"], quote["surcharge"]) == ("4000.00", "1200.00")
    lump, ten = quote["plans"]
    assert {k: lump[k] for k in ("plan", "surcharge_waiver_pct", "waiver", "rebate", "payable", "deposit")} == {
        "plan": "lump_sum", "surcharge_waiver_pct": "100.00", "waiver": "1200.00", "rebate": "0.00",
        "payable": "4000.00", "deposit": "1200.00"}
    assert lump["schedule"] == [{"number": 0, "due_on": "2024-12-20", "amount": "1200.00"},
                                {"number": 1, "due_on": "2025-01-19", "amount": "2800.00"}]
    assert (ten["plan"], ten["surcharge_waiver_pct"], ten["waiver"], ten["payable"]) == (
        "instalments", "75.00", "900.00", "4300.00")
    assert [d["amount"] for d in ten["schedule"]] == ["1200.00"] + ["310.00"] * 10
    assert (ten["schedule"][1]["due_on"], ten["schedule"][-1]["due_on"]) == ("2025-01-20", "2025-10-20")


def test_a_refused_consumer_is_told_why(as_user, clerk, rtp):
    scheme = shipped_schemes()["BBRY-2025"]
    shop = owing(rtp, principal="8000.00", surcharge="900.00", before=date(2025, 11, 30), category="LMV-2",
                 load="2.00")

    with time_machine.travel(at_noon(date(2025, 12, 10)), tick=False):
        quote = as_user(clerk).get(f"/api/v1/schemes/{scheme.pk}/eligibility/",
                                   {"account_no": shop.account_no}).json()

    assert (quote["eligible"], quote["code"], quote["plans"]) == (False, "not_eligible", [])
    assert "2.00 kW" in quote["reason"]


def test_the_quote_is_404_for_another_divisions_consumer_and_400_without_one(as_user, other_clerk, ots_2024,
                                                                                small_consumer):
    client = as_user(other_clerk)
    url = f"/api/v1/schemes/{ots_2024.pk}/eligibility/"

    assert client.get(url, {"account_no": small_consumer.account_no}).status_code == 404
    assert client.get(url).json() == {"account_no": ["This field is required."]}
    assert client.get("/api/v1/schemes/999999/eligibility/", {"account_no": "1"}).status_code == 404


# --- registration ---------------------------------------------------------------------------------------------

def test_a_clerk_registers_with_the_deposit_paid_and_reads_the_schedule(as_user, clerk, ots_2024, small_consumer):
    client = as_user(clerk)
    pay(client, small_consumer, "1200.00", "RTP-DEP-1")

    response = register(client, small_consumer, ots_2024)

    assert response.status_code == 201, response.content
    settlement = response.json()
    assert settlement["reference"].startswith("OTS-RTP-")
    assert {k: settlement[k] for k in ("kind", "scheme_code", "phase", "plan", "status", "principal", "surcharge",
                                       "waiver", "payable", "deposit", "paid", "outstanding",
                                       "deposit_receipt_no", "registered_by")} == {
        "kind": "scheme", "scheme_code": "OTS-2024-25", "phase": 1, "plan": "instalments", "status": "live",
        "principal": "4000.00", "surcharge": "1200.00", "waiver": "900.00", "payable": "4300.00",
        "deposit": "1200.00", "paid": "1200.00", "outstanding": "3100.00", "deposit_receipt_no": "RTP-DEP-1",
        "registered_by": clerk.username}
    assert settlement["instalments"][0] == {"number": 0, "due_on": "2024-12-20", "amount": "1200.00",
                                            "paid": "1200.00", "paid_on": "2024-12-20"}
    assert len(settlement["instalments"]) == 11

    detail = client.get(f"/api/v1/settlements/{settlement['id']}/").json()
    assert detail == settlement


@pytest.mark.parametrize(("receipt_no", "paid", "code"), [
    ("", None, "deposit_required"),
    ("RTP-NONE", None, "deposit_not_found"),
    ("RTP-DEP-1", "1000.00", "deposit_short"),
])
def test_the_deposit_must_be_a_recorded_payment_of_the_sum(as_user, clerk, ots_2024, small_consumer, receipt_no,
                                                           paid, code):
    client = as_user(clerk)
    if paid:
        pay(client, small_consumer, paid, receipt_no)

    response = register(client, small_consumer, ots_2024, receipt_no=receipt_no)

    assert response.status_code == 409
    assert (response.json()["code"], response.json()["field"]) == (code, "deposit_receipt_no")
    assert not Settlement.objects.exists()


def test_one_live_registration_per_consumer_and_a_deposit_backs_one(as_user, clerk, ots_2024, small_consumer):
    client = as_user(clerk)
    pay(client, small_consumer, "1200.00", "RTP-DEP-1")
    assert register(client, small_consumer, ots_2024).status_code == 201

    again = register(client, small_consumer, ots_2024, plan="lump_sum")

    assert (again.status_code, again.json()["code"]) == (409, "already_registered")


def test_a_scheme_not_open_or_a_plan_not_offered_is_refused(as_user, clerk, rtp, small_consumer, ots_2024):
    client = as_user(clerk)
    rahat = shipped_schemes()["BBRY-2025"]  # from 1 December 2025
    pay(client, small_consumer, "1200.00", "RTP-DEP-1")

    closed = register(client, small_consumer, rahat, plan="lump_sum")
    not_offered = register(client, small_consumer, ots_2024, plan="fixed_instalments")
    no_scheme = client.post("/api/v1/settlements/", {"account_no": small_consumer.account_no, "scheme": 999999,
                                                     "plan": "lump_sum"}, format="json")

    assert (closed.status_code, closed.json()["code"]) == (409, "scheme_closed")
    assert (not_offered.status_code, not_offered.json()["code"]) == (409, "invalid_plan")
    assert (no_scheme.status_code, list(no_scheme.json())) == (400, ["scheme"])


def test_a_retried_registration_replays_the_first_answer(as_user, clerk, ots_2024, small_consumer):
    client = as_user(clerk)
    pay(client, small_consumer, "1200.00", "RTP-DEP-1")

    first = register(client, small_consumer, ots_2024, **{"Idempotency-Key": "reg-1"})
    retry = register(client, small_consumer, ots_2024, **{"Idempotency-Key": "reg-1"})

    assert (first.status_code, retry.status_code) == (201, 201)
    assert retry.headers["Idempotent-Replayed"] == "true" and retry.json() == first.json()
    assert Settlement.objects.count() == 1


def test_who_may_register(as_user, md, other_clerk, ots_2024, small_consumer):
    assert register(as_user(md), small_consumer, ots_2024).status_code == 403
    assert register(as_user(other_clerk), small_consumer, ots_2024).status_code == 404


# --- an officer's plan outside a scheme; promises ------------------------------------------------------------------

@pytest.fixture
def debtor(rtp):
    today = india_today()
    return owing(rtp, principal="11000.00", surcharge="1000.00", before=today)


def test_an_officer_grants_a_plan_outside_any_scheme(as_user, officer, debtor):
    first_due = india_today() + timedelta(days=10)

    response = as_user(officer).post("/api/v1/settlements/", {
        "account_no": debtor.account_no, "plan": "instalments", "instalments": 6,
        "reason": "Widow's pension; pays ₹2,000 a month", "first_due_on": str(first_due)}, format="json")

    assert response.status_code == 201, response.content
    plan = response.json()
    assert (plan["kind"], plan["scheme"], plan["waiver"], plan["payable"]) == ("plan", None, "0.00", "12000.00")
    assert plan["reference"].startswith("PLN-RTP-")
    assert [i["amount"] for i in plan["instalments"]] == ["2000.00"] * 6
    assert plan["instalments"][0]["due_on"] == str(first_due)


def test_a_plan_needs_instalments_a_reason_and_an_officer(as_user, officer, clerk, debtor):
    body = {"account_no": debtor.account_no, "plan": "instalments"}

    assert as_user(officer).post("/api/v1/settlements/", body, format="json").json() == {
        "instalments": ["required for a plan outside a scheme"]}
    no_reason = as_user(officer).post("/api/v1/settlements/", {**body, "instalments": 3}, format="json")
    assert (no_reason.status_code, no_reason.json()["code"]) == (409, "reason_required")
    assert as_user(clerk).post("/api/v1/settlements/", {**body, "instalments": 3, "reason": "asked"},
                               format="json").status_code == 403


def test_an_officer_records_a_promise_and_a_second_is_refused(as_user, officer, clerk, debtor):
    body = {"account_no": debtor.account_no, "amount": "5000.00", "due_on": str(india_today() + timedelta(days=7)),
            "reason": "Salary on the 15th"}

    created = as_user(officer).post("/api/v1/promises/", body, format="json")
    again = as_user(officer).post("/api/v1/promises/", body, format="json")

    assert created.status_code == 201, created.content
    assert {k: created.json()[k] for k in ("account_no", "amount", "status", "paid", "created_by")} == {
        "account_no": debtor.account_no, "amount": "5000.00", "status": "open", "paid": "0.00",
        "created_by": officer.username}
    assert (again.status_code, again.json()["code"]) == (409, "promise_open")
    assert as_user(clerk).post("/api/v1/promises/", body, format="json").status_code == 403
    listed = as_user(clerk).get("/api/v1/promises/?status=open").json()
    assert [p["account_no"] for p in listed["results"]] == [debtor.account_no]


@pytest.mark.parametrize(("change", "code"), [
    ({"amount": "99999.00"}, "invalid_amount"),
    ({"due_on": "2099-01-01"}, "invalid_date"),
    ({"reason": "  "}, "reason_required"),
])
def test_a_promise_is_refused_with_the_rules_code(as_user, officer, debtor, change, code):
    body = {"account_no": debtor.account_no, "amount": "5000.00", "due_on": str(india_today() + timedelta(days=7)),
            "reason": "Salary on the 15th", **change}

    response = as_user(officer).post("/api/v1/promises/", body, format="json")

    assert (response.status_code, response.json()["code"]) == (409, code)


# --- lists: scoped, filtered, paged -----------------------------------------------------------------------------

def _settlements(consumer, user, count, status=SettlementStatus.COMPLETED):
    """``count`` finished plans of ``consumer`` (written directly: the list is what is tested here)."""
    from django.utils import timezone

    now = timezone.now()
    Settlement.objects.bulk_create([Settlement(
        reference=f"PLN-{consumer.division.code}-{n:06d}", consumer=consumer, division=consumer.division,
        kind=SettlementKind.PLAN, plan="instalments", dues_cutoff=india_today(), principal="100.00",
        surcharge="0.00", payable="100.00", paid="100.00", status=status, registered_at=now - timedelta(minutes=n),
        registered_by=user) for n in range(count)])


def test_the_list_is_the_divisions_filtered_and_paged(as_user, officer, other_officer, it_admin, rtp, hsp, debtor):
    _settlements(debtor, officer, 51)
    _settlements(owing(hsp, principal="500.00", surcharge="0", before=india_today()), other_officer, 1,
                 status=SettlementStatus.DEFAULTED)
    client = as_user(officer)

    first = client.get("/api/v1/settlements/").json()
    second = client.get("/api/v1/settlements/?page=2").json()

    assert (first["count"], len(first["results"]), len(second["results"])) == (51, 50, 1)
    assert {s["division"] for s in first["results"] + second["results"]} == {"RTP"}
    assert first["results"][0]["reference"] == "PLN-RTP-000000"  # newest first
    assert client.get("/api/v1/settlements/?page=3").status_code == 400
    assert client.get("/api/v1/settlements/?status=live").json()["count"] == 0
    hq = as_user(it_admin)
    assert hq.get("/api/v1/settlements/?division=HSP").json()["count"] == 1
    assert hq.get("/api/v1/settlements/?status=defaulted").json()["results"][0]["division"] == "HSP"
    # Another division's settlement is not found.
    hsp_settlement = Settlement.objects.get(division=hsp)
    assert as_user(officer).get(f"/api/v1/settlements/{hsp_settlement.pk}/").status_code == 404


def test_an_open_scheme_registers_without_the_clock_moved(as_user, clerk, rtp):
    """The API on today's date with a scheme open today (tests/settlements/scheme_data.open_scheme)."""
    scheme = open_scheme()
    consumer = owing(rtp, principal="10000.00", surcharge="2000.00", before=scheme.dues_cutoff)
    client = as_user(clerk)
    pay(client, consumer, "3000.00", "RTP-DEP-9")

    response = register(client, consumer, scheme, receipt_no="RTP-DEP-9")

    assert response.status_code == 201, response.content
    assert (response.json()["payable"], Decimal(response.json()["outstanding"])) == ("11000.00", Decimal("8000.00"))
