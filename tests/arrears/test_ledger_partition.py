"""The ledger partitioned natively (arrears.partitioning): the app keeps working on it.

Each test runs on a copy of the test database of its own (CREATE DATABASE … TEMPLATE), where it converts
the ledger: the other tests keep their plain ledger whatever this one leaves behind.
"""

from datetime import date, timedelta
from decimal import Decimal

import psycopg2
import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, connections, transaction

from arrears.ledger import ledger_days_mismatches, positions_mismatches
from arrears.models import Consumer, LedgerEntry
from arrears.partitioning import ledger_partition, ledger_partitioning
from core.dates import india_today
from core.errors import DomainError
from defaulters.models import DefaulterEntry
from defaulters.services import defaulter_lists_build
from imports.pipeline import first_load as first_load_path
from imports.pipeline import ledger_import
from payments.models import Payment
from payments.services import payment_record
from tests.factories import add_entry, make_consumer
from tests.imports.test_imports_first_load import FirstLoads

HEADER = "account_no,entry_date,kind,amount,reference,due_date\n"


def _admin():
    settings = connection.settings_dict
    admin = psycopg2.connect(dbname="postgres", user=settings["USER"], password=settings["PASSWORD"] or None,
                             host=settings["HOST"], port=settings["PORT"])
    admin.autocommit = True
    return admin


@pytest.fixture
def own_database(transactional_db):
    """This test on a copy of the test database: the ledger it partitions is the copy's."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    original = connection.settings_dict["NAME"]
    copy = f"{original}_partitioned"
    connections.close_all()  # a template must have no session
    admin = _admin()
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{copy}" TEMPLATE "{original}"')
    connection.settings_dict["NAME"] = copy
    try:
        yield
    finally:
        connections.close_all()
        connection.settings_dict["NAME"] = original
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)')
        admin.close()


def _partition_indexes_valid() -> tuple[int, int]:
    """(partitions, partitions that have every index of the ledger, all valid)."""
    with connection.cursor() as cursor:
        cursor.execute("""
            SELECT COUNT(*), COUNT(*) FILTER (WHERE n = parent_indexes) FROM (
                SELECT p.inhrelid, COUNT(i.indexrelid) FILTER (WHERE i.indisvalid) AS n,
                       (SELECT COUNT(*) FROM pg_index WHERE indrelid = 'arrears_ledgerentry'::regclass)
                           AS parent_indexes
                FROM pg_inherits p LEFT JOIN pg_index i ON i.indrelid = p.inhrelid
                WHERE p.inhparent = 'arrears_ledgerentry'::regclass GROUP BY p.inhrelid) partitions""")
        return cursor.fetchone()


@pytest.mark.needs_postgres
def test_it_runs_payments_the_daily_import_and_the_nightly_lists_on_a_partitioned_ledger(
        own_database, rtp, clerk, tmp_path):
    today = india_today()
    defaulter = make_consumer(rtp, account_no="00011111")
    payer = make_consumer(rtp, account_no="00022222")
    add_entry(defaulter, "BILL", "15000.00", today - timedelta(days=60), due_date=today - timedelta(days=45))
    add_entry(payer, "BILL", "12000.00", today - timedelta(days=60), due_date=today - timedelta(days=45),
              reference="B-PAYER")
    ids_before = max(LedgerEntry.objects.values_list("pk", flat=True))

    result = ledger_partition(partitions=4)

    assert (result.rows, ledger_partitioning()) == (2, "HASH (consumer_id), 4 partitions")
    assert _partition_indexes_valid() == (4, 4)
    assert any("arrears_payment.ledger_entry_id: constraint trigger" in line for line in result.foreign_keys)

    payment = payment_record(user=clerk, account_no="00022222", amount=Decimal("3000.00"), mode="cash",
                             receipt_no="RCPT-1")
    assert payment.ledger_entry.pk > ids_before  # the ids go on from the plain table's
    assert Consumer.objects.get(pk=payer.pk).arrears == Decimal("9000.00")

    # The re-import key still holds across the partitions (the two consumers are in different ones or not).
    with pytest.raises(IntegrityError, match="ledger_reference_kind_unique"), transaction.atomic():
        LedgerEntry.objects.create(consumer=defaulter, division=rtp, entry_date=today, kind="BILL", amount=1,
                                   due_date=today, reference="B-PAYER", source="import")
    # A payment must still point at a ledger entry that exists (checked at commit, as its foreign key was).
    with pytest.raises(IntegrityError, match="does not exist"), transaction.atomic():
        Payment.objects.filter(pk=payment.pk).update(ledger_entry_id=10**9)
    # An entry a payment points at can't be deleted.
    with pytest.raises(IntegrityError, match="still referenced"), transaction.atomic():
        LedgerEntry.objects.filter(pk=payment.ledger_entry_id)._raw_delete(connection.alias)

    day_file = tmp_path / "day.csv"
    day_file.write_text(HEADER + f"00011111,{today},PAYMENT,1000.00,R-DAY-1,\n"
                                 f"00022222,{today},BILL,2500.00,B-DAY-1,{today + timedelta(days=15)}\n")
    assert ledger_import(file=str(day_file)).created == 2
    assert ledger_import(file=str(day_file)).created == 0  # a re-import changes nothing

    runs = defaulter_lists_build(as_of=today, trigger="command")

    assert [run.status for run in runs] == ["done"]
    assert list(DefaulterEntry.objects.values_list("consumer__account_no", "arrears")) == [
        ("00011111", Decimal("14000.00"))]
    assert positions_mismatches()[1] == 0
    assert ledger_days_mismatches() == []


@pytest.mark.needs_postgres
def test_the_first_load_and_a_bulk_import_keep_a_partitioned_ledgers_indexes(own_database, rtp, tmp_path,
                                                                              monkeypatch):
    make_consumer(rtp, account_no="00012345")
    ledger_partition(partitions=3)
    monkeypatch.setattr("imports.pipeline.bulk._BULK_ROWS", 1)  # these small files take the large-load paths
    spy = FirstLoads(first_load_path._first_load_write)
    monkeypatch.setattr("imports.pipeline.first_load._first_load_write", spy)
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    first.write_text(HEADER + "00012345,2026-09-01,BILL,8000.00,B-1,2026-09-15\n"
                              "00012345,2026-10-20,PAYMENT,1000.00,R-1,\n")
    second.write_text(HEADER + "00012345,2026-10-01,BILL,4000.00,B-2,2026-10-15\n")

    assert ledger_import(file=str(first)).created == 2
    assert (spy.done, spy.undone) == (1, 0)  # COPY into the partitioned ledger (without FREEZE)
    assert ledger_import(file=str(second)).created == 1  # the staging path, its indexes dropped and made again

    assert _partition_indexes_valid() == (3, 3)
    assert Consumer.objects.get().balance == Decimal("11000.00")
    assert positions_mismatches()[1] == 0 and ledger_days_mismatches() == []
    with pytest.raises(IntegrityError, match="ledger_reference_kind_unique"), transaction.atomic():
        add_entry(Consumer.objects.get(), "BILL", "1.00", date(2026, 11, 1), due_date=date(2026, 11, 15),
                  reference="B-2")


@pytest.mark.needs_postgres
def test_it_refuses_to_partition_twice_and_says_how_it_is_partitioned(own_database, capsys):
    call_command("ledger_partition", "--show")
    assert "the ledger is a plain table" in capsys.readouterr().out

    call_command("ledger_partition", "--partitions", "3", "--scheme", "range")  # an empty ledger: ids 1, 2, 3…
    call_command("ledger_partition", "--show")
    assert "RANGE (id), 3 partitions" in capsys.readouterr().out
    with pytest.raises(CommandError, match="partitioned already"):
        call_command("ledger_partition", "--partitions", "2")


def test_it_refuses_on_sqlite(monkeypatch):
    if connection.vendor == "postgresql":  # the refusal comes first, before any SQL
        monkeypatch.setattr(connection, "vendor", "sqlite")
    with pytest.raises(DomainError, match="PostgreSQL only"):
        ledger_partition(partitions=4)
