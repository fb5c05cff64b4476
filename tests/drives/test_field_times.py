"""Field events carry the time they happened (DESIGN.md, domain rules): `at` from the phone, at most 5 minutes
ahead of the server, not before the drive's day, and a cut not before the consumer's last reconnection.

The clock is set to 11:00 India time today, so no test depends on the hour it runs at.
"""

from datetime import datetime, time, timedelta

import pytest
import time_machine
from django.utils import timezone
from rest_framework.test import APIClient

from core.dates import india_today
from core.models import Source
from drives.models import Disconnection, ReconnectionOrder, Stop, StopStatus
from drives.reconnections import reconnection_approve, reconnection_done
from drives.services import drive_close
from tests.drives.drive_data import build_list, defaulter, plan, served

pytestmark = pytest.mark.django_db


def india(hour: int, minute: int = 0, *, days: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(india_today() + timedelta(days=days), time(hour, minute)))


@pytest.fixture(autouse=True)
def eleven_o_clock():
    with time_machine.travel(india(11), tick=True):
        yield


@pytest.fixture
def consumer(rtp, officer):
    consumer = defaulter(rtp, "50000.00")
    served(officer, consumer)
    build_list(rtp)
    return consumer


@pytest.fixture
def stop(rtp, officer, clerk, consumer):
    return Stop.objects.get(drive=plan(officer, rtp, [clerk]), consumer=consumer)


def log(user, stop, **body):
    client = APIClient()
    client.force_authenticate(user)
    return client.post(f"/api/v1/drives/{stop.drive_id}/stops/{stop.pk}/outcome/", body, format="json")


def test_it_keeps_the_time_the_cut_happened_not_when_it_reached_the_server(stop, clerk):
    response = log(clerk, stop, outcome="disconnected", method="cable_removed", at=india(9, 42).isoformat())

    assert response.status_code == 200, response.content
    stop.refresh_from_db()
    assert stop.outcome_at == india(9, 42)
    assert Disconnection.objects.get(stop=stop).disconnected_at == india(9, 42)
    assert response.json()["outcome_at"] == timezone.localtime(india(9, 42)).isoformat()


def test_it_stamps_now_without_at(stop, clerk):
    response = log(clerk, stop, outcome="premises_locked")

    assert response.status_code == 200
    stop.refresh_from_db()
    assert abs(stop.outcome_at - timezone.now()) < timedelta(minutes=1)


def test_it_takes_a_phone_clock_a_little_ahead(stop, clerk):
    assert log(clerk, stop, outcome="premises_locked", at=(timezone.now() + timedelta(minutes=4)).isoformat()
               ).status_code == 200


def test_it_refuses_a_time_more_than_five_minutes_ahead(stop, clerk):
    response = log(clerk, stop, outcome="premises_locked", at=(timezone.now() + timedelta(minutes=6)).isoformat())

    assert response.status_code == 409
    assert (response.json()["code"], response.json()["field"]) == ("invalid_date", "at")
    stop.refresh_from_db()
    assert stop.status == StopStatus.OPEN


def test_it_refuses_a_time_before_the_drives_day(stop, clerk):
    response = log(clerk, stop, outcome="disconnected", method="cable_removed",
                   at=(india(0) - timedelta(minutes=1)).isoformat())

    assert response.status_code == 409
    assert (response.json()["code"], response.json()["field"]) == ("before_drive_date", "at")
    assert not Disconnection.objects.exists()


def test_it_refuses_a_cut_before_the_consumers_last_reconnection(rtp, officer, clerk, consumer, stop):
    assert log(clerk, stop, outcome="disconnected", method="cable_removed", at=india(9).isoformat()).status_code == 200
    order = reconnection_approve(user=officer, account_no=consumer.account_no, reason="hospital visit",
                                 source=Source.WEB)
    reconnection_done(user=clerk, order=order, reconnected_at=india(10, 30), source=Source.WEB)
    drive_close(user=officer, drive=stop.drive)
    again = Stop.objects.get(drive=plan(officer, rtp, [clerk], name="Afternoon"), consumer=consumer)

    before = log(clerk, again, outcome="disconnected", method="fuse_pulled", at=india(10, 20).isoformat())
    after = log(clerk, again, outcome="disconnected", method="fuse_pulled", at=india(10, 40).isoformat())

    assert before.status_code == 409
    assert (before.json()["code"], before.json()["field"]) == ("before_reconnection", "at")
    assert after.status_code == 200, after.content
    assert Disconnection.objects.get(stop=again).disconnected_at == india(10, 40)
    assert ReconnectionOrder.objects.get().done_at == india(10, 30)


def test_it_refuses_at_that_is_not_a_time(stop, clerk):
    response = log(clerk, stop, outcome="premises_locked", at="this morning")

    assert response.status_code == 400 and "at" in response.json()


# --- the clerk's page -------------------------------------------------------------------------------------


def test_it_gives_the_outcome_form_a_hidden_at_for_the_time_of_the_tap(client, stop, clerk):
    client.force_login(clerk)
    page = client.get(f"/field/stops/{stop.pk}/").content.decode()

    assert '<input type="hidden" name="at" data-at>' in page


def test_it_keeps_the_time_of_the_tap_from_the_clerks_page(client, stop, clerk):
    client.force_login(clerk)
    response = client.post(f"/field/stops/{stop.pk}/outcome/", {"outcome": "disconnected:cable_removed",
                                                                "at": india(9, 5).isoformat()})

    assert response.status_code == 302
    stop.refresh_from_db()
    assert stop.outcome_at == india(9, 5)
    assert Disconnection.objects.get(stop=stop).disconnected_at == india(9, 5)


def test_it_stamps_now_from_the_clerks_page_without_javascript(client, stop, clerk):
    client.force_login(clerk)
    client.post(f"/field/stops/{stop.pk}/outcome/", {"outcome": "premises_locked", "at": ""})

    stop.refresh_from_db()
    assert abs(stop.outcome_at - timezone.now()) < timedelta(minutes=1)


@pytest.mark.parametrize("at, words", [
    ("after", "cannot be in the future"),
    ("yesterday", "cannot be before the drive"),
    ("soon", "not a date and time"),
])
def test_it_refuses_a_bad_time_on_the_clerks_page(client, stop, clerk, at, words):
    value = {"after": (timezone.now() + timedelta(minutes=6)).isoformat(),
             "yesterday": india(18, days=-1).isoformat(), "soon": "soon"}[at]
    client.force_login(clerk)
    response = client.post(f"/field/stops/{stop.pk}/outcome/", {"outcome": "premises_locked", "at": value},
                           follow=True)

    assert words in response.content.decode()
    stop.refresh_from_db()
    assert stop.status == StopStatus.OPEN


def test_it_keeps_the_time_of_the_reconnection_from_the_clerks_page(client, officer, clerk, consumer, stop):
    log(clerk, stop, outcome="disconnected", method="cable_removed", at=india(9).isoformat())
    order = reconnection_approve(user=officer, account_no=consumer.account_no, reason="hospital visit",
                                 source=Source.WEB)
    client.force_login(clerk)
    assert '<input type="hidden" name="at" data-at>' in client.get("/field/reconnections/").content.decode()

    client.post(f"/field/reconnections/{order.pk}/done/", {"at": india(10, 15).isoformat()})

    order.refresh_from_db()
    assert order.done_at == india(10, 15)
