"""A consumer is on at most one open stop at a time; a drive is planned at most DRIVE_AHEAD_DAYS ahead
(DESIGN.md, domain rules). In planning (the service, the API, the officer's page), in the database, and on
closing a drive (its stops left open are no longer open, so the consumers are free for the next drive).
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from rest_framework.test import APIClient

from core.dates import india_today
from core.errors import DomainError
from drives.models import Drive, Stop, StopStatus
from drives.selectors import drive_progress
from drives.services import drive_close, drive_plan_preview
from tests.drives.drive_data import build_list, defaulter, plan
from tests.factories import make_consumer, make_division, make_user
from tests.migration_state import models_before

pytestmark = pytest.mark.django_db


@pytest.fixture
def two(rtp):
    """Two defaulters of RTP on last night's list, in two localities."""
    lal = defaulter(rtp, "50000.00", address="7 Lal Bangla, Kanpur")
    juhi = defaulter(rtp, "40000.00", address="22 Juhi Kalan, Kanpur")
    build_list(rtp)
    return lal, juhi


@pytest.fixture
def clerk2(rtp):
    return make_user("clerk2_rtp", "clerk", rtp)


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def plan_body(clerks, **fields) -> dict:
    return {"division": "RTP", "date": str(india_today()), "name": "Drive", "min_arrears": "0.00",
            "clerks": [c.username for c in clerks], "max_stops": 50, **fields}


def test_it_leaves_a_consumer_on_an_open_stop_off_a_second_drive(rtp, officer, clerk, clerk2, two):
    lal, juhi = two
    first = plan(officer, rtp, [clerk], locality="Lal Bangla")

    preview = drive_plan_preview(user=officer, division=rtp, date=india_today(), min_arrears=Decimal("0"),
                                 max_stops=50, clerks=[clerk2])
    second = plan(officer, rtp, [clerk2], name="Second")

    assert [s["consumer_id"] for s in preview] == [juhi.pk] and preview.skipped_on_open_stop == 1
    assert list(second.stops.values_list("consumer_id", flat=True)) == [juhi.pk]
    assert second.skipped_on_open_stop == 1
    assert Stop.objects.filter(consumer=lal, status=StopStatus.OPEN).get().drive == first


def test_it_plans_nothing_when_every_consumer_is_on_an_open_stop(rtp, officer, clerk, two):
    plan(officer, rtp, [clerk])

    with pytest.raises(DomainError) as refusal:
        plan(officer, rtp, [clerk], name="Again", date=india_today() + timedelta(days=1))

    assert refusal.value.code == "no_stops"
    assert Drive.objects.count() == 1


def test_it_says_through_the_api_how_many_were_left_out(rtp, officer, clerk, clerk2, two):
    lal, juhi = two
    first = api(officer).post("/api/v1/drives/", plan_body([clerk], locality="Lal Bangla"), format="json")
    second = api(officer).post("/api/v1/drives/", plan_body([clerk2], name="Second"), format="json")

    assert first.status_code == 201 and first.json()["skipped_on_open_stop"] == 0
    assert second.status_code == 201, second.content
    assert [s["account_no"] for s in second.json()["stops"]] == [juhi.account_no]
    assert second.json()["skipped_on_open_stop"] == 1


def test_it_says_on_the_officers_page_how_many_were_left_out(client, rtp, officer, clerk, two):
    plan(officer, rtp, [clerk], locality="Lal Bangla")
    client.force_login(officer)

    form = {"date": india_today().isoformat(), "name": "Second", "min_arrears": "0", "locality": "",
            "max_stops": "50", "clerks": [clerk.pk]}
    preview = client.post("/drives/plan/", {**form, "preview": "1"}).content.decode()
    created = client.post("/drives/plan/", {**form, "create": "1"}, follow=True).content.decode()

    assert "1 consumer left out: already on an open stop of another drive." in preview
    assert "Left out, already on an open stop of another drive: 1." in created


def test_it_refuses_a_second_open_stop_in_the_database(rtp, officer, clerk, two):
    lal, _juhi = two
    plan(officer, rtp, [clerk], locality="Lal Bangla")
    other = Drive.objects.create(division=rtp, date=india_today(), name="By hand", officer=officer,
                                 min_arrears=Decimal("0"), max_stops=5, source="web")

    # PostgreSQL names the constraint, SQLite its column.
    with pytest.raises(IntegrityError, match=r"stop_one_open_per_consumer|: drives_stop\.consumer_id$"), \
            transaction.atomic():
        Stop.objects.create(drive=other, consumer=lal, clerk=clerk, sequence=1, arrears=lal.arrears, rank=1)
    # A stop no longer open is no obstacle.
    Stop.objects.create(drive=other, consumer=lal, clerk=clerk, sequence=1, arrears=lal.arrears, rank=1,
                        status=StopStatus.UNVISITED)


def test_it_answers_a_plan_that_raced_another_with_a_refusal_not_a_crash(rtp, officer, clerk, two, monkeypatch):
    plan(officer, rtp, [clerk])
    # As if the other drive's stops were written between this plan's read and its write.
    monkeypatch.setattr("drives.services._on_open_stop", lambda: Stop.objects.none().values("consumer_id"))

    with pytest.raises(DomainError) as refusal:
        plan(officer, rtp, [clerk], name="Raced")

    assert refusal.value.code == "plan_conflict"
    assert Drive.objects.count() == 1


def test_it_frees_the_consumers_of_a_closed_drive_for_the_next_one(rtp, officer, clerk, two):
    first = plan(officer, rtp, [clerk])

    drive_close(user=officer, drive=first)
    tomorrow = plan(officer, rtp, [clerk], name="Tomorrow", date=india_today() + timedelta(days=1))

    assert set(first.stops.values_list("status", flat=True)) == {StopStatus.UNVISITED}
    assert tomorrow.stops.count() == 2 and tomorrow.skipped_on_open_stop == 0
    # The closed drive's figures are as they were: its stops not visited are counted as left.
    assert drive_progress(first)["left"] == 2
    assert first.stops.first().history.first().history_user == officer


# --- how far ahead ----------------------------------------------------------------------------------------


def test_it_refuses_a_drive_more_than_fourteen_days_ahead(officer, clerk, two):
    response = api(officer).post("/api/v1/drives/", plan_body(
        [clerk], date=str(india_today() + timedelta(days=15))), format="json")

    assert response.status_code == 409
    assert (response.json()["code"], response.json()["field"]) == ("drive_date_far", "date")
    assert not Drive.objects.exists()


def test_it_plans_a_drive_fourteen_days_ahead(officer, clerk, two):
    response = api(officer).post("/api/v1/drives/", plan_body(
        [clerk], date=str(india_today() + timedelta(days=14))), format="json")

    assert response.status_code == 201, response.content
    assert response.json()["date"] == str(india_today() + timedelta(days=14))


def test_it_refuses_a_far_drive_on_the_officers_page(client, officer, clerk, two):
    client.force_login(officer)
    response = client.post("/drives/plan/", {
        "date": (india_today() + timedelta(days=15)).isoformat(), "name": "Far", "min_arrears": "0",
        "locality": "", "max_stops": "50", "clerks": [clerk.pk], "create": "1"})

    assert response.status_code == 400
    assert "a drive is planned at most 14 days ahead" in response.content.decode()
    assert not Drive.objects.exists()


def test_it_bounds_the_date_picker_of_the_officers_page(client, officer, two):
    client.force_login(officer)
    page = client.get("/drives/plan/").content.decode()

    assert f'min="{india_today().isoformat()}"' in page
    assert f'max="{(india_today() + timedelta(days=14)).isoformat()}"' in page


def test_it_reads_how_far_ahead_from_the_setting(rtp, officer, clerk, two, settings):
    settings.DRIVE_AHEAD_DAYS = 3

    with pytest.raises(DomainError) as refusal:
        plan(officer, rtp, [clerk], date=india_today() + timedelta(days=4))

    assert refusal.value.code == "drive_date_far"
    assert plan(officer, rtp, [clerk], date=india_today() + timedelta(days=3)).stops.count() == 2


# --- the data before the constraint (migrations 0007 and 0008) ------------------------------------------------

BEFORE = [("drives", "0006_notice_reason_proof_ref")]


@pytest.fixture
def before_the_rule(transactional_db):
    """The drives app as it stood before the rule (its models of then: later migrations add stop columns)."""
    yield from models_before(BEFORE)


# PostgreSQL only: SQLite rebuilds a table to alter it and drops its triggers (the day books'), so taking
# migrations back and forth there would leave the rest of the run without them.
@pytest.mark.needs_postgres
def test_it_settles_the_open_stops_a_consumer_had_on_several_drives_before_the_constraint(before_the_rule):
    old_drive, old_stop = before_the_rule.get_model("drives", "Drive"), before_the_rule.get_model("drives", "Stop")
    rtp = make_division("RTP", "Ratanpur", "रतनपुर")
    officer, clerk = make_user("officer_rtp", "officer", rtp), make_user("clerk_rtp", "clerk", rtp)
    today = india_today()

    def drive(days: int, status: str = "planned"):
        return old_drive.objects.create(division_id=rtp.pk, date=today + timedelta(days=days), name=f"Day {days}",
                                        officer_id=officer.pk, min_arrears=Decimal("0"), max_stops=5, source="web",
                                        status=status)

    def stop(drive_, consumer):
        return old_stop.objects.create(drive=drive_, consumer_id=consumer.pk, clerk_id=clerk.pk,
                                       sequence=consumer.pk, arrears=Decimal("50000.00"), rank=1)

    on_four, on_closed, on_past = (make_consumer(rtp), make_consumer(rtp), make_consumer(rtp))
    yesterday, closed, tomorrow, today_ = drive(-1, "in_progress"), drive(-2, "closed"), drive(1), drive(0)
    kept = stop(today_, on_four)
    others = [stop(d, on_four) for d in (yesterday, closed, tomorrow)]
    left_on_closed = stop(closed, on_closed)
    past_only = [stop(yesterday, on_past), stop(drive(-3, "in_progress"), on_past)]

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    def status(s: Stop) -> str:
        return Stop.objects.get(pk=s.pk).status

    assert status(kept) == "open" and [status(s) for s in others] == ["unvisited"] * 3
    assert f"drive {today_.pk}" in Stop.objects.get(pk=others[0].pk).notes
    assert status(left_on_closed) == "unvisited"
    # Only past drives: the latest one keeps the consumer.
    assert [status(s) for s in past_only] == ["open", "unvisited"]
    assert Stop.objects.filter(status="open").count() == 2
