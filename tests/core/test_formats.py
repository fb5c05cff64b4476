"""One place for Indian formats (kesco/formats, core/money): the same dates, times and digits on
pages, in exports, in e-mails and in the admin, in English and in Hindi."""

import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation
from openpyxl import load_workbook

from core.exports import csv_response, xlsx_response
from core.money import format_count, format_inr_full
from imports.pipeline.reader import ImportResult

# 05:43 in UTC is 11:13 in India.
MOMENT = datetime(2026, 12, 2, 5, 43, tzinfo=UTC)


@pytest.mark.parametrize("language", ["en", "hi"])
def test_it_writes_dates_as_02_12_2026_and_times_as_11_13_india_time_in_both_languages(language):
    template = Template('{{ day|date:"DATE_FORMAT" }}|{{ moment|date:"DATETIME_FORMAT" }}|{{ moment|time }}|'
                        "{{ day|date }}")
    with translation.override(language):
        text = template.render(Context({"day": date(2026, 12, 2), "moment": MOMENT}))
    assert text == "02-12-2026|02-12-2026 11:13|11:13|02-12-2026"


@pytest.mark.parametrize(("amount", "shown"), [
    ("45128.00", "₹45,128.00"),  # under a lakh: no "(₹45,128)" repeating it
    ("665000.00", "₹6,65,000.00 (₹6.65 lakh)"),
    ("661700000.00", "₹66,17,00,000.00 (₹66.17 crore)"),
    ("-150000.00", "-₹1,50,000.00 (-₹1.50 lakh)"),
    (None, ""),
])
def test_it_shows_the_short_form_only_where_it_says_more(amount, shown):
    assert format_inr_full(Decimal(amount) if amount else None) == shown


def test_it_says_lakh_and_crore_in_hindi():
    with translation.override("hi"):
        assert format_inr_full(Decimal("665000.00")) == "₹6,65,000.00 (₹6.65 लाख)"
        assert "करोड़" in format_inr_full(Decimal("661700000.00"))


@pytest.mark.parametrize(("count", "shown"), [(7339, "7,339"), (123456, "1,23,456"), (0, "0"), (None, "")])
def test_it_groups_counts_the_indian_way(count, shown):
    assert format_count(count) == shown


def test_it_groups_the_rows_of_an_import_summary_in_the_readers_language():
    result = ImportResult(rows=7339, created=7000, updated=300, unchanged=39)
    assert result.summary() == "7,339 rows imported: 7,000 created, 300 updated, 39 unchanged"
    with translation.override("hi"):
        hindi = result.summary()
    assert "7,339" in hindi and "rows" not in hindi and "imported" not in hindi


def test_it_exports_times_in_india_time():
    rows = [[date(2026, 12, 2), MOMENT]]
    text = b"".join(csv_response(filename="x.csv", header=["day", "at"], rows=rows).streaming_content).decode()
    assert text.splitlines()[1] == "2026-12-02,2026-12-02 11:13"

    response = xlsx_response(filename="x.xlsx", sheet_title="x", header=["day", "at"], rows=rows)
    sheet = load_workbook(io.BytesIO(response.content)).active
    day, moment = sheet["A2"], sheet["B2"]
    assert (day.value.date(), day.number_format) == (date(2026, 12, 2), "dd-mm-yyyy")
    assert (moment.value, moment.number_format) == (datetime(2026, 12, 2, 11, 13), "dd-mm-yyyy hh:mm")
