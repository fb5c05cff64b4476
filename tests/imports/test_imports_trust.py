"""What an import must not trust in a file: an officer's rows for accounts outside the
division, a line of many megabytes, a control character, a NUL byte (issue 9).

Each runs on SQLite (the reader) and on PostgreSQL (a plain file takes COPY, the others
the reader), and must answer the same on both.
"""

import tracemalloc
from datetime import date
from decimal import Decimal

import pytest

from accounts.models import Division
from arrears.models import Consumer, LedgerEntry
from core.errors import ImportFailed
from imports.pipeline import consumers_import, ledger_import, staging
from imports.pipeline.divisions import divisions_import
from imports.pipeline.reader import MAX_LINE
from imports.services import import_run
from tests.factories import add_entry, make_consumer

CONSUMER_HEADER = "account_no,name,address,division_code,category,sanctioned_load_kw,phone,meter_no,is_protected\n"
LEDGER_HEADER = "account_no,entry_date,kind,amount,reference,due_date\n"
DIVISION_HEADER = "code,name,name_hi\n"


def write(tmp_path, text: str, name: str = "file.csv") -> str:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return str(path)


def errors_of(run) -> list[str]:
    with pytest.raises(ImportFailed) as caught:
        run()
    return caught.value.errors


@pytest.fixture
def hsp_consumer(hsp):
    return make_consumer(hsp, account_no="00055555", name="Sunita Devi", address="Hanspuram", phone="9876543210",
                         meter_no="M-HSP")


# --- an officer's import keeps to the division ------------------------------------------

def test_it_refuses_an_officers_row_for_another_divisions_account(officer, hsp_consumer, tmp_path):
    # The probe: an RTP officer claims an HSP account for RTP, with new details.
    path = write(tmp_path, CONSUMER_HEADER + "00055555,Mallory,Somewhere,RTP,domestic,1,9000000000,M-X,0\n")

    for dry_run in (True, False):
        assert errors_of(lambda dry_run=dry_run: import_run(kind="consumers", file=path, user=officer, source="web",
                                                            dry_run=dry_run)) == [
            "line 2: account_no: outside your division"]

    hsp_consumer.refresh_from_db()
    assert (hsp_consumer.division.code, hsp_consumer.name, hsp_consumer.address, hsp_consumer.phone,
            hsp_consumer.meter_no) == ("HSP", "Sunita Devi", "Hanspuram", "9876543210", "M-HSP")


@pytest.mark.parametrize("dry_run", [True, False])
def test_an_officer_learns_nothing_of_which_accounts_exist_elsewhere(officer, hsp_consumer, tmp_path, dry_run):
    def consumers(account_no):
        row = f"{account_no},Mallory,Somewhere,RTP,domestic,1,,M-X,0\n"
        return errors_of(lambda: consumers_import(file=write(tmp_path, CONSUMER_HEADER + row), dry_run=dry_run,
                                                  division_id=officer.division_id))

    def ledger(account_no):
        row = f"{account_no},2026-01-01,PAYMENT,100.00,R-1,\n"
        return errors_of(lambda: ledger_import(file=write(tmp_path, LEDGER_HEADER + row), dry_run=dry_run,
                                               division_id=officer.division_id))

    for run in (consumers, ledger):
        assert run("00055555") == run("00099999") == ["line 2: account_no: outside your division"]
    assert not Consumer.objects.filter(account_no="00099999").exists()
    assert not LedgerEntry.objects.exists()


def test_an_officer_updates_their_own_consumer_and_cannot_move_it(officer, rtp, hsp, tmp_path):
    consumer = make_consumer(rtp, account_no="00012345", name="Ram Prasad")

    result = consumers_import(file=write(tmp_path, CONSUMER_HEADER + "00012345,Ram Prasad Gupta,,RTP,domestic,2,,,0\n"),
                              division_id=rtp.pk)
    assert (result.created, result.updated) == (0, 1)
    moved = CONSUMER_HEADER + "00012345,Ram Prasad Gupta,,HSP,domestic,2,,,0\n"
    assert errors_of(lambda: consumers_import(file=write(tmp_path, moved), division_id=rtp.pk)) == [
        "line 2: division_code: outside your division: HSP"]

    consumer.refresh_from_db()
    assert (consumer.name, consumer.division_id) == ("Ram Prasad Gupta", rtp.pk)


def test_it_lets_it_create_consumers_and_move_them(rtp, hsp, hsp_consumer, tmp_path):
    path = write(tmp_path, CONSUMER_HEADER + "00055555,Sunita Devi,Ratanpur,RTP,domestic,1,,,0\n"
                                             "00066666,New Connection,Ratanpur,RTP,domestic,1,,,0\n")

    result = consumers_import(file=path)

    assert (result.created, result.updated) == (1, 1)
    assert set(Consumer.objects.values_list("account_no", "division__code")) == {("00055555", "RTP"),
                                                                              ("00066666", "RTP")}


@pytest.fixture
def checks_miss(monkeypatch):
    """The checks let every row through: what the write does on its own."""
    for module in ("consumers", "ledger"):
        monkeypatch.setattr(f"imports.pipeline.{module}._collect", lambda *args, **kwargs: None)


def test_an_officers_consumers_write_keeps_to_the_division_by_itself(officer, hsp_consumer, tmp_path, checks_miss):
    path = write(tmp_path, CONSUMER_HEADER + "00055555,Mallory,Somewhere,RTP,domestic,1,,M-X,0\n"
                                             "00099999,Mallory,Somewhere,RTP,domestic,1,,M-X,0\n")

    consumers_import(file=path, division_id=officer.division_id)

    hsp_consumer.refresh_from_db()
    assert (hsp_consumer.division.code, hsp_consumer.name) == ("HSP", "Sunita Devi")
    assert not Consumer.objects.filter(account_no="00099999").exists()


def test_an_officers_ledger_write_keeps_to_the_division_by_itself(officer, hsp_consumer, tmp_path, checks_miss):
    path = write(tmp_path, LEDGER_HEADER + "00055555,2026-01-01,PAYMENT,100.00,R-1,\n")

    try:
        ledger_import(file=path, division_id=officer.division_id)
    except ImportFailed:
        pass  # refusing it is as good

    assert not LedgerEntry.objects.exists()


@pytest.mark.needs_postgres
def test_an_officers_first_load_leaves_other_divisions_consumers_alone(officer, rtp, hsp_consumer, tmp_path,
                                                                       monkeypatch):
    monkeypatch.setattr("imports.pipeline.bulk._BULK_ROWS", 1)  # a small file takes the first-load path
    make_consumer(rtp, account_no="00012345")
    Consumer.objects.filter(pk=hsp_consumer.pk).update(arrears_from=date(2020, 1, 1))
    path = write(tmp_path, LEDGER_HEADER + "00012345,2026-01-01,BILL,800.00,B-1,2026-01-15\n")

    result = ledger_import(file=path, division_id=officer.division_id)

    assert result.created == 1
    assert Consumer.objects.get(account_no="00012345").balance == Decimal("800.00")
    assert Consumer.objects.get(pk=hsp_consumer.pk).arrears_from == date(2020, 1, 1)


# --- a line of many megabytes ---------------------------------------------------------------

HUGE = 15 * 1024 * 1024


@pytest.mark.parametrize("kind, header, lines", [
    ("consumers", CONSUMER_HEADER, '00012345,"{}",Ratanpur,RTP,domestic,1,,,0\n'),
    ("consumers", CONSUMER_HEADER, "00012344,Sita Devi,Ratanpur,RTP,domestic,1,,,0\n"
                                   "00012345,{},Ratanpur,RTP,domestic,1,,,0\n"),
    ("ledger", LEDGER_HEADER, '00012345,2026-01-01,PAYMENT,100.00,"{}",\n'),
    ("ledger", LEDGER_HEADER, "00012345,2026-01-01,PAYMENT,100.00,R-1,\n00012345,2026-01-02,PAYMENT,100.00,{},\n"),
    ("divisions", DIVISION_HEADER, 'RTP,"{}",\n'),
])
def test_a_line_of_many_megabytes_is_refused_in_little_memory(rtp, tmp_path, kind, header, lines, monkeypatch):
    monkeypatch.setattr("imports.pipeline.bulk._BULK_ROWS", 1)  # the ledger's first-load path reads it first
    make_consumer(rtp, account_no="00012345", name="Ram Prasad")
    path = write(tmp_path, header + lines.format("x" * HUGE))
    run = {"consumers": consumers_import, "ledger": ledger_import, "divisions": divisions_import}[kind]

    tracemalloc.start()
    try:
        errors = errors_of(lambda: run(file=path))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert errors == [f"line {lines.count(chr(10)) + 1}: file: longer than {MAX_LINE} characters"]
    assert peak < 60 * 1024 * 1024
    assert Consumer.objects.get().name == "Ram Prasad"
    assert not LedgerEntry.objects.exists()


def test_a_long_line_within_the_bound_is_imported(rtp, tmp_path):
    address = "गली " * 2400  # 9,600 characters, nearly 29,000 bytes: the scan's byte count sends it to the reader
    path = write(tmp_path, CONSUMER_HEADER + f'00012345,Ram Prasad,"{address}",RTP,domestic,1,,,0\n')

    consumers_import(file=path)

    assert Consumer.objects.get().address == address.strip()


def test_matching_a_plain_line_takes_no_memory_per_character():
    # The check that a line is plain CSV, run before COPY: once a backtracking point per
    # character, 125 bytes each (a 15 MB field took the worker to 1.9 GB).
    lines = [b'1,"' + b"x" * 1_000_000 + b'",2', b'1,"' + b'a""' * 300_000 + b'",2', b"1," + b"x" * 1_000_000]
    tracemalloc.start()
    try:
        assert all(staging._PLAIN_LINE.fullmatch(line) for line in lines)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 1024 * 1024


# --- control characters -------------------------------------------------------------

@pytest.mark.parametrize("row, message", [
    ("00012345,Ram\x07Prasad,Ratanpur,RTP,domestic,1,,,0", "line 3: name: control character"),
    ('00012345,"Ram\u0085Prasad",Ratanpur,RTP,domestic,1,,,0', "line 3: name: control character"),
    ("00012345,Ram\tPrasad,Ratanpur,RTP,domestic,1,,,0", "line 3: name: control character"),
    ("00012345,Ram Prasad\ufffe,Ratanpur,RTP,domestic,1,,,0", "line 3: name: control character"),
    ("00012345,Ram Prasad,Ratan\x0cpur,RTP,domestic,1,,,0", "line 3: address: control character"),
    ("00012345,Ram Prasad,Ratanpur,RTP,domestic,1,,M\x1b01,0", "line 3: meter_no: control character"),
])
def test_it_refuses_a_control_character_in_a_consumers_text(rtp, tmp_path, row, message):
    path = write(tmp_path, CONSUMER_HEADER + "00012344,Sita Devi,Ratanpur,RTP,domestic,1,,,0\n" + row + "\n")

    assert errors_of(lambda: consumers_import(file=path)) == [message]
    assert not Consumer.objects.exists()


def test_an_address_may_span_lines_and_hold_a_tab(rtp, tmp_path):
    path = write(tmp_path, CONSUMER_HEADER
                 + '00012345,Ram Prasad,"12/34 Ratanpur\r\nKanpur\t208001",RTP,domestic,1,,,0\n')

    consumers_import(file=path)

    assert Consumer.objects.get().address == "12/34 Ratanpur\r\nKanpur\t208001"


@pytest.mark.parametrize("reference", ["B\x07-1", "B\t1", "B-\x7f1", "B-1\u009b"])
def test_it_refuses_a_control_character_in_a_ledger_reference(rtp, tmp_path, reference):
    make_consumer(rtp, account_no="00012345")
    path = write(tmp_path, LEDGER_HEADER + "00012345,2026-01-01,PAYMENT,100.00,R-1,\n"
                                           f"00012345,2026-01-02,PAYMENT,100.00,{reference},\n")

    assert errors_of(lambda: ledger_import(file=path)) == ["line 3: reference: control character"]
    assert not LedgerEntry.objects.exists()


def test_it_refuses_a_control_character_in_a_divisions_name(db, tmp_path):
    path = write(tmp_path, DIVISION_HEADER + "RTP,Ratanpur,रतनपुर\nHSP,Hans\x07puram,\nGOV,Govind Nagar,\x1bगोविंद\n")

    assert errors_of(lambda: divisions_import(file=path)) == ["line 3: name: control character",
                                                               "line 4: name_hi: control character"]
    assert not Division.objects.exists()


# --- a NUL byte -----------------------------------------------------------------------

@pytest.mark.parametrize("kind, text, message", [
    ("consumers", CONSUMER_HEADER + "00012344,Sita Devi,Ratanpur,RTP,domestic,1,,,0\n"
                                    "00012345,Ram\x00Prasad,Ratanpur,RTP,domestic,1,,,0\n", "line 3: name: NUL byte"),
    ("consumers", CONSUMER_HEADER + '00012344,Sita Devi,"Ratanpur\nKanpur",RTP,domestic,1,,,0\n'
                                    "00012345,Ram Prasad,Ratanpur,RTP,domestic,1,,M\x00,0\n",
     "line 4: meter_no: NUL byte"),
    ("ledger", LEDGER_HEADER + "00012345,2026-01-01,PAYMENT,100.00,R-1,\n"
                               "00012345,2026-01-02,PAYMENT,100.00,R-2\x00,\n", "line 3: reference: NUL byte"),
    ("divisions", DIVISION_HEADER + "RTP,Ratanpur,\nHSP,Hanspuram,\x00\n", "line 3: name_hi: NUL byte"),
    ("divisions", "co\x00de,name\nRTP,Ratanpur\n", "line 1: header: NUL byte"),
])
def test_a_nul_byte_is_named_by_its_line_and_nothing_is_written(rtp, tmp_path, kind, text, message):
    consumer = make_consumer(rtp, account_no="00012345", name="Ram Prasad")
    add_entry(consumer, "BILL", "500.00", date(2025, 12, 1), date(2025, 12, 15), reference="B-0")
    run = {"consumers": consumers_import, "ledger": ledger_import, "divisions": divisions_import}[kind]

    assert errors_of(lambda: run(file=write(tmp_path, text))) == [message]

    assert list(Consumer.objects.values_list("account_no", "name")) == [("00012345", "Ram Prasad")]
    assert list(LedgerEntry.objects.values_list("reference", flat=True)) == ["B-0"]
    assert list(Division.objects.values_list("code", "name")) == [("RTP", "Ratanpur")]
