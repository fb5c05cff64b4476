"""import_consumers and import_ledger: all-or-nothing, every bad line named, idempotent."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from arrears.models import Consumer, LedgerEntry
from core.errors import ImportFailed
from imports.models import ImportJob
from imports.services import import_run
from tests.factories import add_entry

CONSUMERS = (
    "account_no,name,address,division_code,category,sanctioned_load_kw,phone,meter_no,is_protected\n"
    '00012345,"राम प्रसाद, गुप्ता","12/34, रतनपुर कॉलोनी, कानपुर",RTP,domestic,2.00,9876543210,M-001,0\n'
    "00012346,Hallet Hospital,Swaroop Nagar,RTP,institutional,100,,M-002,1\n"
    "00012347,Sunita Devi,Hanspuram,HSP,commercial,5.5,09876543210,M-003,\n"
)
LEDGER = (
    "account_no,entry_date,kind,amount,reference,due_date\n"
    "00012345,2026-09-01,BILL,8000.00,B-1,2026-09-15\n"
    "00012345,2026-10-01,BILL,4000.00,B-2,2026-10-15\n"
    "00012345,2026-10-20,PAYMENT,1000.00,R-1,\n"
    "00012345,2026-10-25,ADJUSTMENT,-500.00,A-1,\n"
    "00012345,2026-10-26,SURCHARGE,120.50,S-1,\n"
    "00012346,2026-11-01,BILL,50000.00,B-3,2099-12-15\n"
)


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.fixture
def consumers_file(tmp_path):
    return write(tmp_path, "consumers.csv", CONSUMERS)


@pytest.fixture
def loaded(rtp, hsp, tmp_path, consumers_file):
    call_command("import_consumers", consumers_file)
    call_command("import_ledger", write(tmp_path, "ledger.csv", LEDGER))


def import_errors(capsys, command, path):
    capsys.readouterr()
    with pytest.raises(CommandError, match="nothing was written"):
        call_command(command, path)
    return capsys.readouterr().err.splitlines()


def test_it_keeps_leading_zeros_and_hindi_names_with_commas(loaded):
    consumer = Consumer.objects.get(account_no="00012345")
    assert consumer.name == "राम प्रसाद, गुप्ता"
    assert consumer.address == "12/34, रतनपुर कॉलोनी, कानपुर"
    assert consumer.division.code == "RTP"
    assert Consumer.objects.get(account_no="00012346").is_protected is True
    assert Consumer.objects.get(account_no="00012347").is_protected is False


def test_it_sets_balance_and_arrears_from_the_imported_ledger(loaded):
    consumer = Consumer.objects.get(account_no="00012345")
    assert consumer.balance == Decimal("10620.50")
    assert consumer.arrears == Decimal("10620.50")
    hospital = Consumer.objects.get(account_no="00012346")
    assert (hospital.balance, hospital.arrears) == (Decimal("50000.00"), Decimal("0.00"))  # not yet due


def test_it_changes_nothing_on_a_second_import(loaded, tmp_path, consumers_file, capsys):
    before = (list(Consumer.objects.values_list("account_no", "name", "balance", "arrears", "updated_at")),
              list(LedgerEntry.objects.values_list("id", "reference", "amount")))
    capsys.readouterr()
    call_command("import_consumers", consumers_file)
    call_command("import_ledger", write(tmp_path, "ledger.csv", LEDGER))
    out = capsys.readouterr().out
    assert "0 created, 0 updated, 3 unchanged" in out
    assert "0 created, 0 updated, 6 unchanged" in out
    after = (list(Consumer.objects.values_list("account_no", "name", "balance", "arrears", "updated_at")),
             list(LedgerEntry.objects.values_list("id", "reference", "amount")))
    assert after == before


def test_it_updates_a_changed_consumer(loaded, tmp_path, capsys):
    capsys.readouterr()
    changed = CONSUMERS.replace("9876543210,M-001", "9123456780,M-001")
    call_command("import_consumers", write(tmp_path, "c2.csv", changed))
    assert "0 created, 1 updated, 2 unchanged" in capsys.readouterr().out
    assert Consumer.objects.get(account_no="00012345").phone == "9123456780"


def test_it_writes_each_entry_in_the_division_its_consumer_is_in_then(loaded, tmp_path, capsys, rtp, hsp):
    # IT redraws the divisions: the hospital moves to Hanspuram; the entries already written stay in Ratanpur.
    call_command("import_consumers", write(tmp_path, "c2.csv", CONSUMERS.replace(
        "Swaroop Nagar,RTP", "Swaroop Nagar,HSP")))
    call_command("import_ledger", write(tmp_path, "l2.csv", LEDGER.splitlines()[0] + "\n"
                                        "00012346,2026-11-20,PAYMENT,700.00,R-2,\n"
                                        "00012345,2026-11-20,PAYMENT,300.00,R-3,\n"))
    divisions = dict(LedgerEntry.objects.values_list("reference", "division__code"))
    assert divisions == {"B-1": "RTP", "B-2": "RTP", "R-1": "RTP", "A-1": "RTP", "S-1": "RTP", "B-3": "RTP",
                         "R-2": "HSP", "R-3": "RTP"}


def test_it_reports_every_bad_consumer_line_and_writes_nothing(rtp, tmp_path, capsys):
    bad = (
        "account_no,name,address,division_code,category,sanctioned_load_kw,phone,meter_no,is_protected\n"
        "00012345,Ram,Addr,RTP,domestic,2,,M1,0\n"
        "12AB,Shyam,Addr,RTP,domestic,2,,M2,0\n"
        "00012345,Again,Addr,RTP,domestic,2,,M3,0\n"
        "00012348,,Addr,RTP,domestic,2,,M4,0\n"
        "00012349,Mohan,Addr,ZZZ,domestic,2,,M5,0\n"
        "00012350,Sohan,Addr,RTP,palace,2,,M6,0\n"
        "00012351,Rohan,Addr,RTP,domestic,two,,M7,0\n"
        "00012352,Gita,Addr,RTP,domestic,2,12345,M8,0\n"
        "00012353,Sita,Addr,RTP,domestic,2,,M9,yes\n"
        "00012354,Short,Addr\n"
    )
    errors = import_errors(capsys, "import_consumers", write(tmp_path, "bad.csv", bad))
    assert errors == [
        "line 3: account_no: must be 8 to 12 digits: 12AB",
        "line 4: account_no: duplicate of line 2",
        "line 5: name: must not be blank",
        "line 6: division_code: unknown division: ZZZ",
        "line 7: category: not a UPPCL rate schedule (LMV-1 to LMV-11, LMV-4A, LMV-4B, HV-1 to HV-4) or a broad"
        " group (domestic, commercial, industrial, institutional, agricultural, government): palace",
        "line 8: sanctioned_load_kw: not a load in kW: two",
        "line 9: phone: not a phone number: 12345",
        "line 10: is_protected: must be 0 or 1 (blank = 0): yes",
        "line 11: row: expected 9 values, found 3",
    ]
    assert not Consumer.objects.exists()


def test_it_reports_every_bad_ledger_line_and_writes_nothing(loaded, tmp_path, capsys):
    bad = (
        "account_no,entry_date,kind,amount,reference,due_date\n"
        "00012345,2026-11-01,BILL,100.00,B-NEW,2026-11-15\n"
        "99999999,2026-09-01,BILL,8000.00,B-9,2026-09-15\n"
        "00012345,2026-02-30,BILL,8000.00,B-10,2026-09-15\n"
        "00012345,01/09/2026,BILL,8000.00,B-11,2026-09-15\n"
        "00012345,2026-09-01,REFUND,8000.00,B-12,\n"
        "00012345,2026-09-01,BILL,-5,B-13,2026-09-15\n"
        "00012345,2026-09-01,BILL,5.123,B-14,2026-09-15\n"
        "00012345,2026-09-01,BILL,abc,B-15,2026-09-15\n"
        "00012345,2026-09-01,BILL,5,B-16,\n"
        "00012345,2026-09-01,PAYMENT,5,R-17,2026-09-15\n"
        "00012345,2026-09-01,PAYMENT,5,R-17,\n"
        "00012345,2026-09-01,BILL,8000.00,B-1,2026-09-16\n"
        "00012345,2026-09-01,ADJUSTMENT,0,A-2,\n"
        "00012345,2026-09-01,SURCHARGE,10,,\n"
        "00012345,2026-09-01,PAYMENT,0.00,R-18,\n"
    )
    balance_before = Consumer.objects.get(account_no="00012345").balance
    count_before = LedgerEntry.objects.count()
    errors = import_errors(capsys, "import_ledger", write(tmp_path, "bad.csv", bad))
    assert errors == [
        "line 3: account_no: unknown account: 99999999",
        "line 4: entry_date: not a date in YYYY-MM-DD form: 2026-02-30",
        "line 5: entry_date: not a date in YYYY-MM-DD form: 01/09/2026",
        "line 6: kind: must be BILL, SURCHARGE, PAYMENT or ADJUSTMENT: REFUND",
        "line 7: amount: must be more than zero for BILL",
        "line 8: amount: not an amount with at most 2 decimal places: 5.123",
        "line 9: amount: not an amount with at most 2 decimal places: abc",
        "line 10: due_date: required for a BILL",
        "line 11: due_date: only a BILL has a due date",
        "line 12: reference: duplicate of line 11",
        "line 13: reference: already imported with other values: B-1",
        "line 14: amount: an adjustment must not be zero",
        "line 15: reference: must not be blank",
        "line 16: amount: must be more than zero for PAYMENT",
    ]
    assert LedgerEntry.objects.count() == count_before  # the good line 2 was not written either
    assert Consumer.objects.get(account_no="00012345").balance == balance_before


def test_it_reports_a_wrong_header(rtp, tmp_path, capsys):
    errors = import_errors(capsys, "import_ledger", write(tmp_path, "h.csv", "account,date,kind\n1,2,3\n"))
    assert "line 1: account_no: column missing from the header" in errors


def test_it_checks_only_on_dry_run(rtp, hsp, consumers_file, capsys):
    call_command("import_consumers", consumers_file, dry_run=True)
    assert "3 created" in capsys.readouterr().out
    assert not Consumer.objects.exists()


def test_it_records_each_import_as_a_job(loaded):
    jobs = list(ImportJob.objects.order_by("created_at").values_list("kind", "status", "source"))
    assert jobs == [("consumers", "done", "command"), ("ledger", "done", "command")]


def test_an_officer_imports_only_into_their_division(officer, hsp, tmp_path, consumers_file):
    call_command("import_consumers", consumers_file)
    with pytest.raises(ImportFailed) as failure:
        import_run(kind="consumers", file=write(tmp_path, "c.csv", CONSUMERS.replace("Sunita", "Anita")),
                   user=officer, source="web")
    assert failure.value.errors == ["line 4: account_no: outside your division",
                                    "line 4: division_code: outside your division: HSP"]
    assert Consumer.objects.get(account_no="00012347").name == "Sunita Devi"


def test_an_officer_creates_no_consumer(officer, tmp_path):
    # New connections come from IT's import of the billing system's file.
    with pytest.raises(ImportFailed) as failure:
        import_run(kind="consumers", file=write(tmp_path, "c.csv", CONSUMERS), user=officer, source="web")
    assert failure.value.errors[:2] == ["line 2: account_no: outside your division",
                                        "line 3: account_no: outside your division"]
    assert not Consumer.objects.exists()


def test_it_reports_progress(rtp, hsp, consumers_file):
    seen = []
    import_run(kind="consumers", file=consumers_file, source="command", progress=seen.append)
    assert sum(seen) == 3


def test_it_names_a_duplicate_in_an_otherwise_clean_file(loaded, tmp_path, capsys):
    # The only fault is one the unique constraint finds at insert time.
    duplicate = ("account_no,entry_date,kind,amount,reference,due_date\n"
                 "00012345,2026-11-01,BILL,100.00,B-NEW,2026-11-15\n"
                 "00012346,2026-11-01,BILL,200.00,B-NEW,2026-11-15\n")
    count = LedgerEntry.objects.count()
    errors = import_errors(capsys, "import_ledger", write(tmp_path, "dup.csv", duplicate))
    assert errors == ["line 3: reference: duplicate of line 2"]
    assert LedgerEntry.objects.count() == count


@pytest.mark.needs_postgres
def test_a_large_load_rebuilds_the_ledgers_indexes_and_keys(loaded, tmp_path, monkeypatch):
    from django.db import connection

    monkeypatch.setattr("imports.pipeline.bulk._BULK_ROWS", 1)
    rows = "".join(f"00012347,2026-10-01,BILL,10.00,BULK-{i},2026-10-15\n" for i in range(50))
    call_command("import_ledger", write(tmp_path, "bulk.csv", "account_no,entry_date,kind,amount,reference,"
                                                              "due_date\n" + rows))
    assert Consumer.objects.get(account_no="00012347").balance == Decimal("500.00")
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'arrears_ledgerentry'")
        indexes = {row[0] for row in cursor.fetchall()}
        cursor.execute("SELECT conname FROM pg_constraint WHERE conrelid = 'arrears_ledgerentry'::regclass")
        constraints = {row[0] for row in cursor.fetchall()}
    assert {"ledger_consumer_due_on", "ledger_reference_kind_unique", "arrears_ledgerentry_pkey"} <= indexes
    assert {"ledger_reference_kind_unique", "arrears_ledgerentry_pkey"} <= constraints
    assert any(name.endswith("_fk_arrears_consumer_id") for name in constraints)
    with connection.cursor() as cursor:  # the payments' key to the ledger is back too
        cursor.execute("SELECT COUNT(*) FROM pg_constraint WHERE confrelid = 'arrears_ledgerentry'::regclass"
                       " AND conrelid = 'arrears_payment'::regclass")
        assert cursor.fetchone()[0] == 1
    # The load took its ids from a block of the sequence: the next entry gets a new one.
    later = add_entry(Consumer.objects.get(account_no="00012347"), "PAYMENT", "10.00", date(2026, 11, 1))
    assert later.pk > max(LedgerEntry.objects.exclude(pk=later.pk).values_list("pk", flat=True))
    # Every consumer was refreshed, and the consumer table got its indexes and keys back too.
    from arrears.ledger import positions_mismatches

    assert positions_mismatches()[1] == 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'arrears_consumer'")
        consumer_indexes = {row[0] for row in cursor.fetchall()}
    assert {"consumer_division_arrears", "consumer_division_stale", "arrears_consumer_account_no_key"} <= (
        consumer_indexes)


@pytest.mark.needs_postgres
def test_a_large_consumers_load_keeps_the_account_number_unique(rtp, hsp, tmp_path, monkeypatch, capsys):
    from django.db import IntegrityError

    monkeypatch.setattr("imports.pipeline.bulk._BULK_ROWS", 1)
    call_command("import_consumers", write(tmp_path, "consumers.csv", CONSUMERS))
    assert Consumer.objects.count() == 3
    assert Consumer.objects.get(account_no="00012345").arrears_from is not None  # nothing owed, from today
    with pytest.raises(IntegrityError):
        Consumer.objects.create(account_no="00012345", name="Twin", division=rtp, category="domestic",
                                sanctioned_load_kw=1)
