"""The read replica (core.replica): the MD's summary, the division page and the exports read through the replica's
own connection and give the figures the primary gives; a payment never touches it.

The replica is a second alias on the same server (DATABASE_REPLICA_URL, .ci/run), in tests a mirror of the test
database read through a connection of its own. Like a real replica it sees only what is committed: the scene is
committed (transactional_db), and a write not yet committed stands for one not yet replicated.
"""

import csv
import io
import re
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.conf import settings as django_settings
from django.db import connections, router, transaction
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from core.dates import india_today
from core.replica import reads_alias, replica_reads
from defaulters.models import DefaulterList
from payments.models import Payment
from payments.services import payment_record
from tests.drives.drive_data import build_list, defaulter
from tests.factories import make_division, make_user

# Without the alias the tests skip, or fail under KESCO_REQUIRE_SERVICES (tests/conftest.py), rather than error here.
DATABASES = ["default", "replica"] if "replica" in django_settings.DATABASES else ["default"]
pytestmark = [pytest.mark.needs_postgres, pytest.mark.needs_replica,
              pytest.mark.django_db(transaction=True, databases=DATABASES)]

# The tables a report reads its figures from: the lists, the day books, the ledger's days, the settlements.
REPORT_TABLES = {"arrears_defaulterlist", "arrears_defaulterentry", "reports_eventday", "arrears_ledgerday",
                 "settlements_settlement"}
TABLE = re.compile(r'(?:FROM|JOIN)\s+"(\w+)"', re.IGNORECASE)
WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)


def tables(queries: list[str]) -> set[str]:
    return {table for sql in queries for table in TABLE.findall(sql)}


def sql(queries: CaptureQueriesContext) -> list[str]:
    """What a connection ran, copied now: the next request through the test client empties its log."""
    return [query["sql"] for query in queries.captured_queries]


@pytest.fixture
def scene(rtp, password):
    """Three defaulters of Ratanpur on today's list, one of whom paid ₹5,000 at the counter today."""
    md = make_user("md_replica", "md", password=password)
    clerk = make_user("clerk_replica", "clerk", rtp, password=password)
    consumers = [defaulter(rtp, f"{40000 + 1000 * i}.00", account_no=f"0{i}000001") for i in range(3)]
    build_list(rtp)
    payment_record(user=clerk, account_no=consumers[0].account_no, amount="5000.00", mode="cash", receipt_no="R-1")
    today = india_today().isoformat()
    return SimpleNamespace(md=md, clerk=clerk, consumers=consumers, list=DefaulterList.objects.get(division=rtp),
                           range=f"from={today}&to={today}")


def read(client, url: str) -> tuple[bytes, list[str], list[str]]:
    """The body of ``url`` (a streamed one read to its end) and the queries made on the primary and the replica."""
    with CaptureQueriesContext(connections["default"]) as primary, \
            CaptureQueriesContext(connections["replica"]) as replica:
        response = client.get(url)
        assert response.status_code == 200, url
        body = b"".join(response.streaming_content) if response.streaming else response.content
    return body, sql(primary), sql(replica)


def test_it_reads_the_summary_api_on_the_replica_with_the_primarys_figures(scene, api_client, settings):
    api_client.force_authenticate(scene.md)
    url = f"/api/v1/reports/summary/?{scene.range}"

    with CaptureQueriesContext(connections["default"]) as primary, \
            CaptureQueriesContext(connections["replica"]) as replica:
        on_replica = api_client.get(url).json()
    primary, replica = sql(primary), sql(replica)
    settings.DATABASE_REPLICA = ""  # the same question without a replica: all on the primary
    on_primary = api_client.get(url).json()

    assert on_replica == on_primary
    assert (on_replica["totals"]["defaulters"], on_replica["totals"]["collections"]) == (3, "5000.00")
    assert {"arrears_defaulterlist", "reports_eventday", "arrears_ledgerday"} <= tables(replica)
    assert not tables(primary) & REPORT_TABLES


@pytest.mark.parametrize("path", ["/reports/summary/", "/reports/divisions/RTP/", "/reports/defaulters/",
                                  "/reports/summary.csv", "/reports/summary.xlsx", "/reports/summary.pdf"])
def test_it_reads_the_md_pages_and_exports_on_the_replica(scene, client, path):
    client.force_login(scene.md)

    _body, primary, replica = read(client, f"{path}?{scene.range}")

    assert tables(replica) & REPORT_TABLES
    assert not tables(primary) & REPORT_TABLES, primary
    # Who is asking is read on the primary (the session, the user): never a report's figure.
    assert "django_session" in tables(primary)


def test_the_summary_exports_say_on_the_replica_what_they_say_on_the_primary(scene, client, settings):
    client.force_login(scene.md)
    csv_replica = read(client, f"/reports/summary.csv?{scene.range}")[0]
    xlsx_replica = read(client, f"/reports/summary.xlsx?{scene.range}")[0]
    settings.DATABASE_REPLICA = ""
    csv_primary, primary, replica = read(client, f"/reports/summary.csv?{scene.range}")
    xlsx_primary = read(client, f"/reports/summary.xlsx?{scene.range}")[0]

    assert replica == []  # no replica configured: nothing reads there
    assert csv_replica == csv_primary
    rows = list(csv.reader(io.StringIO(csv_replica.decode("utf-8-sig"))))
    assert rows[1][:3] == ["RTP", "Ratanpur", "3"]
    assert _cells(xlsx_replica) == _cells(xlsx_primary)


def _cells(content: bytes) -> list[tuple]:
    return list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))


def test_it_streams_a_defaulter_list_csv_from_the_replica(scene, client, settings):
    """The CSV is written after its view has returned: its rows are read on the replica all the same."""
    client.force_login(scene.md)
    url = f"/defaulters/{scene.list.pk}/defaulters.csv"

    body, primary, replica = read(client, url)
    settings.DATABASE_REPLICA = ""
    body_primary = read(client, url)[0]

    assert "arrears_defaulterentry" in tables(replica)
    assert not tables(primary) & REPORT_TABLES
    assert body == body_primary
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert [(row[1], row[5]) for row in rows[1:]] == [("02000001", "42000.00"), ("01000001", "41000.00"),
                                                      ("00000001", "35000.00")]  # the payment, read on the replica


def test_a_list_the_replica_has_not_received_yet_is_exported_from_the_primary(scene, client):
    """A division's first list, built and exported at once: until the replica has it, the export is read on the
    primary, not answered 404 (here the build is not committed yet, so the replica cannot see it)."""
    client.force_login(scene.md)
    with transaction.atomic():
        hsp = make_division("HSP", "Hanspuram")
        defaulter(hsp, "61000.00", account_no="07000001")
        build_list(hsp)
        new = DefaulterList.objects.get(division=hsp)
        assert not DefaulterList.objects.using("replica").filter(pk=new.pk).exists()

        body, _primary, _replica = read(client, f"/defaulters/{new.pk}/defaulters.xlsx")

    assert [row[1] for row in _cells(body)[1:]] == ["07000001"]


def test_a_payment_never_reads_or_writes_on_the_replica(scene, api_client):
    api_client.force_authenticate(scene.clerk)
    body = {"account_no": scene.consumers[1].account_no, "amount": "1000.00", "mode": "cash", "receipt_no": "R-2"}

    with CaptureQueriesContext(connections["replica"]) as replica:
        response = api_client.post("/api/v1/payments/", body, format="json")

    assert response.status_code == 201, response.content
    assert sql(replica) == []
    # Committed on the primary, the replica reads it next: the MD's collections include it.
    assert Payment.objects.using("replica").filter(receipt_no="R-2").exists()


def test_a_write_inside_a_report_still_goes_to_the_primary(scene):
    """Even inside replica_reads(), where reads go to the replica, every write is routed to the primary."""
    with replica_reads(), CaptureQueriesContext(connections["default"]) as primary, \
            CaptureQueriesContext(connections["replica"]) as replica:
        assert (reads_alias(), router.db_for_read(Payment), router.db_for_write(Payment)) == (
            "replica", "replica", "default")
        payment_record(user=scene.clerk, account_no=scene.consumers[2].account_no, amount="700.00", mode="cash",
                       receipt_no="R-3")

    assert not [query for query in sql(replica) if WRITE.match(query)]
    assert any(re.match(r'\s*INSERT INTO "arrears_payment"', query) for query in sql(primary))
    assert Payment.objects.get(receipt_no="R-3").amount == Decimal("700.00")


def test_without_a_replica_the_reports_read_on_the_primary(scene, settings):
    settings.DATABASE_REPLICA = ""
    with replica_reads():
        assert (reads_alias(), router.db_for_read(Payment)) == ("default", "default")
