"""The first load: on PostgreSQL a large ledger.csv into an empty ledger goes straight into
it with COPY. Whatever that path can't take falls back to the staging path, so the rows
written and the lines named are the same either way.

The threshold of a "large" file is lowered here, so that small files take the path.
"""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from arrears.ledger import positions_mismatches
from arrears.models import Consumer, LedgerEntry
from core.errors import ImportFailed
from imports.pipeline import first_load as first_load_path
from imports.pipeline import ledger_import
from imports.services import import_run
from tests.factories import add_entry, make_consumer

pytestmark = pytest.mark.needs_postgres

HEADER = "account_no,entry_date,kind,amount,reference,due_date\n"
LEDGER = (
    "00012345,2026-09-01,BILL,8000.00,B-1,2026-09-15\r\n"
    "00012345,2026-10-01,BILL,4000.00,B-2,2026-10-15\r\n"
    "00012345,2026-10-20,PAYMENT,1000.00,R-1,\r\n"
    "00012345,2026-10-25,ADJUSTMENT,-500.00,A-1,\r\n"
    "00012345,2026-10-26,SURCHARGE,120.50,S-1,\r\n"
    "00012347,2026-11-01,BILL,50000,B-3,2099-12-15\r\n"
    "00012347,2026-11-02,ADJUSTMENT,25.5,A-2,\r\n"
)


class FirstLoads:
    """How often the first-load write ran through (``done``) or was undone (``undone``)."""

    def __init__(self, write):
        self.write, self.done, self.undone = write, 0, 0

    def __call__(self, *args, **kwargs):
        try:
            result = self.write(*args, **kwargs)
        except Exception:
            self.undone += 1
            raise
        self.done += 1
        return result

    def clear(self):
        self.done = self.undone = 0


@pytest.fixture
def first_load(monkeypatch):
    monkeypatch.setattr("imports.pipeline.bulk._BULK_ROWS", 1)
    spy = FirstLoads(first_load_path._first_load_write)
    monkeypatch.setattr("imports.pipeline.first_load._first_load_write", spy)
    return spy


@pytest.fixture
def accounts(rtp, hsp):
    return make_consumer(rtp, account_no="00012345"), make_consumer(hsp, account_no="00012347")


def took_first_load(spy: FirstLoads) -> bool:
    return spy.done == 1


def write(tmp_path, body: str, header: str = HEADER) -> str:
    path = tmp_path / "ledger.csv"
    path.write_bytes((header + body).encode("utf-8"))
    return str(path)


def test_a_first_load_writes_each_entry_and_every_position(accounts, first_load, tmp_path, it_admin):
    result = ledger_import(file=write(tmp_path, LEDGER), user_id=it_admin.pk, source="import")

    assert took_first_load(first_load)
    assert (result.rows, result.created, result.unchanged) == (7, 7, 0)
    rows = {e.reference: (e.kind, e.amount, e.debit, e.credit, e.due_on, e.due_date)
            for e in LedgerEntry.objects.all()}
    assert rows == {
        "B-1": ("BILL", Decimal("8000.00"), Decimal("8000.00"), 0, date(2026, 9, 15), date(2026, 9, 15)),
        "B-2": ("BILL", Decimal("4000.00"), Decimal("4000.00"), 0, date(2026, 10, 15), date(2026, 10, 15)),
        "R-1": ("PAYMENT", Decimal("1000.00"), 0, Decimal("1000.00"), date(2026, 10, 20), None),
        "A-1": ("ADJUSTMENT", Decimal("-500.00"), 0, Decimal("500.00"), date(2026, 10, 25), None),
        "S-1": ("SURCHARGE", Decimal("120.50"), Decimal("120.50"), 0, date(2026, 10, 26), None),
        "B-3": ("BILL", Decimal("50000.00"), Decimal("50000.00"), 0, date(2099, 12, 15), date(2099, 12, 15)),
        "A-2": ("ADJUSTMENT", Decimal("25.50"), Decimal("25.50"), 0, date(2026, 11, 2), None),
    }
    entry = LedgerEntry.objects.get(reference="B-1")
    assert (entry.created_by_id, entry.source, entry.created_at is not None) == (it_admin.pk, "import", True)
    ram = Consumer.objects.get(account_no="00012345")
    assert (ram.balance, ram.arrears, ram.oldest_due_date) == (Decimal("10620.50"), Decimal("10620.50"),
                                                               date(2026, 9, 15))
    sunita = Consumer.objects.get(account_no="00012347")
    assert (sunita.balance, sunita.arrears) == (Decimal("50025.50"), Decimal("25.50"))
    assert positions_mismatches()[1] == 0


def test_after_a_first_load_the_keys_hold_and_a_reimport_changes_nothing(accounts, first_load, tmp_path):
    path = write(tmp_path, LEDGER)
    ledger_import(file=path)

    with pytest.raises(IntegrityError), transaction.atomic():  # the re-import key is back
        LedgerEntry.objects.create(consumer=accounts[0], entry_date="2026-10-21", kind="PAYMENT", amount=1,
                                   reference="R-1", source="import")
    later = add_entry(accounts[0], "PAYMENT", "10.00", date(2026, 11, 1))  # ids went on past the load's
    assert later.pk > max(LedgerEntry.objects.exclude(pk=later.pk).values_list("pk", flat=True))

    first_load.clear()
    again = ledger_import(file=path)
    assert not took_first_load(first_load)  # the ledger is no longer empty: the staging path
    assert (again.created, again.unchanged) == (0, 7)
    assert LedgerEntry.objects.count() == 8


def test_a_first_load_reads_an_uploaded_stream_too_and_reports_progress(accounts, first_load):
    seen = []
    result = ledger_import(file=io.BytesIO((HEADER + LEDGER).encode()), progress=seen.append)

    assert took_first_load(first_load)
    assert result.created == 7
    assert sum(seen) == 7


# Lines the grammar takes but the database refuses, and lines the grammar refuses: either
# way the load is undone, the staging path names the line, and nothing is written.
@pytest.mark.parametrize("row, message", [
    ("00012345,2026-02-30,PAYMENT,100.00,R-9,", "line 9: entry_date: not a date in YYYY-MM-DD form: 2026-02-30"),
    ("00012345,2026-10-01,BILL,100.00,B-9,2026-02-30", "line 9: due_date: not a date in YYYY-MM-DD form: 2026-02-30"),
    ("00099999,2026-10-01,PAYMENT,100.00,R-9,", "line 9: account_no: unknown account: 00099999"),
    ("00012345,2026-10-01,PAYMENT,100.00,R-1,", "line 9: reference: duplicate of line 4"),
    ("00012345,2026-10-01,BILL,100.00,B-9,", "line 9: due_date: required for a BILL"),
    ("00012345,2026-10-01,PAYMENT,100.00,R-9,2026-10-15", "line 9: due_date: only a BILL has a due date"),
    ("00012345,2026-10-01,ADJUSTMENT,0.00,A-9,", "line 9: amount: an adjustment must not be zero"),
    ("00012345,2026-10-01,BILL,-5,B-9,2026-10-15", "line 9: amount: must be more than zero for BILL"),
    ("00012345,2026-10-01,PAYMENT,1e3,R-9,", "line 9: amount: not an amount with at most 2 decimal places: 1e3"),
    ("00012345,2026-1-05,PAYMENT,100.00,R-9,", "line 9: entry_date: not a date in YYYY-MM-DD form: 2026-1-05"),
    ("00012345,2026-10-01,PAY,100.00,R-9,", "line 9: kind: must be BILL, SURCHARGE, PAYMENT or ADJUSTMENT: PAY"),
    ("00012345,2026-10-01,PAYMENT,100.00,,", "line 9: reference: must not be blank"),
])
def test_a_bad_line_undoes_a_first_load_and_is_named(accounts, first_load, tmp_path, row, message):
    with pytest.raises(ImportFailed) as caught:
        ledger_import(file=write(tmp_path, LEDGER + row + "\n"))

    assert message in caught.value.errors
    assert (first_load.done, first_load.undone) == (0, 1)  # tried, and undone
    assert not LedgerEntry.objects.exists()
    assert Consumer.objects.get(account_no="00012345").balance == 0


def test_quoted_values_and_a_missing_last_line_end_take_the_staging_path(accounts, first_load, tmp_path):
    body = LEDGER.replace("B-2", '"B-2"') + "00012345,2026-11-01,PAYMENT,20.00,R-2,"

    result = ledger_import(file=write(tmp_path, body))

    assert not took_first_load(first_load)
    assert result.created == 8
    assert LedgerEntry.objects.filter(reference="B-2").exists()


def test_an_officers_first_load_keeps_to_their_division(accounts, first_load, tmp_path, officer):
    with pytest.raises(ImportFailed) as caught:
        import_run(kind="ledger", file=write(tmp_path, LEDGER), user=officer, source="web")

    assert "line 7: account_no: outside your division" in caught.value.errors
    assert not LedgerEntry.objects.exists()


def test_a_first_load_rebuilds_the_day_book_and_leaves_its_trigger_on(accounts, first_load, tmp_path):
    from arrears.ledger import ledger_days_mismatches
    from arrears.models import LedgerDay

    ledger_import(file=write(tmp_path, LEDGER))
    assert took_first_load(first_load)
    assert ledger_days_mismatches() == []
    book = {(d.division.code, d.day, d.kind): (d.entries, d.amount)
            for d in LedgerDay.objects.select_related("division")}
    assert book[("RTP", date(2026, 10, 20), "PAYMENT")] == (1, Decimal("1000.00"))
    assert book[("HSP", date(2026, 11, 1), "BILL")] == (1, Decimal("50000.00"))
    # The trigger is back on: the next payment reaches the book.
    add_entry(accounts[0], "PAYMENT", "250.00", date(2026, 10, 20))
    assert LedgerDay.objects.get(division__code="RTP", day=date(2026, 10, 20), kind="PAYMENT").amount == Decimal(
        "1250.00")
    assert ledger_days_mismatches() == []


def test_a_first_load_writes_each_entry_in_its_consumers_division(accounts, first_load, tmp_path):
    ledger_import(file=write(tmp_path, LEDGER))
    assert took_first_load(first_load)
    assert dict(LedgerEntry.objects.values_list("reference", "division__code")) == {
        "B-1": "RTP", "B-2": "RTP", "R-1": "RTP", "A-1": "RTP", "S-1": "RTP", "B-3": "HSP", "A-2": "HSP"}


def test_a_first_load_undone_leaves_the_day_book_as_the_ledger_is(accounts, first_load, tmp_path):
    from arrears.ledger import ledger_days_mismatches

    # A quoted value is not the first load's grammar: the load is undone and the file staged.
    ledger_import(file=write(tmp_path, LEDGER + '"00012345",2026-10-27,PAYMENT,10.00,R-9,\r\n'))
    assert first_load.undone == 1 and LedgerEntry.objects.count() == 8
    assert ledger_days_mismatches() == []
    add_entry(accounts[0], "PAYMENT", "1.00", date(2026, 10, 28))
    assert ledger_days_mismatches() == []


CONSUMERS = ("account_no,name,address,division_code,category,sanctioned_load_kw,phone,meter_no,is_protected\n"
             "00012345,Ram Prasad,\"12, Ratanpur\",RTP,domestic,2,9876543210,M-1,0\n"
             "00012347,Sunita Devi,\"4, Hansapur\",HSP,domestic,2,,M-2,0\n")


def _consumer_indexes() -> dict[str, tuple[int, bool]]:
    """Each index of the consumers: (its oid, new when it is rebuilt; whether it is valid)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT indexrelid::regclass::text, indexrelid::int, indisvalid FROM pg_index"
                       " WHERE indrelid = 'arrears_consumer'::regclass")
        return {name: (oid, valid) for name, oid, valid in cursor.fetchall()}


def _updates() -> tuple[int, int]:
    """Rows of arrears_consumer updated in place (HOT) and in all, counted since the transaction's start
    (and perhaps a little before: the counts are flushed now and then)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_get_xact_tuples_hot_updated('arrears_consumer'::regclass),"
                       " pg_stat_get_xact_tuples_updated('arrears_consumer'::regclass)")
        return cursor.fetchone()


@pytest.mark.parametrize("room", [True, False], ids=["room on the pages", "pages full"])
def test_a_first_load_keeps_every_consumer_index_and_search_finds_them(rtp, hsp, first_load, tmp_path,
                                                                      monkeypatch, room):
    # With room on the consumers' pages (a bulk consumers import leaves it) the refresh rewrites no
    # index entry and drops only the indexes on positions; without, it drops and rebuilds all of them.
    from django.db import connection

    from arrears.selectors import consumer_match
    from imports.pipeline import consumers_import

    path = tmp_path / "consumers.csv"
    path.write_text(CONSUMERS, encoding="utf-8")
    consumers_import(file=str(path))
    with connection.cursor() as cursor:  # the room was for that insert only
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = 'arrears_consumer'")
        assert cursor.fetchone()[0] is None
        # The planner's count of the consumers as this test has them: an earlier test's load in the same database
        # may have left a larger one (ANALYZE's figure outlives a rollback), and a refresh of a small share of a big
        # table keeps its indexes (_bulk_load), whatever the order the tests run in.
        cursor.execute("ANALYZE arrears_consumer")
    before = _consumer_indexes()
    if not room:
        monkeypatch.setattr("imports.pipeline.bulk._room_for_hot_updates", lambda **kwargs: False)

    updates = _updates()
    ledger_import(file=write(tmp_path, LEDGER))

    assert took_first_load(first_load)
    if room:  # each consumer's position written in place (HOT), in this test's transaction
        assert [after - earlier for after, earlier in zip(_updates(), updates, strict=True)] == [2, 2]
    after = _consumer_indexes()
    assert set(after) == set(before) and all(valid for _oid, valid in after.values())
    kept = {name for name in after if after[name][0] == before[name][0]}
    if room:  # the search indexes and the keys untouched; those on the positions built once, after
        assert kept == {"arrears_consumer_pkey", "arrears_consumer_account_no_key", "consumer_numbers",
                        "consumer_name_trgm", "consumer_disconnected_division"}
    else:
        assert kept == {"arrears_consumer_pkey"}
    assert positions_mismatches()[1] == 0
    ram = Consumer.objects.get(account_no="00012345")
    assert (ram.balance, ram.arrears) == (Decimal("10620.50"), Decimal("10620.50"))
    assert list(Consumer.objects.filter(consumer_match("sunita")).values_list("account_no", flat=True)) == [
        "00012347"]
    assert list(Consumer.objects.filter(consumer_match("9876543210")).values_list("account_no", flat=True)) == [
        "00012345"]
    assert list(Consumer.objects.order_by("-arrears").values_list("account_no", flat=True)) == [
        "00012345", "00012347"]
