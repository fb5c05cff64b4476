"""Every CSV and XLSX export goes through here, so every export is safe to open in a spreadsheet.

Two dangers of user-typed text (a consumer's name comes from a billing file or a form):
- Formula injection: a cell that starts with ``= + - @``, a tab or a CR is run as a formula
  by Excel and LibreOffice (``=HYPERLINK(...)`` leaks data on a click). Such text gets a
  leading apostrophe (OWASP's advice), which a spreadsheet shows as plain text.
- Control and format characters (core.text): XML 1.0 cannot hold most controls, so one stored
  in a name would break the whole workbook, and a bidi override (U+202E) would show a name
  reversed. Input refuses them; any that an older row still holds is dropped here.

Rows are lists of typed values: text is made safe; numbers stay numbers, dates stay dates.
"""

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from core.text import text_clean

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Rupees with Indian digit grouping (₹6,65,000.00; ₹1,23,45,678.00): spreadsheets group by thousands only, so
# the sections by size put the lakh and crore commas in. Negative amounts keep plain grouping.
MONEY_FORMAT = ('[>=10000000]"₹"##\\,##\\,##\\,##0.00;[>=100000]"₹"##\\,##\\,##0.00;"₹"#,##0.00')
# Dates and times as the pages show them (kesco/formats): 02-12-2026, 02-12-2026 11:13, India time.
DATE_FORMAT = "dd-mm-yyyy"
DATETIME_FORMAT = "dd-mm-yyyy hh:mm"


def text_safe(value: str) -> str:
    """User-typed text as a spreadsheet must read it: no control or format characters, never a formula."""
    value = text_clean(value)
    if value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _india(moment: datetime) -> datetime:
    return timezone.localtime(moment) if timezone.is_aware(moment) else moment


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, datetime):  # India time, to the minute, sortable: 2026-12-02 11:13
        return _india(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, (int, date)):  # dates as the CSV files we import write them: 2026-12-02
        return value.isoformat() if isinstance(value, date) else str(value)
    return text_safe(str(value))


class _Echo:
    def write(self, value):
        return value


def csv_response(*, filename: str, header: Sequence[str], rows: Iterable[Sequence]) -> StreamingHttpResponse:
    """A streamed CSV download (UTF-8 with a BOM, so Excel reads Hindi names right)."""
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff"
        yield writer.writerow([text_safe(name) for name in header])
        for row in rows:
            yield writer.writerow([_csv_value(value) for value in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _xlsx_cell(sheet, value):
    if isinstance(value, datetime):  # a spreadsheet has no time zones: India time
        value = _india(value).replace(tzinfo=None)
    if value is None or isinstance(value, (bool, int, float, Decimal, date)):
        cell = WriteOnlyCell(sheet, value=value)
        if isinstance(value, Decimal):
            cell.number_format = MONEY_FORMAT
        elif isinstance(value, float):
            cell.number_format = "0.0"  # a percentage or a ratio: money is Decimal
        elif isinstance(value, datetime):
            cell.number_format = DATETIME_FORMAT
        elif isinstance(value, date):
            cell.number_format = DATE_FORMAT
        return cell
    cell = WriteOnlyCell(sheet, value=text_clean(str(value)))
    cell.data_type = "s"  # text, whatever it starts with: never a formula
    return cell


def xlsx_response(*, filename: str, sheet_title: str, header: Sequence[str], rows: Iterable[Sequence],
                  widths: Sequence[int] = ()) -> HttpResponse:
    """An XLSX download: a bold, frozen header row; text cells stored as text, money as numbers."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(text_clean(sheet_title, one_line=True)[:31])
    sheet.freeze_panes = "A2"
    for index, width in enumerate(widths):
        sheet.column_dimensions[get_column_letter(index + 1)].width = width
    bold = Font(bold=True)
    header_cells = []
    for name in header:
        cell = _xlsx_cell(sheet, name)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append([_xlsx_cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response

