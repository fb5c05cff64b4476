"""While a plan is kept, no cut (issue 22): a consumer in OTS, on a plan or with a promise to pay not yet past its
day is left off the drives and a cut is refused with 409 settlement_current; a registration defaulted by the nightly
task, or a promise whose day has passed, holds no longer."""

from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from rest_framework.test import APIClient

from core.dates import india_today
from core.errors import DomainError
from core.models import Source
from drives.models import Disconnection, Drive, Stop, StopStatus
from drives.services import disconnection_record, drive_close, drive_plan_preview, stop_outcome_log
from payments.services import payment_record
from settlements.models import SettlementStatus
from settlements.services import plan_grant, promise_record, settlement_register, settlements_default_missed
from tests.conftest import INDIA
from tests.drives.drive_data import build_list, defaulter, plan, served
from tests.settlements.scheme_data import open_scheme, owing

pytestmark = pytest.mark.django_db


@pytest.fixture
def scheme(db):
    return open_scheme()


@pytest.fixture
def payer(rtp, officer, scheme):
    """Rekha Verma: principal ₹50,000 and surcharge ₹2,000 before the scheme's cut-off, a notice served a month ago
    (a cut would be lawful), ₹15,000 paid as the deposit of 4 instalments: still ₹37,000 in arrears, a defaulter."""
    consumer = owing(rtp, principal="50000.00", surcharge="2000.00", before=scheme.dues_cutoff, name="Rekha Verma",
                     address="4 Juhi Kalan, Kanpur")
    served(officer, consumer, amount=Decimal("50000.00"))  # the bill's arrears on the day of service
    payment_record(user=officer, account_no=consumer.account_no, amount=Decimal("15000.00"), mode="cash",
                   receipt_no="RTP-DEP-7", source=Source.WEB)
    consumer.refresh_from_db()
    assert consumer.arrears > settings.DEFAULTER_THRESHOLD
    return consumer


@pytest.fixture
def other(rtp, officer):
    """Another defaulter of the division, so a drive always has a stop."""
    consumer = defaulter(rtp, "30000.00", name="Mohan Lal")
    served(officer, consumer)
    return consumer


def register(clerk, payer, scheme):
    return settlement_register(user=clerk, account_no=payer.account_no, scheme=scheme, plan="instalments",
                               deposit_receipt_no="RTP-DEP-7")


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def api_cut(user, stop):
    return api_for(user).post(f"/api/v1/drives/{stop.drive_id}/stops/{stop.pk}/outcome/",
                              {"outcome": "disconnected", "method": "fuse_pulled"}, format="json")


def noon(day) -> datetime:
    return datetime.combine(day, time(12, 0), tzinfo=INDIA)


def test_a_consumer_paying_instalments_is_never_on_a_stop_list(rtp, officer, clerk, payer, other, scheme):
    register(clerk, payer, scheme)
    build_list(rtp)

    preview = drive_plan_preview(user=officer, division=rtp, date=india_today(), min_arrears=Decimal("0"),
                                 max_stops=100, clerks=[clerk])
    drive = plan(officer, rtp, [clerk])

    assert [s["consumer_id"] for s in preview] == [other.pk]
    assert preview.kept_off == {"ots": 1, "plan": 0, "promise": 0}
    assert list(drive.stops.values_list("consumer_id", flat=True)) == [other.pk]
    assert drive.kept_off == {"ots": 1, "plan": 0, "promise": 0}


def test_the_api_says_how_many_were_kept_off_and_the_planning_page_too(rtp, officer, clerk, payer, other):
    plan_grant(user=officer, account_no=payer.account_no, instalments=6, reason="job lost; pays monthly")
    promised = defaulter(rtp, "20000.00", name="Sita Ram")
    promise_record(user=officer, account_no=promised.account_no, amount=Decimal("20000.00"),
                   due_on=india_today() + timedelta(days=5), reason="salary on the 10th")
    build_list(rtp)

    answer = api_for(officer).post("/api/v1/drives/", {
        "division": "RTP", "date": str(india_today()), "name": "Juhi Kalan", "min_arrears": "0.00",
        "clerks": [clerk.username], "max_stops": 50}, format="json")
    assert answer.status_code == 201, answer.content
    assert answer.json()["kept_off"] == {"ots": 0, "plan": 1, "promise": 1}
    assert [s["account_no"] for s in answer.json()["stops"]] == [other.account_no]

    Drive.objects.get().stops.update(status=StopStatus.UNVISITED)  # free them for the page's preview
    client = Client()
    client.force_login(officer)
    page = client.post("/drives/plan/", {"division": "RTP", "date": str(india_today()), "min_arrears": "0",
                                         "max_stops": "50", "clerks": [clerk.pk], "name": "",
                                         "preview": "1"}).content.decode()
    assert "2 kept off for a settlement: 0 in OTS / 1 on a plan / 1 promised to pay." in page


@pytest.fixture
def payer_stop(rtp, officer, clerk, payer, other):
    """Rekha on today's drive, planned before she registered."""
    build_list(rtp)
    return Stop.objects.get(drive=plan(officer, rtp, [clerk]), consumer=payer)


def test_a_cut_of_a_registered_consumer_is_refused_through_the_api(clerk, officer, payer, payer_stop, scheme):
    settlement = register(clerk, payer, scheme)

    answer = api_cut(clerk, payer_stop)

    assert answer.status_code == 409
    assert answer.json()["code"] == "settlement_current"
    assert f"In OTS ({settlement.reference})" in answer.json()["detail"]
    payer_stop.refresh_from_db()
    payer.refresh_from_db()
    assert (payer_stop.status, payer.status) == (StopStatus.OPEN, "connected")
    assert not Disconnection.objects.exists()
    # Outside a drive too: the officer's cut is the same rule.
    with pytest.raises(DomainError) as refusal:
        disconnection_record(user=officer, account_no=payer.account_no, method="remote", source=Source.WEB)
    assert refusal.value.code == "settlement_current"


def test_the_stop_page_says_do_not_cut_instead_of_the_cut_buttons(clerk, payer, payer_stop, scheme):
    settlement = register(clerk, payer, scheme)
    client = Client()
    client.force_login(clerk)

    page = client.get(f"/field/stops/{payer_stop.pk}/").content.decode()
    day = client.get("/field/").content.decode()

    assert f"In OTS ({settlement.reference}): do not cut" in page
    assert 'value="disconnected:' not in page and 'class="cut-confirm"' not in page
    assert "In OTS</span> do not cut" in day
    # A form sent anyway (a page cached before the registration): refused, the reason shown, nothing cut.
    answer = client.post(f"/field/stops/{payer_stop.pk}/outcome/", {"outcome": "disconnected:fuse_pulled"},
                         follow=True)
    assert f"In OTS ({settlement.reference})" in answer.content.decode()
    payer.refresh_from_db()
    assert payer.status == "connected" and not Disconnection.objects.exists()


def test_after_a_missed_instalment_defaults_it_the_consumer_is_back_on_the_lists_and_may_be_cut(
        rtp, officer, clerk, payer, payer_stop, scheme):
    settlement = register(clerk, payer, scheme)
    first = settlement.instalments.get(number=1)
    drive_close(user=officer, drive=payer_stop.drive, source=Source.WEB)

    result = settlements_default_missed(
        today=first.due_on + timedelta(days=settings.SETTLEMENT_GRACE_DAYS + 1))

    settlement.refresh_from_db()
    assert result["defaulted"] == 1 and settlement.status == SettlementStatus.DEFAULTED
    build_list(rtp)
    drive = plan(officer, rtp, [clerk], name="Again")
    assert drive.kept_off == {"ots": 0, "plan": 0, "promise": 0}
    stop = drive.stops.get(consumer=payer)
    assert api_cut(clerk, stop).status_code == 200
    payer.refresh_from_db()
    assert payer.status == "disconnected"


def test_a_promise_holds_the_cut_until_its_day_and_not_after(rtp, officer, clerk, payer, payer_stop):
    due = india_today() + timedelta(days=2)
    promise_record(user=officer, account_no=payer.account_no, amount=Decimal("5000.00"), due_on=due,
                   reason="pension on the 2nd")

    with time_machine.travel(noon(due), tick=True):
        with pytest.raises(DomainError) as refusal:
            stop_outcome_log(user=clerk, stop=payer_stop, outcome="disconnected", method="fuse_pulled",
                             source=Source.WEB)
        assert refusal.value.code == "settlement_current"
        assert "Promised to pay by" in str(refusal.value)

    with time_machine.travel(noon(due + timedelta(days=1)), tick=True):
        # The day has passed unpaid: the promise holds no more, even before the night's task marks it broken.
        stop_outcome_log(user=clerk, stop=payer_stop, outcome="disconnected", method="fuse_pulled",
                         source=Source.WEB)
    payer.refresh_from_db()
    assert payer.status == "disconnected"
