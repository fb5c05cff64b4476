"""The defaulter list pages: scoping, filters, CSV and XLSX exports, the field sheet, the dashboard."""

import csv
import io
from datetime import timedelta
from unittest import mock

import pytest
from django.utils import translation
from openpyxl import load_workbook

from arrears.models import Consumer
from core.dates import india_today
from defaulters.models import DefaulterList, DefaulterRun
from tests.defaulters.defaulter_data import defaulter_scene
from tests.factories import add_entry


@pytest.fixture
def lists(rtp, hsp):
    return defaulter_scene(rtp, hsp)


def accounts_on(response):
    return [a for a in ["01000001", "01000002", "01000003", "01000004", "02000001"] if a in response.content.decode()]


def test_it_shows_the_officer_the_divisions_latest_list(client, officer, lists):
    client.force_login(officer)

    response = client.get("/defaulters/")

    assert response.status_code == 200
    assert accounts_on(response) == ["01000001", "01000002", "01000003"]
    page = response.content.decode()
    assert "₹2,50,000.00" in page and "protected" in page


def test_it_keeps_another_divisions_list_out_of_reach(client, officer, lists):
    client.force_login(officer)
    other = lists[1].pk

    for url in [f"/defaulters/{other}/", f"/defaulters/{other}/print/", f"/defaulters/{other}/defaulters.csv",
                f"/defaulters/{other}/defaulters.xlsx", "/defaulters/?division=HSP"]:
        assert client.get(url).status_code == 404, url


def test_it_lets_hq_choose_the_division(client, md, lists):
    client.force_login(md)

    response = client.get("/defaulters/?division=HSP")

    assert accounts_on(response) == ["02000001"]
    assert 'value="RTP"' in response.content.decode()


def test_it_sends_anonymous_visitors_to_log_in(client, lists):
    assert client.get("/defaulters/").status_code == 302
    assert client.get(f"/defaulters/{lists[0].pk}/defaulters.csv").status_code == 302


@pytest.mark.parametrize(("query", "expected"), [
    ("min_arrears=20000", ["01000001", "01000002"]),
    ("max_arrears=40000", ["01000002", "01000003"]),
    ("bucket=91-180", ["01000003"]),
    ("bucket=1-2y", ["01000001"]),
    ("q=lal+bangla", ["01000001"]),
    ("q=kanpur&min_arrears=100000", ["01000001"]),
])
def test_it_filters_by_amount_age_and_locality(client, officer, lists, query, expected):
    client.force_login(officer)

    assert accounts_on(client.get(f"/defaulters/?{query}")) == expected


def test_it_sorts_when_asked(client, officer, lists):
    client.force_login(officer)

    page = client.get("/defaulters/?sort=arrears").content.decode()

    assert page.index("01000003") < page.index("01000002") < page.index("01000001")


HEADER = ["Rank", "Account no.", "Name", "Address", "Arrears on the list", "Arrears now", "Oldest unpaid due",
          "Days overdue", "Age", "Accountable", "Protected", "Settlement"]


def test_it_exports_the_filtered_list_as_csv(client, officer, lists):
    add_entry(Consumer.objects.get(account_no="01000002"), "PAYMENT", "5000.00", india_today())
    client.force_login(officer)

    response = client.get(f"/defaulters/{lists[0].pk}/defaulters.csv?min_arrears=15000")

    assert response["Content-Type"].startswith("text/csv")
    assert f"defaulters-RTP-{lists[0].as_of.isoformat()}.csv" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0] == HEADER  # the list page's headings, not field names
    assert [r[1] for r in rows[1:]] == ["01000001", "01000002", "01000003"]
    assert (rows[2][4], rows[2][5]) == ("40000.00", "35000.00")  # on the list, and now after a payment
    assert (rows[3][4], rows[3][10]) == ("15000.50", "Yes")
    assert rows[1][10] == "No"
    assert (rows[1][7], rows[1][8], rows[1][9]) == ("400", "1–2 years", "executive engineer")


def test_it_exports_the_list_as_xlsx(client, officer, lists):
    client.force_login(officer)

    response = client.get(f"/defaulters/{lists[0].pk}/defaulters.xlsx?bucket=0-90")

    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADER  # the same headings as the CSV
    assert len(rows) == 2
    rank, account_no, name, _address, arrears, now, oldest, days, bucket, band, protected, _settlement = rows[1]
    assert (rank, account_no, name, float(arrears), float(now), days, bucket, band, protected) == (
        2, "01000002", "Geeta Devi", 40000.0, 40000.0, 60, "0–90 days", "SDO", "No")
    assert oldest.date() == india_today() - timedelta(days=60)


def test_it_heads_the_exports_in_the_users_language(client, officer, lists):
    client.force_login(officer)
    client.post("/i18n/setlang/", {"language": "hi", "next": "/"})
    with translation.override("hi"):
        header = [translation.gettext(heading) for heading in HEADER]
        yes, no = translation.gettext("Yes"), translation.gettext("No")
    assert header != HEADER and yes != "Yes"

    response = client.get(f"/defaulters/{lists[0].pk}/defaulters.csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    workbook = client.get(f"/defaulters/{lists[0].pk}/defaulters.xlsx")
    sheet_rows = list(load_workbook(io.BytesIO(workbook.content)).active.iter_rows(values_only=True))

    assert rows[0] == list(sheet_rows[0]) == header
    assert [row[10] for row in rows[1:]] == [cells[10] for cells in sheet_rows[1:]] == [no, no, yes]


def test_it_shows_the_arrears_now_beside_the_arrears_on_the_list(client, officer, lists):
    add_entry(Consumer.objects.get(account_no="01000002"), "PAYMENT", "35000.00", india_today())
    client.force_login(officer)

    page = client.get("/defaulters/").content.decode()

    assert "Arrears on the list" in page and "Arrears now" in page
    row = page[page.index("01000002"):]
    row = row[:row.index("</tr>")]
    assert "₹40,000.00" in row and '<td data-label="Arrears now" class="num" data-arrears-now>₹5,000.00</td>' in row
    assert "paid since" in row


def test_it_prints_a_field_sheet_with_protected_consumers_marked(client, officer, lists):
    client.force_login(officer)

    response = client.get(f"/defaulters/{lists[0].pk}/print/")

    page = response.content.decode()
    assert response.status_code == 200
    assert accounts_on(response) == ["01000001", "01000002", "01000003"]
    assert "PROTECTED: do not disconnect" in page and "defaulters-print.css" in page


def test_it_says_when_the_division_has_no_list(client, officer, rtp):
    client.force_login(officer)

    assert "No defaulter list has been built" in client.get("/defaulters/").content.decode()


# --- the dashboard panel --------------------------------------------------------------

def test_it_shows_the_officer_last_nights_list_on_the_dashboard(client, officer, lists):
    client.force_login(officer)

    page = client.get("/").content.decode()

    assert "Division dashboard" in page and "Nightly defaulter lists" in page
    assert f"/defaulters/{lists[0].pk}/" in page
    assert "older than a day" not in page and "need attention" not in page and "needs attention" not in page


def test_it_warns_when_the_latest_list_is_older_than_a_day(client, officer, lists):
    DefaulterList.objects.filter(pk=lists[0].pk).update(as_of=india_today() - timedelta(days=2))
    client.force_login(officer)

    page = client.get("/").content.decode()

    assert "older than a day" in page and "1 division needs attention" in page


def test_it_does_not_warn_about_yesterdays_list_before_the_nightly_run(client, officer, lists):
    DefaulterList.objects.filter(pk=lists[0].pk).update(as_of=india_today() - timedelta(days=1))
    client.force_login(officer)

    assert "older than a day" not in client.get("/").content.decode()


def test_it_warns_hq_when_a_divisions_last_run_failed(client, md, lists, hsp):
    from defaulters import services as service

    with mock.patch.object(service, "_entries_insert", side_effect=RuntimeError("disk full")), \
            pytest.raises(RuntimeError):
        service.defaulter_list_build_division(division_id=hsp.pk, trigger="command")
    client.force_login(md)

    page = client.get("/").content.decode()

    assert "Division summary" in page and "failed" in page and "1 division needs attention" in page
    assert DefaulterRun.objects.filter(division=hsp, status="failed").exists()


def test_it_warns_when_a_run_was_killed_and_never_finished(client, officer, lists, rtp, settings):
    from django.utils import timezone

    killed = DefaulterRun.objects.create(division=rtp, as_of=india_today(), threshold="10000.00", trigger="beat")
    client.force_login(officer)
    assert "needs attention" not in client.get("/").content.decode()  # still within its time limit

    long_ago = timezone.now() - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)
    DefaulterRun.objects.exclude(pk=killed.pk).update(started_at=long_ago - timedelta(hours=1))
    DefaulterRun.objects.filter(pk=killed.pk).update(started_at=long_ago)

    assert "1 division needs attention" in client.get("/").content.decode()


def test_it_shows_no_list_panel_to_a_clerk(client, clerk, lists):
    client.force_login(clerk)

    page = client.get("/").content.decode()

    assert "Today&#x27;s work" in page or "Today's work" in page
    assert "Nightly defaulter lists" not in page
