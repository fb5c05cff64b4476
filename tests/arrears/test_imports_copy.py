"""On PostgreSQL a plain ledger.csv is COPYed as it is; any other file goes through the reader.

Both paths must end in the same rows and the same `line N` in errors.
"""

import pytest

from arrears.imports import ledger_import
from arrears.models import LedgerEntry
from kesco.errors import ImportFailed
from tests.factories import make_consumer

HEADER = "account_no,entry_date,kind,amount,reference,due_date\n"


@pytest.mark.needs_postgres
@pytest.mark.parametrize("body", [
    "00012345,2026-09-01,BILL,8000.00,B-1,2026-09-15\n00012345,2026-10-20,PAYMENT,1000.00,R-1,",  # plain: COPY
    "00012345, 2026-09-01 ,BILL,8000.00,B-1,2026-09-15\r\n\r\n00012345,2026-10-20,PAYMENT,\"1000.00\",R-1,\r\n",
    ",,,,,\n00012345,2026-09-01,BILL,8000.00,B-1,2026-09-15\n00012345,2026-10-20,PAYMENT,1000.00,R-1,\n",
])
def test_it_imports_plain_and_untidy_files_alike(rtp, tmp_path, body):
    make_consumer(rtp, account_no="00012345")
    path = tmp_path / "ledger.csv"
    path.write_text(HEADER + body, encoding="utf-8")

    result = ledger_import(file=str(path))

    assert result.created == 2
    assert sorted(LedgerEntry.objects.values_list("reference", "amount")) == [("B-1", 8000), ("R-1", 1000)]


@pytest.mark.needs_postgres
@pytest.mark.parametrize("body, message", [
    ("00012345,2026-09-01,BILL,8000.00,B-1,2026-09-15\n00099999,2026-10-20,PAYMENT,1000.00,R-1,\n",
     "line 3: account_no: unknown account: 00099999"),
    ("00012345,2026-09-01,BILL,8000.00,B-1,2026-09-15\n00012345,2026-10-20,PAYMENT,1000.00\n",
     "line 3: row: expected 6 values, found 4"),
    ('00012345,2026-09-01,BILL,8000.00,"B-1\nsecond line",2026-09-15\n00012345,2026-10-20,PAY,1000.00,R-1,\n',
     "line 4: kind: must be BILL, SURCHARGE, PAYMENT or ADJUSTMENT: PAY"),
])
def test_it_names_the_same_line_on_either_path(rtp, tmp_path, body, message):
    make_consumer(rtp, account_no="00012345")
    path = tmp_path / "ledger.csv"
    path.write_text(HEADER + body, encoding="utf-8")

    with pytest.raises(ImportFailed) as caught:
        ledger_import(file=str(path))

    assert message in caught.value.errors
    assert not LedgerEntry.objects.exists()
