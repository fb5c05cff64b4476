"""Imports of consumers.csv and ledger.csv from the billing system.

One code path for the commands and the upload page. The file is streamed into
a staging table (COPY on PostgreSQL), checked there with set-based
SQL that reports every bad row as ``line N: column: reason``, and only a clean
file is written, with one INSERT … SELECT and one UPDATE … FROM. One exception:
the first load of a large ledger file into an empty ledger goes straight into
the ledger (see "the first load" below), and falls back to this path on any
doubt. All-or-nothing: one transaction per file. Importing the same file twice
changes nothing.
"""

import csv
import io
import logging
import queue
import re
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import DatabaseError, DataError, IntegrityError, connection, transaction

from arrears.ledger import positions_refresh
from arrears.models import Category, EntryKind
from core.dates import india_today
from imports.pipeline.reader import (
    ADDRESS_CONTROL_RE,
    CONTROL_RE,
    MAX_LINE,
    ROW_ERRORS,
    ImportResult,
    Progress,
    RowErrors,
    open_text,
    read_rows,
)

CONSUMER_COLUMNS = ["account_no", "name", "address", "division_code", "category", "sanctioned_load_kw", "phone",
                    "meter_no", "is_protected"]
CONSUMER_REQUIRED = ["account_no", "name", "division_code", "category"]
LEDGER_COLUMNS = ["account_no", "entry_date", "kind", "amount", "reference", "due_date"]
LEDGER_REQUIRED = ["account_no", "entry_date", "kind", "amount", "reference"]

MAX_ERRORS = 1000
logger = logging.getLogger(__name__)
_COPY_CHUNK = 1 << 20  # characters per COPY write
_ANALYZE_AFTER = 100_000  # rows created by one import


@contextmanager
def _phase(name: str):
    """Logs how long a step of an import took (INFO): where the time of a large import goes."""
    started = time.perf_counter()
    yield
    logger.info("%s: %.1f s", name, time.perf_counter() - started)


# --- staging -------------------------------------------------------------------

class _Pipe(io.RawIOBase):
    """A file-like object that COPY reads, its text made on demand by ``_more`` (b"" at the end)."""

    def __init__(self):
        self._buffer = b""
        self._ended = False

    def readable(self) -> bool:
        return True

    def _more(self) -> bytes:
        raise NotImplementedError

    def read(self, size: int = -1) -> bytes:
        while not self._ended and (size < 0 or len(self._buffer) < size):
            more = self._more()
            self._ended = not more
            self._buffer += more
        if size < 0:
            size = len(self._buffer)
        data, self._buffer = self._buffer[:size], self._buffer[size:]
        return data


class _CsvPipe(_Pipe):
    """CSV text of (line, values…) rows."""

    def __init__(self, rows: Iterator[list]):
        super().__init__()
        self._rows = rows
        self.error: BaseException | None = None  # psycopg2 hides what read() raised; keep it

    def _more(self) -> bytes:
        chunk = io.StringIO()
        writer = csv.writer(chunk, lineterminator="\n")
        try:
            for row in self._rows:
                writer.writerow(row)
                if chunk.tell() >= _COPY_CHUNK:
                    break
        except BaseException as exc:
            self.error = exc
            raise
        return chunk.getvalue().encode("utf-8")


@dataclass
class Staged:
    table: str
    rows: int
    # Whether a value may hold a control character (the scan of a COPYed file saw none: False).
    controls: bool = True


def _staged_rows(file, columns: list[str], required: list[str], errors: RowErrors,
                 progress: Progress | None) -> Iterator[list]:
    """(line, values in `columns` order) for each well-formed row; structural errors go to `errors`."""
    done = 0
    with open_text(file) as stream:
        for line, row in read_rows(stream, required=required, optional=[c for c in columns if c not in required]):
            done += 1
            if progress and done % 10000 == 0:
                progress(10000)
            if ROW_ERRORS in row:
                for column, reason in row[ROW_ERRORS]:
                    errors.add(line, column, reason)
                continue
            yield [line] + [row.get(column, "") for column in columns]
    if progress and done % 10000:
        progress(done % 10000)


# A line on which COPY's CSV and Python's csv read the same values: each field bare
# (no quote in it) or wholly quoted with doubled inner quotes. Every repeat is possessive
# (Python 3.11): matching keeps no backtracking point per character, so its memory does not
# grow with a field's length (an alternation repeated per character took 125 bytes each).
_FIELD = rb'(?:"[^"\r\n]*+(?:""[^"\r\n]*+)*+"|[^",\r\n]*+)'
_PLAIN_LINE = re.compile(rb"%s(?:,%s)*+\r?" % (_FIELD, _FIELD))
_SCAN_CHUNK = 16 << 20
# Bytes of whitespace the reader strips from each value (ASCII, or a byte of a UTF-8
# encoded Unicode space). bytes.translate deletes all other bytes in one fast pass, where a
# regular expression would take minutes on 20 million rows. A file with none needs no
# stripping; one with some (a name with a space) is checked in SQL after the COPY.
_NOT_SPACE = bytes(b for b in range(256) if b not in b" \t\x0b\x0c\x1c\x1d\x1e\x1f\x80\x81\x85\x9a\x9f\xa0")
# What str.strip() strips: every character for which str.isspace() is true.
_STRIPPED = "".join(chr(c) for c in range(0x3001) if chr(c).isspace())


def _needs_reader(chunk: bytes, first: bool) -> bool:
    """A line that starts blank (perhaps a row of blanks, which the reader skips)."""
    return b"\n," in chunk or b'\n"' in chunk or (first and chunk[:1] in (b",", b'"'))


# Bytes that are a whole whitespace character on their own (ASCII).
_ASCII_SPACES = frozenset(b" \t\x0b\x0c\x1c\x1d\x1e\x1f")
# Bytes of a control character (see CONTROL_RE): one of C0 or DEL, or the lead byte of a
# C1 character (\xc2) or of U+FFFE/U+FFFF (\xef). A file with none needs no check for them.
_CONTROLS = frozenset([*range(0x20), 0x7F, 0xC2, 0xEF]) - frozenset(b"\n\r")
_NOT_NOTED = bytes(b for b in range(256) if b in _NOT_SPACE and b not in _CONTROLS)


def _noted_bytes(chunk: bytes) -> frozenset[int]:
    """The bytes in ``chunk`` that are, or may be part of, whitespace the reader strips or a
    control character: one fast pass."""
    return frozenset(chunk.translate(None, _NOT_NOTED))


def _has_long_line(chunk: bytes) -> bool:
    """Whether a line of ``chunk`` is longer than MAX_LINE bytes, its line end included. Such a
    line holds a whole aligned window of MAX_LINE // 2 bytes without a line end, so a few
    hundred find() calls a megabyte tell, not one a line."""
    half = MAX_LINE // 2
    for start in range(0, len(chunk), half):
        if chunk.find(b"\n", start, start + half) < 0:
            end = chunk.find(b"\n", start)
            if (len(chunk) if end < 0 else end + 1) - (chunk.rfind(b"\n", 0, start) + 1) > MAX_LINE:
                return True
    return False


def _header_names(text: str) -> list[str]:
    """The column names of a header line, as the reader reads them."""
    return [name.strip().lower() for name in next(csv.reader(io.StringIO(text)))]


def _binary_source(file):
    """(binary stream, whether to close it) for a path or a seekable binary stream; None otherwise."""
    if isinstance(file, (str, bytes)) or hasattr(file, "__fspath__"):
        return open(file, "rb"), True
    if isinstance(file, io.TextIOBase) or not getattr(file, "seekable", lambda: False)():
        return None
    return file, False


def _plain_data_lines(stream) -> tuple[int, frozenset[int]] | None:
    """(lines after the header, the bytes of whitespace or control characters a value may
    hold) if every line is a plain CSV line (see _PLAIN_LINE), else None.

    Such a file holds one row per physical line, so a row's line number is its
    place in the file plus one; COPY can then read it without Python's reader. A line
    too long or a NUL byte is for the reader, which names its line.
    """
    lines = 0
    tail = b""
    noted = frozenset()
    for chunk in iter(lambda: stream.read(_SCAN_CHUNK), b""):
        chunk = tail + chunk
        cut = chunk.rfind(b"\n") + 1
        chunk, tail = chunk[:cut], chunk[cut:]
        if len(tail) > MAX_LINE or _has_long_line(chunk):
            return None
        if b"\r" in chunk and chunk.count(b"\r") != chunk.count(b"\r\n"):
            return None  # a lone CR ends a line for Python, not for COPY
        if _needs_reader(chunk, not lines):
            return None
        noted |= _noted_bytes(chunk)
        if 0 in noted:
            return None
        lines += chunk.count(b"\n")
        if b'"' in chunk and not all(_PLAIN_LINE.fullmatch(line) for line in chunk.split(b"\n")[:-1]
                                     if b'"' in line):
            return None
    if tail:
        if b"\r" in tail or _needs_reader(tail, not lines) or (
                b'"' in tail and not _PLAIN_LINE.fullmatch(tail)):
            return None
        noted |= _noted_bytes(tail)
        if 0 in noted:
            return None
        lines += 1
    return lines, noted


def _stage_copy(file, table: str, columns: list[str], required: list[str],
                progress: Progress | None) -> Staged | None:
    """PostgreSQL's fast path: COPY the file itself into the staging table; None when only
    the row-by-row reader reads this file right (quotes mid-field, blank lines, a wrong
    number of values, not UTF-8, a NUL byte, a line too long …): that path then reports
    what is wrong.
    """
    source = _binary_source(file)
    if source is None:
        return None
    stream, close = source
    start = stream.tell()
    rows = None
    try:
        first = stream.readline(MAX_LINE + 1)
        if len(first) > MAX_LINE:
            return None
        try:
            header_text = first.decode("utf-8-sig")
        except UnicodeDecodeError:
            return None
        # The header is checked as the reader checks it (ImportFailed for a bad one).
        for _row in read_rows(io.StringIO(header_text), required=required,
                              optional=[c for c in columns if c not in required]):
            pass
        header = _header_names(header_text)
        if len(set(header)) != len(header):
            return None
        with _phase("scan of the file"):
            scanned = _plain_data_lines(stream)
        if scanned is None:
            return None
        lines, noted = scanned
        spaces = noted.difference(_NOT_SPACE)
        stream.seek(start + len(first))
        definition = ", ".join(["line bigint GENERATED ALWAYS AS IDENTITY (START WITH 2)"]
                               + [f"{c} {_text_type(c)} NOT NULL DEFAULT ''" for c in columns])
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(f"CREATE UNLOGGED TABLE {table} ({definition})")
                with _phase("COPY into the staging table"):
                    cursor.copy_expert(f"COPY {table} ({', '.join(header)}) FROM STDIN WITH"
                                       f" (FORMAT csv, FORCE_NOT_NULL ({', '.join(header)}))", stream, _SCAN_CHUNK)
                rows = cursor.rowcount
                if rows != lines:
                    raise _NotPlain
                if spaces:
                    # A value with whitespace at either end: the reader strips it (and skips a row
                    # of blanks); rare, so that file takes the reader's path. Only ASCII spaces in
                    # the file (names with spaces): a LIKE per space character and end, four times
                    # cheaper than trimming every value of all Unicode whitespace.
                    if spaces <= _ASCII_SPACES:
                        edges = " OR ".join(f"{c} LIKE %s" for c in header for _ in spaces for _end in "ab")
                        params = [p for c in header for b in spaces for p in (chr(b) + "%", "%" + chr(b))]
                    else:
                        edges = " OR ".join(f"{c} <> btrim({c}, %s)" for c in header)
                        params = [_STRIPPED] * len(header)
                    cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {table} WHERE {edges})", params)
                    if cursor.fetchone()[0]:
                        raise _NotPlain
        except (_NotPlain, DatabaseError, connection.Database.Error):
            rows = None
    finally:
        if close:
            stream.close()
        elif rows is None:
            stream.seek(start)  # for the reader
    if rows is None:
        return None
    if progress:
        progress(rows)
    return Staged(table=table, rows=rows, controls=bool(noted & _CONTROLS))


# Staged columns compared with CodeFields (collation "C" on PostgreSQL) share their collation.
_CODES = {"account_no", "kind", "reference"}


def _text_type(column: str) -> str:
    return 'text COLLATE "C"' if column in _CODES and connection.vendor == "postgresql" else "text"


class _NotPlain(Exception):
    pass


def _stage(file, columns: list[str], required: list[str], errors: RowErrors, progress: Progress | None) -> Staged:
    """Loads the file into a staging table `(line bigint, <columns> text)` (see _drop)."""
    table = f"import_stage_{uuid.uuid4().hex[:12]}"
    if connection.vendor == "postgresql":
        staged = _stage_copy(file, table, columns, required, progress)
        if staged is not None:
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {table}")
            return staged
        table = f"import_stage_{uuid.uuid4().hex[:12]}"
    definition = ", ".join(["line bigint"] + [f"{c} {_text_type(c)}" for c in columns])
    rows = _staged_rows(file, columns, required, errors, progress)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY is the fast path for millions of rows (and see _drop).
            cursor.execute(f"CREATE UNLOGGED TABLE {table} ({definition})")
            # FORCE_NOT_NULL: a blank field is '' as on SQLite, never NULL.
            pipe = _CsvPipe(rows)
            try:
                cursor.copy_expert(
                    f"COPY {table} FROM STDIN WITH (FORMAT csv, FORCE_NOT_NULL ({', '.join(columns)}))",
                    pipe, _COPY_CHUNK)
            except Exception:
                if pipe.error is not None:
                    raise pipe.error from None  # e.g. ImportFailed for a bad header
                raise
        else:
            cursor.execute(f"CREATE TEMP TABLE {table} ({definition})")
            marks = ", ".join(["%s"] * (len(columns) + 1))
            cursor.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)
        cursor.execute(f"SELECT COUNT(*) FROM {table}")
        count = cursor.fetchone()[0]
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {table}")
    return Staged(table=table, rows=count)


def _drop(staged: Staged) -> None:
    """Drops the staging table, in the import's transaction, before it commits (a failed
    import's rollback takes it away). On PostgreSQL it is an unlogged table, not a
    temporary one: the checks' scans of it then run on all cores."""
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {staged.table}")


# --- checks ----------------------------------------------------------------------

def _regex(column: str, pattern: str) -> str:
    op = "~" if connection.vendor == "postgresql" else "REGEXP"
    return f"({column} {op} '{pattern}')"


def _is_date(column: str) -> str:
    """True for a real calendar date in YYYY-MM-DD form (2026-02-30 is not)."""
    if connection.vendor == "postgresql":
        return (f"(CASE WHEN {_regex(column, DATE_RE)} "
                f"THEN CAST(substr({column}, 9, 2) AS int) <= CAST(EXTRACT(DAY FROM make_date("
                f"CAST(substr({column}, 1, 4) AS int), CAST(substr({column}, 6, 2) AS int), 1)"
                f" + interval '1 month - 1 day') AS int) ELSE false END)")
    return f"(length({column}) = 10 AND COALESCE(date({column}, '+0 days') = {column}, 0))"


# The grammar of account numbers, dates and amounts, in the syntax PostgreSQL and Python share.
ACCOUNT_RE = "^[0-9]{8,12}$"
DATE_RE = "^[12][0-9]{3}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
AMOUNT_RE = "^-?[0-9]{1,12}([.][0-9]{1,2})?$"


def _as_decimal(column: str) -> str:
    return f"CAST({column} AS NUMERIC(14, 2))" if connection.vendor == "postgresql" else f"CAST({column} AS REAL)"


def _as_date(column: str) -> str:
    return f"CAST({column} AS DATE)" if connection.vendor == "postgresql" else column


def _safe_decimal(column: str) -> str:
    """The amount, or NULL where it is not one (SQL does not promise to filter before it casts)."""
    return f"(CASE WHEN {_regex(column, AMOUNT_RE)} THEN {_as_decimal(column)} END)"


def _safe_date(column: str) -> str:
    return f"(CASE WHEN {_is_date(column)} THEN {_as_date(column)} END)"


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _collect(errors: RowErrors, checks: list[str], table: str, params: list | None = None) -> None:
    """Runs each check (SELECT line, column, reason …) and adds what it finds, in line order."""
    sql = " UNION ALL ".join(f"SELECT * FROM ({check}) AS c{i}" for i, check in enumerate(checks))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT line, col, reason FROM ({sql}) AS found ORDER BY line, col LIMIT {MAX_ERRORS}",
                       params or [])
        found = cursor.fetchall()
    merged = sorted(
        [(int(m.split(":")[0][5:]), m) for m in errors.messages]
        + [(line, f"line {line}: {column}: {reason}") for line, column, reason in found]
    )
    errors.messages = [message for _line, message in merged][:MAX_ERRORS]


def _concat(*parts: str) -> str:
    return " || ".join(parts)


def _control_check(table: str, column: str, pattern: str = CONTROL_RE) -> str:
    """A free-text column's control characters (see CONTROL_RE). The other columns have a
    grammar (digits, codes, dates, amounts) that no control character passes."""
    return f"SELECT line, '{column}' AS col, 'control character' AS reason FROM {table} WHERE {_regex(column, pattern)}"


def _duplicate_check(table: str, key: list[str], column: str) -> str:
    on = " AND ".join(f"d.{k} = s.{k}" for k in key)
    return (f"SELECT s.line, '{column}' AS col, {_concat(repr('duplicate of line '), 'CAST(d.first_line AS TEXT)')}"
            f" AS reason FROM {table} s JOIN (SELECT {', '.join(key)}, MIN(line) AS first_line FROM {table}"
            f" GROUP BY {', '.join(key)} HAVING COUNT(*) > 1) d ON {on} WHERE s.line > d.first_line")


# --- consumers ---------------------------------------------------------------------

def consumers_import(*, file, dry_run: bool = False, progress: Progress | None = None,
                     division_id: int | None = None) -> ImportResult:
    """Imports consumers.csv. With ``division_id`` (an officer's upload) every row must be
    a consumer of that division already, and stay in it: an officer corrects their
    consumers' details; new connections and moves between divisions come from IT's
    import of the billing system's file."""
    errors = RowErrors()
    with transaction.atomic():
        staged = _stage(file, CONSUMER_COLUMNS, CONSUMER_REQUIRED, errors, progress)
        t = staged.table
        categories = ", ".join(_quote(c) for c in Category.values)
        category_reason = "must be one of " + ", ".join(Category.values) + ": "
        checks = [
            f"SELECT line, 'account_no' AS col, {_concat(repr('must be 8 to 12 digits: '), 'account_no')} AS reason"
            f" FROM {t} WHERE NOT {_regex('account_no', ACCOUNT_RE)}",
            _duplicate_check(t, ["account_no"], "account_no"),
            f"SELECT line, 'name' AS col, 'must not be blank' AS reason FROM {t} WHERE name = ''",
            f"SELECT line, 'name' AS col, 'longer than 200 characters' AS reason FROM {t} WHERE length(name) > 200",
            f"SELECT s.line, 'division_code' AS col, {_concat(repr('unknown division: '), 's.division_code')}"
            f" AS reason FROM {t} s LEFT JOIN accounts_division d ON d.code = s.division_code WHERE d.id IS NULL",
            f"SELECT line, 'category' AS col, {_concat(repr(category_reason), 'category')}"
            f" AS reason FROM {t} WHERE category NOT IN ({categories})",
            f"SELECT line, 'sanctioned_load_kw' AS col, {_concat(repr('not a load in kW: '), 'sanctioned_load_kw')}"
            f" AS reason FROM {t} WHERE sanctioned_load_kw <> '' AND NOT"
            f" {_regex('sanctioned_load_kw', '^[0-9]{1,8}([.][0-9]{1,2})?$')}",
            f"SELECT line, 'phone' AS col, {_concat(repr('not a phone number: '), 'phone')} AS reason"
            f" FROM {t} WHERE phone <> '' AND NOT {_regex('phone', '^([+]91|0)?[0-9]{10}$')}",
            f"SELECT line, 'meter_no' AS col, 'longer than 30 characters' AS reason FROM {t}"
            f" WHERE length(meter_no) > 30",
            f"SELECT line, 'is_protected' AS col, {_concat(repr('must be 0 or 1 (blank = 0): '), 'is_protected')}"
            f" AS reason FROM {t} WHERE is_protected NOT IN ('', '0', '1')",
            _control_check(t, "name"),
            _control_check(t, "address", ADDRESS_CONTROL_RE),
            _control_check(t, "meter_no"),
        ]
        params = []
        if division_id is not None:
            checks += [
                f"SELECT s.line, 'division_code' AS col, {_concat(repr('outside your division: '), 's.division_code')}"
                f" AS reason FROM {t} s JOIN accounts_division d ON d.code = s.division_code WHERE d.id <> %s",
                # One answer whether the account is another division's or no one's: the
                # import is no way to learn which accounts exist elsewhere.
                f"SELECT s.line, 'account_no' AS col, 'outside your division' AS reason FROM {t} s"
                f" WHERE {_regex('s.account_no', ACCOUNT_RE)} AND NOT EXISTS (SELECT 1 FROM arrears_consumer c"
                f" WHERE c.account_no = s.account_no AND c.division_id = %s)",
            ]
            params += [division_id, division_id]
        with _phase("consumers import: checks"):
            _collect(errors, checks, t, params)
        errors.raise_if_any()
        with _phase("consumers import: write"):
            result = _consumers_write(staged, dry_run=dry_run, division_id=division_id)
        _drop(staged)
        if dry_run:
            transaction.set_rollback(True)
        return result


def _consumers_write(staged: Staged, *, dry_run: bool, division_id: int | None) -> ImportResult:
    """Writes a file that passed the checks. An officer's (``division_id``) only updates
    that division's consumers, never moves one and never creates one: the checks refused
    any other row already, and the write is confined to the division all the same."""
    t = staged.table
    load = ("CASE WHEN s.sanctioned_load_kw = '' THEN 0 ELSE " + _as_decimal("s.sanctioned_load_kw") + " END")
    protected = "CASE WHEN s.is_protected = '1' THEN TRUE ELSE FALSE END" if connection.vendor == "postgresql" \
        else "CASE WHEN s.is_protected = '1' THEN 1 ELSE 0 END"
    differs = (f"c.name <> s.name OR c.address <> s.address OR c.division_id <> d.id OR c.category <> s.category"
               f" OR c.sanctioned_load_kw <> {load} OR c.phone <> s.phone OR c.meter_no <> s.meter_no"
               f" OR c.is_protected <> {protected}")
    result = ImportResult(rows=staged.rows, dry_run=dry_run)
    officer = division_id is not None
    scope = " AND c.division_id = %s" if officer else ""
    scope_params = [division_id] if officer else []
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(c.id), COALESCE(SUM(CASE WHEN c.id IS NOT NULL AND ({differs}) THEN 1 ELSE 0 END), 0)"
            f" FROM {t} s JOIN accounts_division d ON d.code = s.division_code"
            f" LEFT JOIN arrears_consumer c ON c.account_no = s.account_no{scope}", scope_params)
        existing, updated = cursor.fetchone()
        result.created = staged.rows - existing
        result.updated = updated
        result.unchanged = existing - updated
        if dry_run:
            return result
    with _bulk_load(result.created + result.updated, "arrears_consumer"), connection.cursor() as cursor:
        now = "CURRENT_TIMESTAMP"
        cursor.execute(
            f"UPDATE arrears_consumer AS c SET name = s.name, address = s.address,"
            f"{'' if officer else ' division_id = d.id,'}"
            f" category = s.category, sanctioned_load_kw = {load}, phone = s.phone, meter_no = s.meter_no,"
            f" is_protected = {protected}, updated_at = {now}"
            f" FROM {t} s JOIN accounts_division d ON d.code = s.division_code"
            f" WHERE c.account_no = s.account_no AND ({differs}){scope}", scope_params)
        if not officer:
            cursor.execute(
                f"INSERT INTO arrears_consumer (account_no, name, address, division_id, category, sanctioned_load_kw,"
                f" phone, meter_no, is_protected, status, balance, arrears, arrears_from, created_at, updated_at)"
                f" SELECT s.account_no, s.name, s.address, d.id, s.category, {load}, s.phone, s.meter_no,"
                # No ledger yet: nothing owed, for ever (arrears_until NULL) until an entry is written.
                f" {protected}, 'connected', 0, 0, %s, {now}, {now}"
                f" FROM {t} s JOIN accounts_division d ON d.code = s.division_code"
                f" WHERE NOT EXISTS (SELECT 1 FROM arrears_consumer c WHERE c.account_no = s.account_no)"
                f" ORDER BY s.line", [india_today()])
    _analyze_if_large(result.created, ["arrears_consumer"])
    return result


# --- ledger ------------------------------------------------------------------------

def ledger_import(*, file, dry_run: bool = False, progress: Progress | None = None,
                  division_id: int | None = None, user_id: int | None = None, source: str = "import") -> ImportResult:
    """Imports ledger.csv (BILL, SURCHARGE, PAYMENT, ADJUSTMENT); (kind, reference) is the re-import key."""
    errors = RowErrors()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Money changes on these accounts wait for the import, so no payment can
            # slip between the new entries and the refresh of cached balances.
            with connection.cursor() as cursor:
                cursor.execute("LOCK TABLE arrears_ledgerentry IN SHARE ROW EXCLUSIVE MODE")
                # The duplicate check and the joins hash millions of rows: in memory, not spilled
                # to disk in 4 MB batches (the default). Only for this transaction.
                cursor.execute("SET LOCAL work_mem = '128MB'")
            if not dry_run:
                result = _ledger_first_load(file, division_id=division_id, user_id=user_id, source=source,
                                            progress=progress)
                if result is not None:
                    return result
        staged = _stage(file, LEDGER_COLUMNS, LEDGER_REQUIRED, errors, progress)
        t = staged.table
        params = [division_id] if division_id is not None else []
        result = None
        if not dry_run and not errors and connection.vendor == "postgresql":
            # A clean file (the usual case) is checked as it is written: one scan, where a
            # bad value stops the write. Only then (or for a dry run) do the detailed
            # checks run, to name every bad line.
            result = _ledger_write_checked(staged, division_id=division_id, user_id=user_id, source=source)
        if result is None:
            with _phase("ledger import: detailed checks"):
                _collect(errors, _ledger_checks(t, division_id), t, params)
            errors.raise_if_any()
            result = _ledger_write(staged, dry_run=dry_run, division_id=division_id, user_id=user_id, source=source)
        _drop(staged)
        if dry_run:
            transaction.set_rollback(True)
        return result


def _ledger_row_rules() -> list[tuple[str, str, str]]:
    """(column, reason, condition) for the checks that read one staged row alone."""
    amount_ok = _regex("amount", AMOUNT_RE)
    return [
        ("entry_date", _concat(repr("not a date in YYYY-MM-DD form: "), "entry_date"), f"NOT {_is_date('entry_date')}"),
        ("kind", _concat(repr("must be BILL, SURCHARGE, PAYMENT or ADJUSTMENT: "), "kind"),
         "kind NOT IN ('BILL', 'SURCHARGE', 'PAYMENT', 'ADJUSTMENT')"),
        ("amount", _concat(repr("not an amount with at most 2 decimal places: "), "amount"), f"NOT {amount_ok}"),
        ("amount", _concat(repr("must be more than zero for "), "kind"),
         f"kind IN ('BILL', 'SURCHARGE', 'PAYMENT') AND {_safe_decimal('amount')} <= 0"),
        ("amount", "'an adjustment must not be zero'", f"kind = 'ADJUSTMENT' AND {_safe_decimal('amount')} = 0"),
        ("due_date", "'required for a BILL'", "kind = 'BILL' AND due_date = ''"),
        ("due_date", _concat(repr("not a date in YYYY-MM-DD form: "), "due_date"),
         f"kind = 'BILL' AND due_date <> '' AND NOT {_is_date('due_date')}"),
        ("due_date", "'only a BILL has a due date'",
         "kind IN ('SURCHARGE', 'PAYMENT', 'ADJUSTMENT') AND due_date <> ''"),
        ("reference", "'must not be blank'", "reference = ''"),
        ("reference", "'longer than 40 characters'", "length(reference) > 40"),
        ("reference", "'control character'", _regex("reference", CONTROL_RE)),
    ]


def _ledger_checks(t: str, division_id: int | None) -> list[str]:
    """The detailed checks of a ledger file: every bad value of every line, named."""
    checks = [f"SELECT line, '{column}' AS col, {reason} AS reason FROM {t} WHERE {condition}"
              for column, reason, condition in _ledger_row_rules()]
    checks.append(_duplicate_check(t, ["kind", "reference"], "reference"))
    if division_id is None:
        checks.append(
            f"SELECT s.line, 'account_no' AS col, {_concat(repr('unknown account: '), 's.account_no')} AS reason"
            f" FROM {t} s LEFT JOIN arrears_consumer c ON c.account_no = s.account_no WHERE c.id IS NULL")
    else:
        # For an officer one answer whether the account is another division's or no one's:
        # the import is no way to learn which accounts exist elsewhere.
        checks.append(
            f"SELECT s.line, 'account_no' AS col, 'outside your division' AS reason FROM {t} s WHERE NOT EXISTS"
            f" (SELECT 1 FROM arrears_consumer c WHERE c.account_no = s.account_no AND c.division_id = %s)")
    checks += [
        # Already on the ledger with other values: the ledger is append-only.
        f"SELECT s.line, 'reference' AS col, {_concat(repr('already imported with other values: '), 's.reference')}"
        f" AS reason FROM {t} s JOIN arrears_ledgerentry l ON l.kind = s.kind AND l.reference = s.reference"
        f" JOIN arrears_consumer c ON c.id = l.consumer_id"
        f" WHERE c.account_no <> s.account_no OR l.entry_date <> {_safe_date('s.entry_date')}"
        f" OR l.amount <> {_safe_decimal('s.amount')}"
        f" OR COALESCE(CAST(l.due_date AS TEXT), '') <> s.due_date",
    ]
    return checks


# The ledger's rows from a staged file, each value cast once (OFFSET 0 keeps the planner
# from copying the casts into every expression that uses them) and checked on the way:
# a value the detailed checks would refuse becomes NULL (a NOT NULL column refuses it)
# or an error, and the database's own constraints refuse the rest (a BILL without a due
# date, a zero amount, a reference too long, a key twice). Dates and amounts must read
# back exactly as written (DateStyle ISO), which is as strict as the detailed checks'
# patterns and much cheaper than a regular expression. {reference}: the one free-text
# value, checked for control characters only in a file that may hold one. {division}:
# an officer's import finds only the division's consumers (another's row has none: NULL).
_ROWS_CHECKED_AS_CAST = """
SELECT c.id AS consumer_id, v.kind, v.reference,
       CASE WHEN CAST(v.entry_date AS TEXT) = v.entry_text AND v.entry_text >= '1000' AND v.entry_text < '3'
            THEN v.entry_date END AS entry_date,
       CASE WHEN CAST(v.amount AS TEXT) = v.amount_text AND scale(v.amount) <= 2
                 AND v.amount > -1e12 AND v.amount < 1e12
            THEN CAST(v.amount AS NUMERIC(14, 2)) END AS amount,
       CASE WHEN v.due_text = '' THEN NULL
            WHEN CAST(v.due_date AS TEXT) = v.due_text AND v.due_text >= '1000' AND v.due_text < '3'
            THEN v.due_date ELSE CAST('not a date: ' || v.due_text AS DATE) END AS due_date
FROM (
    SELECT s.account_no, CASE WHEN s.kind IN ('BILL', 'SURCHARGE', 'PAYMENT', 'ADJUSTMENT') THEN s.kind END
           AS kind, {reference} AS reference,
           CAST(s.entry_date AS DATE) AS entry_date, s.entry_date AS entry_text,
           CAST(s.amount AS NUMERIC) AS amount, s.amount AS amount_text,
           CAST(NULLIF(s.due_date, '') AS DATE) AS due_date, s.due_date AS due_text
    FROM {table} s OFFSET 0
) v LEFT JOIN arrears_consumer c ON c.account_no = v.account_no {division}
"""

# A file the detailed checks passed: its rows, cast (any database). {division} as above.
_ROWS_OF_A_CHECKED_FILE = """
SELECT c.id AS consumer_id, s.kind, s.reference, {entry_date} AS entry_date, {amount} AS amount,
       CASE WHEN s.kind = 'BILL' THEN {due_date} END AS due_date
FROM {table} s JOIN arrears_consumer c ON c.account_no = s.account_no {division}
"""

# The new rows of either source (the database derives their debit, credit and due_on:
# generated columns). A row whose (kind, reference) is already on the ledger is skipped:
# the same row, the checks made sure. {fence} (PostgreSQL: OFFSET 0) keeps each
# source's casts computed once.
_NEW_LEDGER_ROWS = """
FROM ({rows}{fence}) r
WHERE NOT EXISTS (SELECT 1 FROM arrears_ledgerentry l WHERE l.kind = r.kind AND l.reference = r.reference)
"""

_LEDGER_INSERT = """
INSERT INTO arrears_ledgerentry (/*id*/consumer_id, entry_date, kind, amount, reference, due_date,
                                 created_by_id, source)
SELECT /*new id*/r.consumer_id, r.entry_date, r.kind, r.amount, r.reference, r.due_date, %s, %s
""" + _NEW_LEDGER_ROWS


def _ledger_write_checked(staged: Staged, *, division_id: int | None, user_id: int | None,
                          source: str) -> ImportResult | None:
    """PostgreSQL: writes a clean file with its checks in the same scan; None (and nothing
    written) when a row would fail them, for the detailed checks to say which."""
    division = "AND c.division_id = %s" if division_id is not None else ""
    reference = "NULLIF(s.reference, '')"
    if staged.controls:
        reference = f"CASE WHEN {_regex('s.reference', CONTROL_RE)} THEN NULL ELSE {reference} END"
    rows = _ROWS_CHECKED_AS_CAST.format(table=staged.table, division=division, reference=reference)
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL DateStyle = 'ISO, YMD'")
                with _phase("ledger import: keys already on the ledger"):
                    # Rows already imported must be the same rows: the ledger is append-only.
                    cursor.execute(
                        f"SELECT EXISTS (SELECT 1 FROM ({rows}) r"
                        f" JOIN arrears_ledgerentry l ON l.kind = r.kind AND l.reference = r.reference"
                        f" WHERE l.consumer_id IS DISTINCT FROM r.consumer_id"
                        f" OR l.entry_date IS DISTINCT FROM r.entry_date OR l.amount IS DISTINCT FROM r.amount"
                        f" OR l.due_date IS DISTINCT FROM r.due_date)",
                        [division_id] if division_id is not None else [])
                    if cursor.fetchone()[0]:
                        return None
            return _ledger_insert(staged, sql=_LEDGER_INSERT.format(rows=rows, fence=" OFFSET 0"),
                                  params=[user_id, source] + ([division_id] if division_id is not None else []),
                                  division_id=division_id)
    except (IntegrityError, DataError) as exc:
        logger.info("ledger import: a row failed the checks (%s); naming the lines", str(exc).splitlines()[0])
        return None


def _ledger_write(staged: Staged, *, dry_run: bool, division_id: int | None, user_id: int | None,
                  source: str) -> ImportResult:
    """Writes a file that passed the detailed checks (or counts what it would write)."""
    scope = [division_id] if division_id is not None else []
    rows = _ROWS_OF_A_CHECKED_FILE.format(table=staged.table, entry_date=_as_date("s.entry_date"),
                                          amount=_as_decimal("s.amount"), due_date=_as_date("s.due_date"),
                                          division="AND c.division_id = %s" if scope else "")
    fence = " OFFSET 0" if connection.vendor == "postgresql" else ""
    if dry_run:
        result = ImportResult(rows=staged.rows, dry_run=True)
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) " + _NEW_LEDGER_ROWS.format(rows=rows, fence=fence), scope)
            result.created = cursor.fetchone()[0]
        result.unchanged = staged.rows - result.created
        return result
    return _ledger_insert(staged, sql=_LEDGER_INSERT.format(rows=rows, fence=fence), params=[user_id, source, *scope],
                          division_id=division_id)


def _ledger_ids(cursor) -> tuple[str, int]:
    """(the ledger id sequence, the last id taken): a bulk load, holding the table locked and
    its primary key dropped, takes the ids after it and sets the sequence past them."""
    cursor.execute("SELECT pg_get_serial_sequence('arrears_ledgerentry', 'id')")
    sequence = cursor.fetchone()[0]
    cursor.execute(f"SELECT GREATEST((SELECT last_value FROM {sequence}),"
                   f" (SELECT COALESCE(MAX(id), 0) FROM arrears_ledgerentry))")
    return sequence, cursor.fetchone()[0]


def _ledger_insert(staged: Staged, *, sql: str, params: list, division_id: int | None) -> ImportResult:
    """Runs the INSERT … SELECT of new ledger rows (``sql`` marks where a bulk load puts
    the ids: /*id*/ and /*new id*/), then refreshes the cached figures of the consumers
    it touched (of ``division_id`` only, for an officer), as of today."""
    t = staged.table
    result = ImportResult(rows=staged.rows)
    with _bulk_load(staged.rows, primary_key=True) as bulk, connection.cursor() as cursor:
        if bulk:
            # Without its primary key index the table takes ids from a block reserved
            # here, not one sequence call per row. The import holds the table locked.
            sequence, base = _ledger_ids(cursor)
            cursor.execute("SELECT setval(%s, %s)", [sequence, base + staged.rows])
            sql = sql.replace("/*id*/", "id, ").replace("/*new id*/", "%s + ROW_NUMBER() OVER (), ")
            params = [base, *params]
        with _phase("ledger import: INSERT … SELECT"):
            cursor.execute(sql, params)
        result.created = cursor.rowcount
        result.unchanged = staged.rows - result.created
    if not result.created:
        return result
    if bulk:
        _refresh_all_positions(result.created, division_id=division_id)
        return result
    with _phase("ledger import: consumers touched"), connection.cursor() as cursor:
        scope = " AND c.division_id = %s" if division_id is not None else ""
        cursor.execute(f"CREATE TEMP TABLE {t}_touched AS SELECT DISTINCT c.id AS consumer_id"
                       f" FROM {t} s JOIN arrears_consumer c ON c.account_no = s.account_no{scope}",
                       [division_id] if scope else None)
    # Before the refresh reads the new rows: planned for the ledger's old size, it nests loops.
    _analyze_if_large(result.created, ["arrears_ledgerentry", f"{t}_touched"])
    try:
        with _phase("ledger import: positions refresh"):
            positions_refresh(as_of=india_today(), in_table=f"{t}_touched")
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {t}_touched")
    _analyze_if_large(result.created, ["arrears_consumer"])
    return result


# --- the first load of a ledger -----------------------------------------------------
#
# Loading the billing system's history into an empty ledger is the largest import there
# is (DESIGN.md: 20 million rows). It skips the staging table: this process reads the
# file, checks each line against the contract's grammar (DATE_RE, AMOUNT_RE, the kinds),
# finds its consumer, and streams the rows straight into the ledger with COPY, on a thread
# of its own, so the reading and the database's writing run on two cores at once. What
# the grammar can't see the database refuses: a date that isn't on the calendar, an
# amount of the wrong sign, a bill without a due date, a key twice. Any refusal, or a
# line the grammar doesn't take (quotes, blanks, an unknown account …), undoes the load
# and the file takes the staging path, which names every bad line.

_LOAD_CHUNK = 4 << 20  # bytes of the file read (and checked) at a time
# Account numbers and references as COPY's text format takes them verbatim: printable
# ASCII without space, quote, comma or backslash (anything else takes the staging path).
_VERBATIM = rb"[\x21\x23-\x2b\x2d-\x5b\x5d-\x7e]"


def _py_pattern(pattern: str) -> bytes:
    """A DATE_RE/AMOUNT_RE-style pattern as an unanchored, non-capturing Python bytes pattern."""
    return pattern.strip("^$").replace("(", "(?:").encode()


def _first_load_line(header: list[str]) -> tuple[re.Pattern, list[int]] | None:
    """The pattern of one data line under this header, and where its groups are in
    LEDGER_COLUMNS order; None for a header the staging path had better judge."""
    if len(set(header)) != len(header) or set(header) - set(LEDGER_COLUMNS) or set(LEDGER_REQUIRED) - set(header):
        return None
    date, kinds = _py_pattern(DATE_RE), "|".join(EntryKind.values).encode()
    fields = {
        "account_no": rb"([0-9]{1,12})",
        "entry_date": rb"(%s)" % date,
        "kind": rb"(%s)" % kinds,
        "amount": rb"(%s)" % _py_pattern(AMOUNT_RE),
        "reference": rb"(%s{1,40})" % _VERBATIM,
        "due_date": rb"((?:%s)?)" % date,
    }
    # A column the header leaves out (due_date may be) is an empty group at the end.
    absent = [name for name in LEDGER_COLUMNS if name not in header]
    line = re.compile(b",".join(fields[name] for name in header) + rb"\r?\n" + b"()" * len(absent))
    order = header + absent
    return line, [order.index(name) + 1 for name in LEDGER_COLUMNS]


class _NotFirstLoad(Exception):
    """This file (or this ledger) is not for the first-load path; the staging path takes it."""


class _QueuePipe(_Pipe):
    """Blocks of rows a producer thread puts on a queue: (text, rows), then None at the
    end, or the exception that stopped it."""

    def __init__(self, blocks: queue.Queue, progress: Progress | None):
        super().__init__()
        self._blocks = blocks
        self._progress = progress
        self.rows = 0

    def _more(self) -> bytes:
        block = self._blocks.get()
        if isinstance(block, BaseException):
            self._ended = True
            raise block
        if block is None:
            return b""
        data, rows = block
        self.rows += rows
        if self._progress:
            self._progress(rows)
        return data


def _first_load_rows(stream, line: re.Pattern, order: list[int], accounts: dict[bytes, int], first_id: int,
                     suffix: bytes, blocks: queue.Queue, stop: threading.Event) -> None:
    """The producer: puts (COPY text, rows) blocks on ``blocks``, then None; or the exception."""
    try:
        match, get, next_id, tail = line.match, accounts.get, first_id, b""
        for chunk in iter(lambda: stream.read(_LOAD_CHUNK), b""):
            if stop.is_set():
                return
            chunk = tail + chunk
            cut = chunk.rfind(b"\n") + 1
            chunk, tail = chunk[:cut], chunk[cut:]
            if len(tail) > MAX_LINE:  # no line this long is in the plain form: not held in memory whole
                raise _NotFirstLoad(f"a line is longer than {MAX_LINE} bytes")
            out, pos, end = [], 0, len(chunk)
            while pos < end:
                found = match(chunk, pos)
                if found is None:
                    raise _NotFirstLoad(f"line {next_id - first_id + 2} is not in the plain form")
                account, entry_date, kind, amount, reference, due_date = found.group(*order)
                consumer = get(account)
                if consumer is None:
                    raise _NotFirstLoad(f"line {next_id - first_id + 2}: account not found")
                out.append(b"%d\t%d\t%s\t%s\t%s\t%s\t%s%s" % (
                    next_id, consumer, entry_date, kind, amount, reference, due_date or b"\\N", suffix))
                next_id += 1
                pos = found.end()
            blocks.put((b"".join(out), len(out)))
        if tail:
            raise _NotFirstLoad("the last line has no line end")  # rare: the staging path takes it
        blocks.put(None)
    except BaseException as exc:  # handed to COPY's reader, which raises it in the importing thread
        blocks.put(exc)


def _account_ids(division_id: int | None) -> dict[bytes, int]:
    """account_no → consumer id (of one division, for an officer's upload), read in batches."""
    accounts = {}
    sql = "SELECT account_no, id FROM arrears_consumer"
    with connection.chunked_cursor() as cursor:
        if division_id is None:
            cursor.execute(sql)
        else:
            cursor.execute(sql + " WHERE division_id = %s", [division_id])
        for account_no, consumer_id in cursor:
            accounts[account_no.encode()] = consumer_id
    return accounts


def _ledger_first_load(file, *, division_id: int | None, user_id: int | None, source: str,
                       progress: Progress | None) -> ImportResult | None:
    """PostgreSQL, a large file and an empty ledger: the file straight into the ledger
    (see above); None, with nothing written, when the staging path must take it."""
    if connection.vendor != "postgresql":
        return None
    binary = _binary_source(file)
    if binary is None:
        return None
    stream, close = binary
    start = stream.tell()
    try:
        size = stream.seek(0, io.SEEK_END)
        stream.seek(start)
        header_line = stream.readline(MAX_LINE + 1)
        first_line = stream.readline(MAX_LINE + 1)
        if not first_line or max(len(header_line), len(first_line)) > MAX_LINE or (
                (size - start) // len(first_line) < _BULK_ROWS):
            return None
        try:
            header = _header_names(header_line.decode("utf-8-sig"))
        except (UnicodeDecodeError, StopIteration, csv.Error):
            return None
        line = _first_load_line(header)
        if line is None:
            return None
        with connection.cursor() as cursor:
            cursor.execute("SELECT EXISTS (SELECT 1 FROM arrears_ledgerentry)")
            if cursor.fetchone()[0]:
                return None
        stream.seek(start + len(header_line))
        try:
            with transaction.atomic():
                return _first_load_write(stream, *line, estimate=(size - start) // len(first_line),
                                         division_id=division_id, user_id=user_id, source=source, progress=progress)
        except (_NotFirstLoad, DatabaseError, connection.Database.Error) as exc:
            logger.info("ledger import: not a first load (%s); staging the file", str(exc).splitlines()[0])
            return None
    finally:
        if close:
            stream.close()
        else:
            stream.seek(start)


def _first_load_write(stream, line: re.Pattern, order: list[int], *, estimate: int, division_id: int | None,
                      user_id: int | None, source: str, progress: Progress | None) -> ImportResult:
    with _phase("ledger first load: accounts"):
        accounts = _account_ids(division_id)
    with _bulk_load(estimate, primary_key=True, empty=True) as bulk, connection.cursor() as cursor:
        if not bulk:
            raise _NotFirstLoad("the ledger's keys are in place")
        # Ids from the identity's sequence, set past them after the load (the table is locked).
        sequence, base = _ledger_ids(cursor)
        # Emptied here (it is empty: the import holds it locked) so that COPY may write the
        # rows frozen and all-visible: no later pass sets their hint bits (9 s of the first
        # index build on 20M rows) or freezes them (a VACUUM rewriting the table). Readers
        # of the ledger wait for this load (TRUNCATE locks it exclusively until commit).
        cursor.execute("TRUNCATE arrears_ledgerentry")
        blocks, stop = queue.Queue(maxsize=4), threading.Event()
        suffix = b"\t%s\t%s\n" % (b"\\N" if user_id is None else str(user_id).encode(), source.encode())
        producer = threading.Thread(target=_first_load_rows, name="ledger-first-load", daemon=True,
                                    args=(stream, line, order, accounts, base + 1, suffix, blocks, stop))
        pipe = _QueuePipe(blocks, progress)
        producer.start()
        try:
            with _phase("ledger first load: COPY into the ledger"):
                cursor.copy_expert("COPY arrears_ledgerentry (id, consumer_id, entry_date, kind, amount, reference,"
                                   " due_date, created_by_id, source) FROM STDIN WITH (FREEZE)", pipe, _COPY_CHUNK)
        finally:
            stop.set()
            while producer.is_alive():  # let a producer blocked on a full queue finish
                try:
                    blocks.get_nowait()
                except queue.Empty:
                    producer.join(0.05)
        if cursor.rowcount != pipe.rows:
            raise _NotFirstLoad("COPY wrote a different number of rows")
        cursor.execute("SELECT setval(%s, %s)", [sequence, base + pipe.rows])
    result = ImportResult(rows=pipe.rows, created=pipe.rows)
    _refresh_all_positions(result.created, division_id=division_id)
    return result


# A load this large, and a good share of the ledger, is written without the ledger's
# secondary indexes and foreign keys, which are rebuilt after it: one sort per index
# and one join per foreign key, instead of 20M index insertions and 20M row-by-row
# checks at commit. All inside the import's transaction (DDL is transactional on
# PostgreSQL): a failed import leaves them as they were.
_BULK_ROWS = 200_000


@contextmanager
def _bulk_load(rows: int, table: str = "arrears_ledgerentry", *, primary_key: bool = False,
               empty: bool = False):
    """Around a write of ``rows`` rows to ``table`` (``empty``: known to be empty): yields
    whether its secondary indexes, unique keys and foreign keys (and with ``primary_key`` its
    primary key, and the foreign keys of other tables that point at it) were dropped for
    it, to be rebuilt after."""
    if connection.vendor != "postgresql" or rows < _BULK_ROWS:
        yield False
        return
    with connection.cursor() as cursor:
        existing = 0
        if not empty:  # the planner's estimate (ANALYZE's figure outlives a rolled-back load)
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
            existing = max(cursor.fetchone()[0], 0)
        if rows * 4 < existing:  # a small share of a big table: maintaining the indexes is cheaper
            yield False
            return
        kinds = ["f", "u", "p"] if primary_key else ["f", "u"]
        cursor.execute(
            "SELECT %s, conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid = %s::regclass AND contype = ANY(%s) ORDER BY contype = 'p' DESC",
            [table, table, kinds])
        constraints = cursor.fetchall()
        if primary_key:  # the keys that point at it go first and come back last
            cursor.execute(
                "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint"
                " WHERE confrelid = %s::regclass AND contype = 'f' AND conrelid <> confrelid", [table])
            constraints = cursor.fetchall() + constraints
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s"
            " AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)",
            [table, table])
        indexes = cursor.fetchall()
        # Foreign keys checked at commit must be checked now: a table with pending checks can't be altered.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for owner, name, _definition in constraints:
            cursor.execute(f'ALTER TABLE {owner} DROP CONSTRAINT "{name}"')
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    yield True
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        for name, definition in indexes:
            with _phase(f"rebuild of {name}"):
                cursor.execute(definition)
        for owner, name, definition in reversed(constraints):
            with _phase(f"rebuild of {name}"):
                cursor.execute(f'ALTER TABLE {owner} ADD CONSTRAINT "{name}" {definition}')
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # Django's keys are all deferrable


def _refresh_all_positions(created: int, *, division_id: int | None) -> None:
    """After a load that is most of the ledger: every consumer (of ``division_id``, for an
    officer's import, which touches no other division's row) refreshed in one pass over it,
    cheaper than first finding which consumers the file touched."""
    _analyze_if_large(created, ["arrears_ledgerentry"])
    with connection.cursor() as cursor:
        if division_id is None:
            cursor.execute("SELECT COUNT(*) FROM arrears_consumer")
        else:
            cursor.execute("SELECT COUNT(*) FROM arrears_consumer WHERE division_id = %s", [division_id])
        consumers = cursor.fetchone()[0]
    with _bulk_load(consumers, "arrears_consumer"), _phase("ledger import: positions refresh (all consumers)"):
        positions_refresh(as_of=india_today(), materialize=True, division_id=division_id)
    _analyze_if_large(created, ["arrears_consumer"])


def _analyze_if_large(created: int, tables: list[str]) -> None:
    """Fresh planner statistics after a large load: until autovacuum gets there, every query on
    the tables would be planned for their old size. ANALYZE samples, so it takes seconds."""
    if connection.vendor == "postgresql" and created >= _ANALYZE_AFTER:
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f"ANALYZE {table}")

