"""Reading an import file into a staging table ``(line, <columns> as text)``.

On PostgreSQL a plain file (one row per line, no quote mid-field …) is COPYed as it
is; any other file, and every file on SQLite, goes through the row-by-row reader
(reader.py), which names the lines it can't read. The checks (checks.py) then run
on the staging table.
"""

import csv
import io
import logging
import re
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import DatabaseError, connection, transaction

from imports.pipeline.reader import MAX_LINE, Progress, RowErrors, good_rows, open_text, read_rows

logger = logging.getLogger(__name__)
_COPY_CHUNK = 1 << 20  # characters per COPY write


@contextmanager
def _phase(name: str):
    """Logs how long a step of an import took (INFO): where the time of a large import goes."""
    started = time.perf_counter()
    yield
    logger.info("%s: %.1f s", name, time.perf_counter() - started)

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
    optional = [c for c in columns if c not in required]
    with open_text(file) as stream:
        for line, row in good_rows(stream, errors, required=required, optional=optional, progress=progress,
                                   every=10000):
            yield [line] + [row.get(column, "") for column in columns]


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
