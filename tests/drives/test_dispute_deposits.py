"""Section 56(1) deposits under protest (DESIGN.md domain rules; issue 18, items 3 and 4).

The deposit required is the lesser of the sum disputed and the mean of the consumer's last six bills before the
dispute was raised; the deposit is money the consumer paid (recorded payments named by receipt number, not
older than the disputed bills, one dispute each); a dispute holds a cut only while its deposits reach a
requirement of more than zero; it is raised at most DISPUTE_BACKDATE_DAYS back.
"""

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from arrears.models import Consumer, LedgerEntry
from core.dates import india_today
from core.models import Source
from drives.disputes import deposit_required_for, dispute_deposit_add, dispute_record
from drives.models import Disconnection, Dispute, DisputeDeposit, Stop
from tests.drives.drive_data import build_list, plan, served
from tests.factories import add_entry, make_consumer
from tests.kesco.test_settings import LOAD, run_python

pytestmark = pytest.mark.django_db

# The acceptance run's consumer: six bills averaging 1,754.00, and a seventh inside the same six calendar months.
LAST_SIX = ("1650.00", "1820.00", "1710.00", "1905.00", "1689.00", "1750.00")
SEVENTH = "497.04"


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def bill(consumer, amount: str, day: date):
    return add_entry(consumer, "BILL", amount, day, day + timedelta(days=15))


def paid(consumer, amount: str, receipt_no: str, day: date | None = None):
    """A payment of the consumer on the ledger, as the counter or the billing system's import records it."""
    return add_entry(consumer, "PAYMENT", amount, day or india_today(), reference=receipt_no)


def dispute_body(consumer, **fields) -> dict:
    return {"account_no": consumer.account_no, "raised_on": str(india_today()), "amount_disputed": "38400.00",
            **fields}


def cut(client, stop: Stop):
    return client.post(f"/api/v1/drives/{stop.drive_id}/stops/{stop.pk}/outcome/",
                       {"outcome": "disconnected", "method": "fuse_pulled"}, format="json")


@pytest.fixture
def monthly(rtp, officer, clerk):
    """A defaulter billed every 29 days: seven bills in the last six months (the oldest 176 days back, inside any
    six-calendar-month window), an old unpaid bill of 30,000 before them, a notice served 30 days ago, and a
    stop on today's drive."""
    consumer = make_consumer(rtp)
    today = india_today()
    bill(consumer, "30000.00", today - timedelta(days=400))
    for weeks, amount in enumerate((*LAST_SIX, SEVENTH)):
        bill(consumer, amount, today - timedelta(days=2 + 29 * weeks))
    consumer.refresh_from_db()
    served(officer, consumer)
    build_list(rtp)
    return consumer, Stop.objects.get(drive=plan(officer, rtp, [clerk]), consumer=consumer)


# --- item 3: the mean of the last six bills, not a six-calendar-month window over six -----------------------

def test_it_asks_the_mean_of_the_last_six_bills_when_six_months_hold_seven(monthly, officer, clerk):
    consumer, stop = monthly
    # The old rule summed the seven bills of the six calendar months and divided by six.
    assert sum(Decimal(a) for a in (*LAST_SIX, SEVENTH)) / 6 == Decimal("1836.84")
    paid(consumer, "1754.00", "RTP-2026-004190")

    response = api(officer).post("/api/v1/disputes/", dispute_body(
        consumer, deposit_amount="1754.00", deposit_receipt_no="RTP-2026-004190"), format="json")

    assert response.status_code == 201, response.content
    assert (response.json()["deposit_required"], response.json()["deposit_amount"],
            response.json()["holds_disconnection"]) == ("1754.00", "1754.00", True)
    refused = cut(api(clerk), stop)
    assert refused.status_code == 409 and refused.json()["code"] == "dispute_pending"
    assert not Disconnection.objects.exists()


def test_it_takes_the_mean_of_fewer_bills_when_fewer_exist(rtp):
    consumer = make_consumer(rtp)
    bill(consumer, "900.00", date(2026, 3, 5))
    bill(consumer, "1200.00", date(2026, 4, 4))
    bill(consumer, "5000.00", date(2026, 5, 4))  # the day it is raised: not before it

    assert deposit_required_for(consumer=consumer, raised_on=date(2026, 5, 4),
                                amount_disputed=Decimal("9000.00")) == Decimal("1050.00")


def reference_required(bills: list[tuple[date, Decimal]], raised_on: date, disputed: Decimal) -> Decimal:
    """The rule as DESIGN.md states it, in plain Python."""
    before = sorted(entry for entry in bills if entry[0] < raised_on)[-6:]
    if not before:
        return Decimal("0.00")
    mean = (sum(amount for _day, amount in before) / len(before)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return min(disputed, mean)


money = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("90000.00"), places=2)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first=st.dates(min_value=date(2023, 1, 1), max_value=date(2026, 6, 30)),
       # Each cycle 28–31 days; a skipped month (no bill that cycle) adds another 28–31.
       cycles=st.lists(st.tuples(st.integers(min_value=28, max_value=31), st.booleans(), money), max_size=14),
       first_amount=money, raised_after=st.integers(min_value=-40, max_value=500), disputed=money)
def test_it_matches_the_rule_on_random_billing_cycles(rtp, first, cycles, first_amount, raised_after, disputed):
    consumer = make_consumer(rtp)
    bills, day = [(first, first_amount)], first
    for days, skipped_month, amount in cycles:
        day += timedelta(days=days + (30 if skipped_month else 0))
        bills.append((day, amount))
    raised_on = first + timedelta(days=raised_after)
    try:
        for bill_day, amount in bills:
            bill(consumer, str(amount), bill_day)
        assert deposit_required_for(consumer=consumer, raised_on=raised_on, amount_disputed=disputed) == \
            reference_required(bills, raised_on, disputed)
    finally:
        LedgerEntry.objects.filter(consumer=consumer).delete()
        Consumer.objects.filter(pk=consumer.pk).delete()


# --- item 4: no hold without money paid, and not from long ago ----------------------------------------------

def test_it_refuses_a_dispute_raised_in_2005(monthly, officer):
    consumer, _stop = monthly
    response = api(officer).post("/api/v1/disputes/", dispute_body(consumer, raised_on="2005-01-01"), format="json")

    assert response.status_code == 409
    assert (response.json()["code"], response.json()["field"]) == ("dispute_backdated", "raised_on")
    assert not Dispute.objects.exists()


def test_it_takes_a_dispute_raised_dispute_backdate_days_back_and_not_a_day_more(monthly, officer, settings):
    consumer, _stop = monthly
    settings.DISPUTE_BACKDATE_DAYS = 30
    oldest = india_today() - timedelta(days=30)

    too_old = api(officer).post("/api/v1/disputes/", dispute_body(
        consumer, raised_on=str(oldest - timedelta(days=1))), format="json")
    in_time = api(officer).post("/api/v1/disputes/", dispute_body(consumer, raised_on=str(oldest)), format="json")

    assert too_old.status_code == 409 and too_old.json()["code"] == "dispute_backdated"
    assert in_time.status_code == 201, in_time.content


def test_a_zero_requirement_never_holds_a_cut(rtp, officer, clerk):
    # Nothing billed before the dispute was raised (the arrears are a surcharge): nothing required, no hold.
    consumer = make_consumer(rtp)
    add_entry(consumer, "SURCHARGE", "25000.00", india_today() - timedelta(days=60))
    served(officer, consumer)
    build_list(rtp)
    stop = Stop.objects.get(drive=plan(officer, rtp, [clerk]), consumer=consumer)

    response = api(officer).post("/api/v1/disputes/", dispute_body(consumer), format="json")

    assert (response.json()["deposit_required"], response.json()["holds_disconnection"]) == ("0.00", False)
    assert cut(api(clerk), stop).status_code == 200


def test_it_refuses_a_deposit_whose_receipt_is_no_payment(monthly, officer, clerk):
    consumer, stop = monthly
    response = api(officer).post("/api/v1/disputes/", dispute_body(
        consumer, amount_disputed="0.01", deposit_amount="0.01", deposit_receipt_no="FAKE-1"), format="json")

    assert response.status_code == 409
    assert (response.json()["code"], response.json()["field"]) == ("deposit_not_found", "deposit_receipt_no")
    assert not Dispute.objects.exists() and not DisputeDeposit.objects.exists()
    assert cut(api(clerk), stop).status_code == 200


def test_it_refuses_another_consumers_payment_as_deposit(monthly, rtp, officer):
    consumer, _stop = monthly
    paid(make_consumer(rtp), "1754.00", "RTP-2026-000777")

    response = api(officer).post("/api/v1/disputes/", dispute_body(
        consumer, deposit_receipt_no="RTP-2026-000777"), format="json")

    assert response.status_code == 409 and response.json()["code"] == "deposit_not_found"


def test_it_holds_once_a_deposit_made_later_is_added(monthly, officer, clerk):
    consumer, stop = monthly
    recorded = api(officer).post("/api/v1/disputes/", dispute_body(consumer), format="json").json()
    assert (recorded["deposit_amount"], recorded["holds_disconnection"]) == ("0.00", False)
    paid(consumer, "1000.00", "RTP-2026-004201")
    paid(consumer, "754.00", "RTP-2026-004388")
    url = f"/api/v1/disputes/{recorded['id']}/deposits/"

    first = api(officer).post(url, {"receipt_no": "RTP-2026-004201"}, format="json")
    assert first.status_code == 201, first.content
    assert (first.json()["deposit_amount"], first.json()["holds_disconnection"]) == ("1000.00", False)
    second = api(officer).post(url, {"receipt_no": " rtp-2026-004388 "}, format="json")  # as a clerk might type it

    assert second.status_code == 201, second.content
    answer = second.json()
    assert (answer["deposit_amount"], answer["deposit_required"], answer["holds_disconnection"]) == \
        ("1754.00", "1754.00", True)
    assert answer["deposit_receipt_no"] == "RTP-2026-004201"
    assert [(d["receipt_no"], d["amount"], d["added_by"]) for d in answer["deposits"]] == [
        ("RTP-2026-004201", "1000.00", "officer_rtp"), ("RTP-2026-004388", "754.00", "officer_rtp")]
    refused = cut(api(clerk), stop)
    assert refused.status_code == 409 and refused.json()["code"] == "dispute_pending"


def test_it_counts_one_payment_for_one_dispute_only(monthly, officer):
    consumer, _stop = monthly
    paid(consumer, "1754.00", "RTP-2026-004190")
    first = api(officer).post("/api/v1/disputes/", dispute_body(consumer, deposit_receipt_no="RTP-2026-004190"),
                              format="json").json()
    second = api(officer).post("/api/v1/disputes/", dispute_body(consumer), format="json").json()

    again = api(officer).post(f"/api/v1/disputes/{first['id']}/deposits/", {"receipt_no": "RTP-2026-004190"},
                              format="json")
    other = api(officer).post(f"/api/v1/disputes/{second['id']}/deposits/", {"receipt_no": "RTP-2026-004190"},
                              format="json")

    assert again.status_code == other.status_code == 409
    assert again.json()["code"] == other.json()["code"] == "deposit_used"
    assert DisputeDeposit.objects.count() == 1 and Dispute.objects.get(pk=second["id"]).deposit_amount == 0


def test_it_refuses_a_payment_made_before_the_disputed_bills(monthly, officer):
    consumer, _stop = monthly
    # The oldest of the last six bills is 147 days back; a payment 150 days back paid older bills.
    paid(consumer, "1754.00", "RTP-2026-000310", india_today() - timedelta(days=150))
    paid(consumer, "1754.00", "RTP-2026-000311", india_today() - timedelta(days=147))

    early = api(officer).post("/api/v1/disputes/", dispute_body(consumer, deposit_receipt_no="RTP-2026-000310"),
                              format="json")
    on_the_day = api(officer).post("/api/v1/disputes/", dispute_body(consumer, deposit_receipt_no="RTP-2026-000311"),
                                   format="json")

    assert early.status_code == 409
    assert (early.json()["code"], early.json()["field"]) == ("deposit_too_early", "deposit_receipt_no")
    assert on_the_day.status_code == 201 and on_the_day.json()["holds_disconnection"] is True


def test_it_refuses_a_deposit_amount_that_is_not_the_payments(monthly, officer):
    consumer, _stop = monthly
    paid(consumer, "500.00", "RTP-2026-004190")

    response = api(officer).post("/api/v1/disputes/", dispute_body(
        consumer, deposit_amount="1754.00", deposit_receipt_no="RTP-2026-004190"), format="json")

    assert response.status_code == 409
    assert (response.json()["code"], response.json()["field"]) == ("deposit_mismatch", "deposit_amount")
    assert not Dispute.objects.exists()


def test_it_adds_no_deposit_to_a_resolved_dispute(monthly, officer):
    consumer, _stop = monthly
    paid(consumer, "1754.00", "RTP-2026-004190")
    dispute = dispute_record(user=officer, account_no=consumer.account_no, raised_on=india_today(),
                             amount_disputed="38400.00", source=Source.API)
    api(officer).post(f"/api/v1/disputes/{dispute.pk}/resolve/", {"resolved_on": str(india_today()),
                                                                  "resolution": "bill corrected"}, format="json")

    response = api(officer).post(f"/api/v1/disputes/{dispute.pk}/deposits/", {"receipt_no": "RTP-2026-004190"},
                                 format="json")

    assert response.status_code == 409 and response.json()["code"] == "invalid_status"
    assert not DisputeDeposit.objects.exists()


def test_it_answers_404_for_another_divisions_dispute_and_403_for_a_clerk(monthly, officer, other_officer, clerk):
    consumer, _stop = monthly
    paid(consumer, "1754.00", "RTP-2026-004190")
    dispute = dispute_record(user=officer, account_no=consumer.account_no, raised_on=india_today(),
                             amount_disputed="38400.00", source=Source.API)
    url = f"/api/v1/disputes/{dispute.pk}/deposits/"

    assert api(other_officer).post(url, {"receipt_no": "RTP-2026-004190"}, format="json").status_code == 404
    assert api(clerk).post(url, {"receipt_no": "RTP-2026-004190"}, format="json").status_code == 403
    assert not DisputeDeposit.objects.exists()


def test_it_replays_a_retried_deposit(monthly, officer):
    consumer, _stop = monthly
    paid(consumer, "1754.00", "RTP-2026-004190")
    dispute = dispute_record(user=officer, account_no=consumer.account_no, raised_on=india_today(),
                             amount_disputed="38400.00", source=Source.API)
    url, body = f"/api/v1/disputes/{dispute.pk}/deposits/", {"receipt_no": "RTP-2026-004190"}

    first = api(officer).post(url, body, format="json", headers={"Idempotency-Key": "deposit-412-1"})
    retry = api(officer).post(url, body, format="json", headers={"Idempotency-Key": "deposit-412-1"})

    assert first.status_code == retry.status_code == 201 and first.json() == retry.json()
    assert DisputeDeposit.objects.count() == 1


def test_it_keeps_who_counted_each_deposit(monthly, officer):
    consumer, _stop = monthly
    paid(consumer, "1754.00", "RTP-2026-004190")
    dispute = dispute_record(user=officer, account_no=consumer.account_no, raised_on=india_today(),
                             amount_disputed="38400.00", source=Source.API)

    dispute_deposit_add(user=officer, dispute=dispute, receipt_no="RTP-2026-004190", source=Source.WEB)

    deposit = DisputeDeposit.objects.get()
    assert (deposit.added_by, deposit.source, deposit.amount) == (officer, Source.WEB, Decimal("1754.00"))
    assert dispute.history.first().history_user == officer


# --- the officer's page -------------------------------------------------------------------------------------

def test_it_adds_a_deposit_from_the_officers_page(client, monthly, officer):
    consumer, _stop = monthly
    paid(consumer, "1754.00", "RTP-2026-004190")
    client.force_login(officer)
    client.post("/disputes/", {"account_no": consumer.account_no, "raised_on": india_today().isoformat(),
                               "amount_disputed": "38400.00", "deposit_amount": "0"})
    dispute = Dispute.objects.get()
    assert "pending: deposit not made" in client.get("/disputes/").content.decode()

    fake = client.post(f"/disputes/{dispute.pk}/deposits/", {"receipt_no": "FAKE-1"})
    added = client.post(f"/disputes/{dispute.pk}/deposits/", {"receipt_no": "RTP-2026-004190"}, follow=True)

    assert fake.status_code == 400
    assert "no payment of this consumer has this receipt number" in fake.content.decode()
    page = added.content.decode()
    assert "pending: no disconnection" in page and "RTP-2026-004190" in page
    dispute.refresh_from_db()
    assert dispute.holds_disconnection


def test_the_officers_page_refuses_a_made_up_deposit(client, monthly, officer):
    consumer, _stop = monthly
    client.force_login(officer)

    response = client.post("/disputes/", {"account_no": consumer.account_no, "raised_on": india_today().isoformat(),
                                          "amount_disputed": "0.01", "deposit_amount": "0.01",
                                          "deposit_receipt_no": "FAKE-1"})

    assert response.status_code == 400 and not Dispute.objects.exists()
    assert "no payment of this consumer has this receipt number" in response.content.decode()


# --- the setting and the existing disputes ------------------------------------------------------------------

@pytest.mark.parametrize("value", ["thirty", "-1"])
def test_it_refuses_a_bad_dispute_backdate_setting_loudly(value):
    result = run_python(LOAD, DISPUTE_BACKDATE_DAYS=value)
    assert result.returncode != 0 and "DISPUTE_BACKDATE_DAYS" in result.stderr


def _migration(app: str, suffix: str, executor: MigrationExecutor) -> tuple[str, str]:
    """A migration by the end of its name (the integrator may renumber it)."""
    return next(key for key in executor.loader.graph.nodes if key[0] == app and key[1].endswith(suffix))


# PostgreSQL only: SQLite rebuilds a table to alter it and drops its triggers (the day books'), so taking
# migrations back and forth there would leave the rest of the run without them.
@pytest.mark.needs_postgres
@pytest.mark.django_db(transaction=True)
def test_it_counts_existing_deposits_only_where_they_are_payments():
    executor = MigrationExecutor(connection)
    schema = _migration("drives", "_dispute_deposits", executor)
    executor.migrate([schema])
    executor.loader.build_graph()
    # Not reports': its newest migration stands on drives' newest (its state would bring them back in).
    leaves = [node for node in executor.loader.graph.leaf_nodes() if node[0] not in ("drives", "reports")]
    old = executor.loader.project_state([*leaves, schema]).apps
    try:
        division = old.get_model("accounts", "Division").objects.create(code="RTP", name="Ratanpur")
        officer = old.get_model("accounts", "User").objects.create(username="sdo", role="officer", division=division)
        Consumer_, LedgerEntry_ = old.get_model("arrears", "Consumer"), old.get_model("arrears", "LedgerEntry")
        Dispute_ = old.get_model("drives", "Dispute")
        consumers = [Consumer_.objects.create(account_no=f"0000000{n}", name="Ram Prasad", division=division,
                                              category="LMV-1", sanctioned_load_kw=Decimal("2.00"))
                     for n in (1, 2)]
        today = india_today()
        for consumer in consumers:
            LedgerEntry_.objects.create(consumer=consumer, division=division, kind="BILL", amount=Decimal("3000.00"),
                                        entry_date=today - timedelta(days=40), due_date=today - timedelta(days=25),
                                        reference=f"B-{consumer.account_no}", source="import")
        LedgerEntry_.objects.create(consumer=consumers[0], division=division, kind="PAYMENT", amount=Decimal("3000.00"),
                                    entry_date=today, reference="RTP-2026-1", source="web")
        common = {"raised_on": today, "amount_disputed": Decimal("9000.00"), "recorded_by": officer,
                  "source": "web", "deposit_required": Decimal("500.00")}
        real = Dispute_.objects.create(consumer=consumers[0], deposit_amount=Decimal("500.00"),
                                       deposit_receipt_no="rtp-2026-1", **common)
        fake = Dispute_.objects.create(consumer=consumers[1], deposit_amount=Decimal("0.01"),
                                       deposit_receipt_no="FAKE-1", **common)

        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())

        real, fake = Dispute.objects.get(pk=real.pk), Dispute.objects.get(pk=fake.pk)
        assert (real.deposit_amount, real.deposit_required, real.deposit_receipt_no, real.holds_disconnection) == \
            (Decimal("3000.00"), Decimal("3000.00"), "RTP-2026-1", True)
        assert real.deposits.get().ledger_entry.reference == "RTP-2026-1"
        assert (fake.deposit_amount, fake.holds_disconnection, fake.deposits.exists()) == (Decimal("0.00"), False,
                                                                                           False)
        assert "FAKE-1" in fake.notes and "not counted" in fake.notes
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


# --- a clerk's `disputed` outcome ------------------------------------------------------------------------------

def test_it_opens_a_dispute_awaiting_the_officer_when_a_clerk_logs_disputed(monthly, officer, clerk):
    consumer, stop = monthly
    logged = api(clerk).post(f"/api/v1/drives/{stop.drive_id}/stops/{stop.pk}/outcome/",
                             {"outcome": "disputed", "notes": "says the meter was read twice"}, format="json")
    assert logged.status_code == 200, logged.content

    dispute = Dispute.objects.get(consumer=consumer)
    assert (dispute.status, dispute.raised_on, dispute.recorded_by, dispute.deposit_amount) == (
        "open", india_today(), clerk, Decimal("0.00"))
    assert (dispute.amount_disputed, dispute.deposit_required) == (consumer.arrears, Decimal("1754.00"))
    assert "meter was read twice" in dispute.notes
    # No deposit yet: no hold. The officer counts the consumer's deposit, and then it holds.
    assert not dispute.holds_disconnection
    paid(consumer, "1754.00", "RTP-2026-004191")
    added = api(officer).post(f"/api/v1/disputes/{dispute.pk}/deposits/", {"receipt_no": "RTP-2026-004191"},
                              format="json")
    assert added.status_code == 201, added.content
    assert added.json()["holds_disconnection"] is True
