"""The official defaulter list: today's, at DEFAULTER_THRESHOLD, as the nightly rule builds it.

Only IT and the command line build another day or threshold; an officer rebuilds today's
list at the official threshold, whichever way they ask (service, task, admin form, rebuild).
"""

from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from core.dates import india_today
from core.errors import DomainError
from defaulters.models import DefaulterList, DefaulterRun
from defaulters.selectors import defaulter_list_latest
from defaulters.services import defaulter_list_build_division, defaulter_lists_build
from defaulters.tasks import defaulter_lists_build_nightly_task
from tests.defaulters.defaulter_data import defaulter_scene

TODAY = india_today()


@pytest.fixture
def nightly(rtp, hsp):
    """Both divisions' lists as the night built them: RTP has 3 defaulters above ₹10,000."""
    rtp_list, _ = defaulter_scene(rtp, hsp)
    assert rtp_list.consumer_count == 3
    return rtp_list


def rtp_today(rtp) -> DefaulterList:
    return DefaulterList.objects.get(division=rtp, as_of=TODAY)


@pytest.mark.parametrize(("as_of", "threshold"), [
    (TODAY, "999999999.00"),
    (TODAY, "0.00"),
    (TODAY - timedelta(days=1), None),
])
def test_it_refuses_an_officer_any_list_but_todays_official_one(nightly, rtp, officer, as_of, threshold):
    with pytest.raises(DomainError) as refused:
        defaulter_list_build_division(division_id=rtp.pk, as_of=as_of, threshold=threshold, started_by=officer,
                                      trigger="admin")
    with pytest.raises(DomainError):
        defaulter_lists_build(as_of=as_of, threshold=threshold, started_by=officer, trigger="admin")

    assert refused.value.code == "official_list_rule"
    assert "₹10,000.00" in refused.value.detail
    assert rtp_today(rtp).consumer_count == 3
    assert not DefaulterRun.objects.filter(started_by=officer).exists()


def test_it_lets_an_officer_rebuild_todays_list_at_the_official_threshold(nightly, rtp, officer):
    run = defaulter_list_build_division(division_id=rtp.pk, as_of=TODAY, threshold="10000.00", started_by=officer,
                                        trigger="admin")

    assert run.consumer_count == 3 and run.threshold == Decimal("10000.00")


def test_it_lets_it_and_the_command_line_build_another_day_or_threshold(nightly, rtp, it_admin):
    run = defaulter_list_build_division(division_id=rtp.pk, as_of=TODAY - timedelta(days=1),
                                        threshold="50000.00", started_by=it_admin, trigger="admin")
    call_command("build_defaulter_lists", "--threshold", "200000", "--division", "RTP", stdout=StringIO())

    assert run.threshold == Decimal("50000.00") and run.consumer_count == 1
    assert rtp_today(rtp).consumer_count == 1  # 01000001 alone owes more than ₹2,00,000


def test_it_refuses_an_officers_other_threshold_on_the_task_path(nightly, rtp, officer):
    with pytest.raises(DomainError):
        defaulter_lists_build_nightly_task.delay(as_of=TODAY.isoformat(), threshold="999999999.00",
                                                 division_codes=["RTP"], started_by_id=officer.pk, trigger="admin")

    assert rtp_today(rtp).consumer_count == 3


def test_it_hides_the_day_and_threshold_from_an_officer_in_the_admin(client, nightly, rtp, officer,
                                                                       django_capture_on_commit_callbacks):
    client.force_login(officer)
    page = client.get("/admin/defaulters/defaulterrun/build/")
    assert "threshold" not in page.context["form"].fields and "as_of" not in page.context["form"].fields
    assert "official threshold of ₹10,000.00" in page.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/admin/defaulters/defaulterrun/build/", {
            "as_of": (TODAY - timedelta(days=3)).isoformat(), "threshold": "999999999", "divisions": [rtp.pk]})

    assert response.status_code == 302
    run = DefaulterRun.objects.get(started_by=officer)
    assert (run.as_of, run.threshold) == (TODAY, Decimal("10000.00"))
    assert rtp_today(rtp).consumer_count == 3


def test_it_builds_another_threshold_from_the_admin_for_it(client, nightly, rtp, it_admin,
                                                           django_capture_on_commit_callbacks):
    client.force_login(it_admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/admin/defaulters/defaulterrun/build/", {
            "as_of": TODAY.isoformat(), "threshold": "50000.00", "divisions": [rtp.pk]})

    assert rtp_today(rtp).threshold == Decimal("50000.00")


def test_it_refuses_an_officer_the_rebuild_of_a_list_off_the_rule(client, nightly, rtp, it_admin, officer,
                                                                  django_capture_on_commit_callbacks):
    defaulter_list_build_division(division_id=rtp.pk, as_of=TODAY - timedelta(days=2), started_by=it_admin,
                                  trigger="admin")
    past = DefaulterList.objects.get(division=rtp, as_of=TODAY - timedelta(days=2))
    client.force_login(officer)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/admin/defaulters/defaulterlist/", {
            "action": "rebuild", "_selected_action": [past.pk, nightly.pk]}, follow=True)

    page = response.content.decode()
    assert f"Not rebuilt: RTP {past.as_of}. An officer rebuilds only today" in page and "Rebuilding 1 list(s)" in page
    assert list(DefaulterRun.objects.filter(started_by=officer).values_list("as_of", flat=True)) == [TODAY]


def test_it_shows_the_md_and_the_officer_the_nightly_list_as_the_latest(client, nightly, rtp, md, officer,
                                                                        it_admin):
    # An older day rebuilt by IT is history: the pages still open on today's nightly list.
    defaulter_list_build_division(division_id=rtp.pk, as_of=TODAY - timedelta(days=1), threshold="0.00",
                                  started_by=it_admin, trigger="admin")
    with pytest.raises(DomainError):
        defaulter_list_build_division(division_id=rtp.pk, as_of=TODAY, threshold="999999999.00",
                                      started_by=officer, trigger="admin")

    for user in (md, officer):
        latest = defaulter_list_latest(user, rtp)
        assert (latest.pk, latest.as_of, latest.threshold, latest.consumer_count) == (
            nightly.pk, TODAY, Decimal("10000.00"), 3)
        client.force_login(user)
        page = client.get("/defaulters/", {"division": "RTP"}).content.decode()
        assert "01000001" in page and "01000003" in page
