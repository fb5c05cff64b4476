"""The division officer's drive pages: plan, notices, letters, stop sheet, the day live, close,
overdue reconnections, disputes, and the defaulter list's marks of who paid or was cut since."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from core.dates import india_today
from core.models import Source
from defaulters.services import defaulter_list_build_division
from drives.models import Dispute, Drive, DriveStatus, Notice, ReconnectionOrder
from drives.notices import notice_record
from drives.services import drive_plan, stop_outcome_log
from tests.defaulters.defaulter_data import owe
from tests.factories import add_entry, make_consumer, make_user


def defaulter(division, account_no: str, amount: str, *, address: str, days_overdue: int = 60, **fields):
    consumer = make_consumer(division, account_no=account_no, address=address, name=f"Consumer {account_no}",
                             **fields)
    owe(consumer, amount, days_overdue=days_overdue)
    consumer.refresh_from_db()
    return consumer


@pytest.fixture
def scene(rtp, hsp, officer, clerk):
    """RTP: two defaulters in two localities (one owing since three years ago), a protected hospital; HSP: one."""
    clerk2 = make_user("clerk2_rtp", "clerk", rtp)
    shyam = defaulter(rtp, "01000001", "200000.00", address="7 Lal Bangla, Kanpur", days_overdue=60)
    owe(shyam, "30000.00", days_overdue=3 * 365)  # first due over two years ago: s. 56(2)
    geeta = defaulter(rtp, "01000002", "40000.00", address="22 Juhi Kalan, Kanpur")
    defaulter(rtp, "01000003", "90000.00", address="Swaroop Nagar, Kanpur", is_protected=True)
    defaulter(hsp, "02000001", "60000.00", address="Hanspuram, Kanpur")
    for division in (rtp, hsp):
        defaulter_list_build_division(division_id=division.pk, as_of=india_today(), trigger="command")
    shyam.refresh_from_db()
    return {"shyam": shyam, "geeta": geeta, "clerks": [clerk, clerk2]}


def planned(officer, scene, *, days_ahead: int = 0) -> Drive:
    return drive_plan(user=officer, division=officer.division, date=india_today() + timedelta(days=days_ahead),
                      name="Ratanpur morning", min_arrears=Decimal("0"), max_stops=50, clerks=scene["clerks"],
                      source=Source.WEB)


def served_long_ago(officer, consumer):
    return notice_record(user=officer, account_no=consumer.account_no, served_on=india_today() - timedelta(30),
                         mode="hand", amount_demanded=consumer.arrears, source=Source.WEB,
                         reason="entered from the signed acknowledgement", proof_ref=f"ACK-{consumer.account_no}")


def plan_form(scene, **fields):
    return {"date": india_today().isoformat(), "name": "Ratanpur morning", "min_arrears": "0", "locality": "",
            "max_stops": "50", "clerks": [c.pk for c in scene["clerks"]], **fields}


def test_it_previews_the_stops_then_creates_the_drive(client, officer, scene):
    client.force_login(officer)

    preview = client.post("/drives/plan/", {**plan_form(scene), "preview": "1"})

    page = preview.content.decode()
    assert preview.status_code == 200
    assert "01000001" in page and "01000002" in page and "01000003" not in page  # never the protected hospital
    assert "Lal Bangla" in page and "Juhi Kalan" in page and "Clerk2" in page
    assert not Drive.objects.exists()

    created = client.post("/drives/plan/", {**plan_form(scene), "create": "1"})

    drive = Drive.objects.get()
    assert created.status_code == 302 and created["Location"] == f"/drives/{drive.pk}/"
    assert drive.stops.count() == 2 and drive.officer == officer
    assert "planned with 2 stops" in client.get(created["Location"]).content.decode()


def test_the_plan_form_proposes_tomorrow_asks_for_a_name_and_groups_the_clerks_under_their_label(client, officer,
                                                                                                  scene):
    client.force_login(officer)

    page = client.get("/drives/plan/").content.decode()

    tomorrow = (india_today() + timedelta(1)).isoformat()
    assert re.search(rf'<input type="date" name="date" value="{tomorrow}"', page)
    assert re.search(r'<input type="text" name="name"[^>]* required', page)
    assert re.search(r'name="preview" value="1" formnovalidate', page)  # a preview needs no name
    legend = page.index("<legend>Clerks</legend>")
    assert page.index("<fieldset", legend - 200) < legend < page.index('name="clerks"')


def test_planning_says_how_many_stops_have_no_valid_notice(client, officer, scene):
    served_long_ago(officer, scene["shyam"])
    client.force_login(officer)

    preview = client.post("/drives/plan/", {**plan_form(scene), "preview": "1"}).content.decode()
    created = client.post("/drives/plan/", {**plan_form(scene), "create": "1"}, follow=True).content.decode()

    day = india_today().strftime("%d-%m-%Y")
    assert 'data-unnoticed="1"' in preview and f"1 of them has no valid notice for {day}" in preview
    assert "planned with 2 stops" in created and f"1 stop has no valid notice for {day}" in created


def test_a_drive_of_a_later_day_starts_today_only_once_confirmed(client, officer, scene):
    drive = planned(officer, scene, days_ahead=1)
    client.force_login(officer)

    asked = client.post(f"/drives/{drive.pk}/start/", follow=True)
    drive.refresh_from_db()
    assert drive.status == DriveStatus.PLANNED
    page = asked.content.decode()
    tomorrow = (india_today() + timedelta(1)).strftime("%d-%m-%Y")
    assert f"This drive is planned for {tomorrow}. Start it today anyway?" in page
    assert 'name="early" value="1"' in page

    client.post(f"/drives/{drive.pk}/start/", {"early": "1"})
    drive.refresh_from_db()
    assert drive.status == DriveStatus.IN_PROGRESS


def test_it_narrows_the_preview_to_a_locality_and_answers_400_on_a_bad_form(client, officer, scene):
    client.force_login(officer)

    preview = client.post("/drives/plan/", {**plan_form(scene, locality="juhi"), "preview": "1"}).content.decode()
    nameless = client.post("/drives/plan/", {**plan_form(scene, name=""), "create": "1"})
    past = client.post("/drives/plan/", {**plan_form(scene, date=(india_today() - timedelta(1)).isoformat()),
                                         "create": "1"})

    assert "01000002" in preview and "01000001" not in preview
    assert nameless.status_code == 400 and past.status_code == 400
    assert not Drive.objects.exists()


def test_it_lists_stops_without_a_valid_notice_and_records_notices_in_bulk(client, officer, scene, settings):
    settings.DRIVE_AHEAD_DAYS = 20  # a drive far enough ahead that a notice served today covers it
    drive = planned(officer, scene, days_ahead=20)
    client.force_login(officer)
    assert "01000001" in client.get(f"/drives/{drive.pk}/notices/").content.decode()

    response = client.post(f"/drives/{drive.pk}/notices/", {"account_nos": ["01000001", "01000002"],
                                                            "served_on": india_today().isoformat(), "mode": "hand"})

    assert response.status_code == 302
    notices = Notice.objects.order_by("consumer__account_no")
    assert [n.consumer.account_no for n in notices] == ["01000001", "01000002"]
    assert notices[0].amount_demanded == scene["shyam"].arrears and notices[0].recorded_by == officer
    # Served today, the notices make the cut lawful 16 days on: the drive's day, 20 days on, is covered.
    page = client.get(response["Location"]).content.decode()
    today, lawful = india_today(), india_today() + timedelta(16)
    assert f"2 notices recorded, served on {today:%d-%m-%Y}: the connections may be cut from {lawful:%d-%m-%Y}" in page
    assert "Every stop of this drive has a notice served." in page
    valid = page[page.index('id="valid"'):]
    assert f'data-served-on="{today.isoformat()}"' in valid and f'data-lawful-from="{lawful.isoformat()}"' in valid


def section(page: str, name: str) -> str:
    start = page.index(f'<section class="card" id="{name}">')
    return page[start:page.index("</section>", start)]


def test_it_shows_notices_served_and_waiting_out_the_fifteen_days_apart_with_their_cut_from_day(client, officer,
                                                                                               scene):
    drive = planned(officer, scene, days_ahead=1)
    client.force_login(officer)

    response = client.post(f"/drives/{drive.pk}/notices/", {"account_nos": ["01000001"],
                                                            "served_on": india_today().isoformat(), "mode": "hand"})

    page = client.get(response["Location"]).content.decode()
    served, lawful = india_today(), india_today() + timedelta(16)
    waiting, needed = section(page, "waiting"), section(page, "needed")
    assert "01000001" in waiting and "01000001" not in needed  # not offered for a second notice
    assert f">{served:%d-%m-%Y}<" in waiting and f"{lawful:%d-%m-%Y}" in waiting
    assert 'value="01000002"' in needed and 'data-select-all="account_nos"' in needed
    assert "select_all.js" in page


def test_it_offers_a_new_notice_when_the_last_one_was_paid(client, officer, scene):
    drive = planned(officer, scene)
    notice = served_long_ago(officer, scene["geeta"])
    add_entry(scene["geeta"], "PAYMENT", str(notice.amount_demanded), india_today())  # the sum it demanded
    client.force_login(officer)

    needed = section(client.get(f"/drives/{drive.pk}/notices/").content.decode(), "needed")

    assert 'value="01000002"' in needed and "paid its demand" in needed


def test_it_refuses_a_bulk_notice_without_consumers_or_served_in_the_future(client, officer, scene):
    drive = planned(officer, scene)
    client.force_login(officer)

    nobody = client.post(f"/drives/{drive.pk}/notices/", {"served_on": india_today().isoformat(), "mode": "hand"})
    future = client.post(f"/drives/{drive.pk}/notices/", {
        "account_nos": ["01000001"], "served_on": (india_today() + timedelta(3)).isoformat(), "mode": "hand"})

    assert nobody.status_code == 400 and future.status_code == 400
    assert not Notice.objects.exists()


def test_it_prints_notice_letters_with_the_lawful_date_and_section_56_in_both_languages(client, officer, scene):
    drive = planned(officer, scene)
    client.force_login(officer)

    response = client.get(f"/drives/{drive.pk}/letters/?served_on=2026-03-01")

    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('class="notice-letter"') == 2  # one page per consumer
    assert "17-03-2026" in page  # served 1 March: fifteen clear days, lawful from 17 March
    assert "not less than fifteen clear days' notice in writing" in page
    assert "कम से कम पंद्रह स्पष्ट दिनों" in page  # the same wording in Hindi
    assert "Section 56(2)" in page and "धारा 56(2)" in page  # Shyam owes a part first due three years ago
    assert "₹2,30,000.00" in page


def test_it_prints_each_clerks_stop_sheet_in_order(client, officer, clerk, scene):
    drive = planned(officer, scene)
    client.force_login(officer)

    page = client.get(f"/drives/{drive.pk}/sheet/").content.decode()

    assert page.count('class="card stop-sheet"') == 2  # one sheet per clerk, each on its own page
    assert "Receipt no." in page and "Consumer 01000001" in page and "Consumer 01000002" in page


def test_it_shows_the_day_live_after_some_outcomes(client, officer, scene):
    drive = planned(officer, scene)
    served_long_ago(officer, scene["shyam"])
    stops = {s.consumer.account_no: s for s in drive.stops.select_related("clerk", "consumer")}
    shyams = stops["01000001"]
    stop_outcome_log(user=shyams.clerk, stop=shyams, outcome="disconnected", method="fuse_pulled", source=Source.WEB)
    geetas = stops["01000002"]
    stop_outcome_log(user=geetas.clerk, stop=geetas, outcome="premises_locked", source=Source.WEB)
    client.force_login(officer)

    page = client.get(f"/drives/{drive.pk}/").content.decode()
    live = client.get(f"/drives/{drive.pk}/progress.json").json()

    assert '<dd data-disconnections>1</dd>' in page and '<dd data-left>0</dd>' in page
    assert re.search(r'<tr data-outcome="premises_locked"><td[^>]*>premises locked</td><td[^>]*class="num">1<', page)
    assert live["status"] == "in_progress" and '<dd data-disconnections>1</dd>' in live["html"]
    assert "drive_progress.js" in page


def test_it_starts_and_closes_the_drive(client, officer, scene):
    drive = planned(officer, scene)
    client.force_login(officer)

    client.post(f"/drives/{drive.pk}/start/")
    drive.refresh_from_db()
    assert drive.status == DriveStatus.IN_PROGRESS
    response = client.post(f"/drives/{drive.pk}/close/")
    drive.refresh_from_db()

    assert response.status_code == 302 and drive.status == DriveStatus.CLOSED
    again = client.post(f"/drives/{drive.pk}/close/", follow=True).content.decode()
    assert "The drive is closed." in again and 'data-url="/drives/' not in again  # no more polling


def test_it_lists_overdue_reconnections_and_approves_one_below_the_minimum(client, officer, scene):
    drive = planned(officer, scene)
    served_long_ago(officer, scene["shyam"])
    stop = drive.stops.get(consumer=scene["shyam"])
    stop_outcome_log(user=officer, stop=stop, outcome="disconnected", method="cable_removed", source=Source.WEB)
    client.force_login(officer)

    refused = client.post("/reconnections/approve/", {"account_no": "01000001", "reason": ""})
    response = client.post("/reconnections/approve/", {"account_no": "01000001",
                                                       "reason": "Widow's pension delayed; pays the rest on 1st"})

    assert refused.status_code == 400
    order = ReconnectionOrder.objects.get()
    assert response.status_code == 302 and order.approved_by == officer
    assert "No reconnection is overdue." in client.get("/reconnections/overdue/", follow=True).content.decode()
    ReconnectionOrder.objects.filter(pk=order.pk).update(due_at=timezone.now() - timedelta(hours=2))
    page = client.get("/reconnections/").content.decode()
    overdue = section(page, "overdue")
    assert '<a href="/consumers/01000001/">' in overdue and "Widow&#x27;s pension delayed" in overdue


def test_it_records_a_dispute_with_its_deposit_and_resolves_it(client, officer, scene):
    add_entry(scene["geeta"], "PAYMENT", "10000.00", india_today(), reference="DEP-1")  # paid at the counter
    client.force_login(officer)

    bad = client.post("/disputes/", {"account_no": "01000002", "raised_on": india_today().isoformat(),
                                     "amount_disputed": "-5", "deposit_amount": "0"})
    response = client.post("/disputes/", {"account_no": "01000002", "raised_on": india_today().isoformat(),
                                          "amount_disputed": "10000.00", "deposit_amount": "10000.00",
                                          "deposit_receipt_no": "DEP-1", "notes": "Meter read wrong"})

    assert bad.status_code == 400
    dispute = Dispute.objects.get()
    assert response.status_code == 302 and dispute.deposit_amount == Decimal("10000.00")
    assert "pending: no disconnection" in client.get("/disputes/").content.decode()
    unresolved = client.post(f"/disputes/{dispute.pk}/resolve/", {"resolved_on": india_today().isoformat(),
                                                                  "resolution": ""})
    assert unresolved.status_code == 400
    client.post(f"/disputes/{dispute.pk}/resolve/", {"resolved_on": india_today().isoformat(),
                                                     "resolution": "Meter tested: bill stands"})
    dispute.refresh_from_db()
    assert dispute.status == "resolved" and dispute.resolved_by == officer


def test_it_marks_on_the_defaulter_list_who_has_paid_or_been_cut_since(client, officer, scene):
    drive = planned(officer, scene)
    served_long_ago(officer, scene["shyam"])
    stop_outcome_log(user=officer, stop=drive.stops.get(consumer=scene["shyam"]), outcome="disconnected",
                     method="meter_removed", source=Source.WEB)
    add_entry(scene["geeta"], "PAYMENT", "40000.00", india_today())
    client.force_login(officer)

    page = client.get("/defaulters/").content.decode()

    rows = {account: page[page.index(account):page.index("</tr>", page.index(account))]
            for account in ("01000001", "01000002", "01000003")}
    assert "cut since" in rows["01000001"] and "paid since" not in rows["01000001"]
    assert "paid since" in rows["01000002"] and "cut since" not in rows["01000002"]
    assert "since" not in rows["01000003"]


OFFICER_PAGES = ["/drives/", "/drives/plan/", "/drives/{pk}/", "/drives/{pk}/progress.json", "/drives/{pk}/notices/",
                 "/drives/{pk}/letters/", "/drives/{pk}/sheet/", "/reconnections/", "/reconnections/overdue/",
                 "/disputes/"]


def test_it_refuses_a_clerk_every_officer_page(client, officer, clerk, scene):
    drive = planned(officer, scene)
    client.force_login(clerk)

    for url in OFFICER_PAGES:
        assert client.get(url.format(pk=drive.pk)).status_code == 403, url
    assert client.post(f"/drives/{drive.pk}/close/").status_code == 403
    assert client.post("/drives/plan/", {**plan_form(scene), "create": "1"}).status_code == 403
    assert client.get("/reconnections/approve/").status_code == 403
    assert not Drive.objects.exclude(pk=drive.pk).exists()


def test_it_keeps_another_divisions_drive_out_of_reach(client, officer, other_officer, scene):
    drive = planned(officer, scene)
    client.force_login(other_officer)

    for url in OFFICER_PAGES[2:7]:
        assert client.get(url.format(pk=drive.pk)).status_code == 404, url
    assert client.post(f"/drives/{drive.pk}/close/").status_code == 404
    drive.refresh_from_db()
    assert drive.status == DriveStatus.PLANNED


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_it_answers_a_form_error_for_a_day_out_of_range_on_every_officer_form(client, officer, scene, day):
    """Year 9999 or 1: a clear form error (400), never a date whose arithmetic overflows in a service (a 500)."""
    drive = planned(officer, scene)
    client.force_login(officer)

    answers = [
        client.post("/drives/plan/", {**plan_form(scene), "date": day, "create": "1"}),
        client.post(f"/drives/{drive.pk}/notices/", {"account_nos": ["01000001"], "served_on": day, "mode": "hand"}),
        client.post("/disputes/", {"account_no": "01000002", "raised_on": day, "amount_disputed": "100.00",
                                   "deposit_amount": "0"}),
    ]

    assert [a.status_code for a in answers] == [400, 400, 400]
    assert "01-01-1900" in answers[0].content.decode()
    assert not Notice.objects.exists() and not Dispute.objects.exists()
