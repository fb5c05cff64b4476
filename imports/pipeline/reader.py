"""Reading the billing system's CSV files: one reader for every import.

Every import is all-or-nothing: rows are read and checked first, every bad
row is reported as ``line N: column: reason``, and only a clean file is
written. Line numbers count the header as line 1, as a spreadsheet does.
"""

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext, ngettext

from core.errors import ImportFailed
from core.money import format_count, is_plain_amount

# List no more than this many (the rest are counted): a wholly wrong file should not print a million lines.
MAX_REPORTED_ERRORS = 1000

Progress = Callable[[int], None]

# The columns of the billing system's files (DESIGN.md), in the staging table's order.
CONSUMER_COLUMNS = ["account_no", "name", "address", "division_code", "category", "sanctioned_load_kw", "phone",
                    "meter_no", "is_protected"]
CONSUMER_REQUIRED = ["account_no", "name", "division_code", "category"]
LEDGER_COLUMNS = ["account_no", "entry_date", "kind", "amount", "reference", "due_date"]
LEDGER_REQUIRED = ["account_no", "entry_date", "kind", "amount", "reference"]

# A real line of the billing system's files is a few hundred characters. A far longer one
# is a broken or hostile file, not a row: it is refused before it is read whole, so that
# one huge field can't take the worker's memory. Characters, its line end included.
MAX_LINE = 10_000

# A row's problems, in place of its values: (line, {ROW_ERRORS: [(column, reason), …]}).
ROW_ERRORS = "__errors__"

# Control characters (Unicode's Cc: C0, DEL, C1) and the non-characters U+FFFE and U+FFFF
# in a value: XML can't hold most of them, so one in a name breaks the division's XLSX
# export, and none prints on a notice or an SMS. Written in the syntax PostgreSQL's regular
# expressions and Python's re share (SQLite's REGEXP is Python's re). NUL is not in it:
# PostgreSQL's text can't hold one, and the reader refuses it first ("NUL byte").
# A consumer's name, address and meter number and a division's names are checked by core.text's
# rule for free text, which refuses format characters too (a bidi override, a zero-width space).
CONTROL_RE = r"[\x01-\x1f\x7f-\x9f\ufffe\uffff]"


@dataclass
class ImportResult:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    dry_run: bool = False

    def counts(self) -> dict[str, int]:
        return {"rows": self.rows, "created": self.created, "updated": self.updated, "unchanged": self.unchanged}

    def summary(self) -> str:
        """'7,339 rows imported: 7,000 created, 300 updated, 39 unchanged', in the active language."""
        figures = {key: format_count(value) for key, value in self.counts().items()}
        if self.dry_run:
            text = ngettext("%(rows)s row checked (dry run, nothing written)",
                            "%(rows)s rows checked (dry run, nothing written)", self.rows)
        else:
            text = ngettext("%(rows)s row imported", "%(rows)s rows imported", self.rows)
        return (text + ": " + gettext("%(created)s created, %(updated)s updated, %(unchanged)s unchanged")) % figures


class LineSet:
    """Line numbers, as a bitmap: a file of a million bad lines costs 125 KB here, not a set's ~60 MB."""

    def __init__(self) -> None:
        self._bits = bytearray()

    def add(self, line: int) -> None:
        byte = line >> 3
        if byte >= len(self._bits):
            self._bits.extend(bytes(byte + 1 - len(self._bits)))
        self._bits[byte] |= 1 << (line & 7)

    def __len__(self) -> int:
        return int.from_bytes(self._bits, "little").bit_count()


class RowErrors:
    """A whole file's bad values as (line, column, reason): the first MAX_REPORTED_ERRORS kept,
    the rest counted, and the lines they are on counted apart (a line may have several)."""

    def __init__(self) -> None:
        self.found: list[tuple[int, str, str]] = []
        self.not_kept = 0
        self._lines = LineSet()  # the lines of add()
        self._checked_lines = 0  # the lines of merge(): the staged rows', which are none of add()'s

    def add(self, line: int, column: str, reason: str) -> None:
        self._lines.add(line)
        if len(self.found) < MAX_REPORTED_ERRORS:
            self.found.append((line, column, reason))
        else:
            self.not_kept += 1

    def merge(self, found: list[tuple[int, str, str]], *, total: int, lines: int | None = None) -> None:
        """Adds ``found``, the first (in line order) of ``total`` bad values a check of the staged rows found on
        ``lines`` lines (those of ``found`` when not given); the first MAX_REPORTED_ERRORS of all are kept, in
        line order. The reader stages no row it found bad, so these lines are none of add()'s."""
        self._checked_lines += len({line for line, _column, _reason in found}) if lines is None else lines
        merged = sorted(self.found + found)
        self.found = merged[:MAX_REPORTED_ERRORS]
        self.not_kept += total - len(found) + len(merged) - len(self.found)

    @property
    def lines(self) -> int:
        """How many lines have a problem."""
        return len(self._lines) + self._checked_lines

    def __bool__(self) -> bool:
        return bool(self.found)

    def raise_if_any(self) -> None:
        if self.found:
            raise ImportFailed(self.found, more=self.not_kept, lines=self.lines)


def open_text(file) -> io.TextIOBase:
    """A text stream over a path, an uploaded file or a binary stream, as UTF-8 (BOM allowed)."""
    if isinstance(file, (str, bytes)) or hasattr(file, "__fspath__"):
        return open(file, encoding="utf-8-sig", newline="")
    if isinstance(file, io.TextIOBase):
        return file
    return io.TextIOWrapper(file, encoding="utf-8-sig", newline="")


def bounded_lines(stream) -> Iterator[str]:
    """The stream's lines, none read whole if longer than MAX_LINE: that one is refused."""
    number = 0
    while line := stream.readline(MAX_LINE + 1):
        number += 1
        if len(line) > MAX_LINE:
            raise ImportFailed([(number, "file", gettext("longer than %(n)s characters") % {"n": MAX_LINE})])
        yield line


def read_rows(stream, *, required: list[str], optional: list[str] = ()) -> Iterator[tuple[int, dict[str, str]]]:
    """Yields (line number, row) with every value stripped; checks the header first. A row
    with the wrong number of values, or a NUL byte, is {ROW_ERRORS: [(column, reason), …]}."""
    reader = csv.reader(bounded_lines(stream))
    try:
        header = next(reader)
    except StopIteration:
        raise ImportFailed([(1, "header", gettext("the file is empty; expected %(columns)s")
                             % {"columns": ",".join(required)})]) from None
    except UnicodeDecodeError:
        raise ImportFailed([(1, "file", gettext("not UTF-8 text"))]) from None
    if any("\x00" in name for name in header):
        raise ImportFailed([(1, "header", gettext("NUL byte"))])
    header = [name.strip().lower() for name in header]
    missing = [name for name in required if name not in header]
    if missing:
        raise ImportFailed([(1, name, gettext("column missing from the header")) for name in missing])
    known = set(required) | set(optional)
    unknown = [name for name in header if name not in known]
    if unknown:
        raise ImportFailed([(1, name, gettext("unknown column")) for name in unknown])
    line = 1
    try:
        for values in reader:
            line = reader.line_num
            if not values or all(not v.strip() for v in values):
                continue  # blank lines are harmless
            if len(values) != len(header):
                yield line, {ROW_ERRORS: [("row", gettext("expected %(expected)s values, found %(found)s")
                                                   % {"expected": len(header), "found": len(values)})]}
                continue
            # Python reads a NUL as any other character; PostgreSQL's text refuses it.
            if "\x00" in "".join(values):
                yield line, {ROW_ERRORS: [(name, gettext("NUL byte"))
                                          for name, value in zip(header, values, strict=True) if "\x00" in value]}
                continue
            yield line, {name: value.strip() for name, value in zip(header, values, strict=True)}
    except UnicodeDecodeError:
        raise ImportFailed([(line + 1, "file", gettext("not UTF-8 text"))]) from None
    except csv.Error as exc:
        raise ImportFailed([(reader.line_num, "file", str(exc))]) from None


def good_rows(stream, errors: RowErrors, *, required: list[str], optional: list[str] = (),
              progress: Progress | None = None, every: int = 1) -> Iterator[tuple[int, dict[str, str]]]:
    """``read_rows`` without the malformed rows, whose problems go to ``errors``; ``progress`` hears of every
    row read, in steps of ``every`` rows."""
    done = 0
    for line, row in read_rows(stream, required=required, optional=optional):
        done += 1
        if progress and done % every == 0:
            progress(every)
        if ROW_ERRORS in row:
            for column, reason in row[ROW_ERRORS]:
                errors.add(line, column, reason)
            continue
        yield line, row
    if progress and done % every:
        progress(done % every)


def count_lines(path) -> int | None:
    """Data lines in a file on disk, for a progress bar; None for a stream."""
    if not (isinstance(path, str) or hasattr(path, "__fspath__")):
        return None
    with open(path, "rb") as fh:
        return max(sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b"")) - 1, 0)


# --- field parsers: each returns the value or raises ValueError(reason) -------

def parse_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(gettext("not a date in YYYY-MM-DD form: %(value)r") % {"value": value}) from None


def parse_amount(value: str, *, allow_negative: bool = False, allow_zero: bool = False) -> Decimal:
    """An amount as core.money reads money: plain ASCII digits, a point and at most 2 places ("1e3", "1_000"
    and "５" are no amounts), a minus sign only with ``allow_negative``."""
    if not is_plain_amount(value):
        raise ValueError(gettext("not an amount: %(value)r") % {"value": value})
    amount = Decimal(value)
    if abs(amount) >= Decimal("1e12"):  # first: quantize() can't round an amount of more than 28 digits
        raise ValueError(gettext("too large: %(value)r") % {"value": value})
    if amount != amount.quantize(Decimal("0.01")):
        raise ValueError(gettext("more than 2 decimal places: %(value)r") % {"value": value})
    if amount < 0 and not allow_negative:
        raise ValueError(gettext("must not be negative: %(value)r") % {"value": value})
    if amount == 0 and not allow_zero:
        raise ValueError(gettext("must not be zero"))
    return amount.quantize(Decimal("0.01"))

