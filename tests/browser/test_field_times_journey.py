"""An outcome tapped with the network down keeps the time of the tap (the outbox sends it as `at`), not the
time the queue reached the server once the network was back."""

from datetime import timedelta

import pytest
from django.utils import timezone

from drives.models import Stop
from tests.browser.conftest import log_in
from tests.drives.drive_data import build_list, defaulter, plan

pytestmark = [pytest.mark.needs_browser, pytest.mark.django_db(transaction=True)]


def test_an_outcome_tapped_offline_keeps_the_time_of_the_tap(phone, live_server, officer, clerk, password, rtp):
    geeta = defaulter(rtp, "25000.00", name="Geeta Devi", address="22 Juhi Kalan, Ratanpur")
    build_list(rtp)
    plan(officer, rtp, [clerk], name="Ratanpur drive")
    stop = Stop.objects.get(consumer=geeta)
    log_in(phone, live_server, clerk.username, password)
    phone.goto(f"{live_server.url}/field/stops/{stop.pk}/")

    phone.context.set_offline(True)
    tapped = timezone.now()
    phone.click("button[value='premises_locked']")
    phone.wait_for_selector("text=1 waiting to send")
    phone.wait_for_timeout(3000)
    back = timezone.now()
    phone.context.set_offline(False)
    phone.wait_for_url(f"{live_server.url}/field/")

    stop.refresh_from_db()
    assert stop.outcome == "premises_locked"
    assert tapped - timedelta(seconds=1) <= stop.outcome_at < back
