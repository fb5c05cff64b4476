"""What the ledger import announces (arrears.signals.ledger_credited): the consumers its file credited."""

import pytest

from arrears.signals import ledger_credited
from imports.services import import_run
from tests.drives.reconnection_data import defaulter

HEADER = "account_no,entry_date,kind,amount,reference,due_date\n"


@pytest.fixture
def announced():
    calls = []

    def receive(sender, *, consumer_ids, **kwargs):
        calls.append(consumer_ids)

    ledger_credited.connect(receive, dispatch_uid="tests.announced")
    yield calls
    ledger_credited.disconnect(dispatch_uid="tests.announced")


def _import(tmp_path, officer, rows: str):
    path = tmp_path / "ledger.csv"
    path.write_text(HEADER + rows, encoding="utf-8")
    return import_run(kind="ledger", file=str(path), user=officer, source="web")


def test_it_names_the_consumers_credited_by_the_rows_it_wrote(rtp, officer, tmp_path, announced):
    paid_before, billed, paid, adjusted = (defaulter(rtp, account_no=f"0005432{n}") for n in range(4))
    _import(tmp_path, officer, "00054320,2026-02-01,PAYMENT,100.00,ONLINE-1,\n")
    assert announced == [[paid_before.pk]]
    announced.clear()

    # ONLINE-1 again (already on the ledger, announced when first written), a bill, a payment, a credit adjustment.
    result = _import(tmp_path, officer, "00054320,2026-02-01,PAYMENT,100.00,ONLINE-1,\n"
                                        "00054321,2026-02-01,BILL,500.00,BILL-9,2026-02-15\n"
                                        "00054322,2026-02-02,PAYMENT,200.00,ONLINE-2,\n"
                                        "00054323,2026-02-02,ADJUSTMENT,-50.00,ADJ-1,\n")

    assert (result.created, result.unchanged) == (3, 1)
    assert len(announced) == 1
    assert sorted(announced[0]) == sorted([paid.pk, adjusted.pk])
    assert billed.pk not in announced[0]


def test_it_announces_nothing_when_the_file_credits_no_one(rtp, officer, tmp_path, announced):
    defaulter(rtp, account_no="00054321")
    _import(tmp_path, officer, "00054321,2026-02-01,BILL,500.00,BILL-9,2026-02-15\n")
    assert announced == []
