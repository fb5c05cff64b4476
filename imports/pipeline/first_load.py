"""The first load of a large ledger file into an empty ledger: straight into the ledger with COPY.

Loading the billing system's history into an empty ledger is the largest import there
is (DESIGN.md: 20 million rows). It skips the staging table: this process reads the
file, checks each line against the contract's grammar (DATE_RE, AMOUNT_RE, the kinds),
finds its consumer, and streams the rows straight into the ledger with COPY, on a thread
of its own, so the reading and the database's writing run on two cores at once. What
the grammar can't see the database refuses: a date that isn't on the calendar, an
amount of the wrong sign, a bill without a due date, a key twice. Any refusal, or a
line the grammar doesn't take (quotes, blanks, an unknown account …), undoes the load
and the file takes the staging path, which names every bad line.
"""

import csv
import io
import logging
import queue
import re
import threading

from django.db import DatabaseError, connection, transaction

from arrears.ledger import day_book_pause, day_book_rebuild
from arrears.models import EntryKind
from imports.pipeline import bulk
from imports.pipeline.bulk import _analyze_if_large, _bulk_load, _ledger_ids, _refresh_all_positions
from imports.pipeline.checks import AMOUNT_RE, DATE_RE
from imports.pipeline.reader import LEDGER_COLUMNS, LEDGER_REQUIRED, MAX_LINE, ImportResult, Progress
from imports.pipeline.staging import _COPY_CHUNK, _binary_source, _header_names, _phase, _Pipe

logger = logging.getLogger(__name__)

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


def _first_load_rows(stream, line: re.Pattern, order: list[int], accounts: dict[bytes, bytes], first_id: int,
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
                out.append(b"%d\t%s\t%s\t%s\t%s\t%s\t%s%s" % (
                    next_id, consumer, entry_date, kind, amount, reference, due_date or b"\\N", suffix))
                next_id += 1
                pos = found.end()
            blocks.put((b"".join(out), len(out)))
        if tail:
            raise _NotFirstLoad("the last line has no line end")  # rare: the staging path takes it
        blocks.put(None)
    except BaseException as exc:  # handed to COPY's reader, which raises it in the importing thread
        blocks.put(exc)


def _account_ids(division_id: int | None) -> dict[bytes, bytes]:
    """account_no → its consumer id and division id as COPY's columns ("id\tdivision"; of one division, for
    an officer's upload), read in batches: each entry is written with the consumer's division of now
    (arrears.models.CountedForDivision), formatted once per consumer, not once per entry."""
    accounts = {}
    sql = "SELECT account_no, id, division_id FROM arrears_consumer"
    with connection.chunked_cursor() as cursor:
        if division_id is None:
            cursor.execute(sql)
        else:
            cursor.execute(sql + " WHERE division_id = %s", [division_id])
        for account_no, consumer_id, consumer_division_id in cursor:
            accounts[account_no.encode()] = b"%d\t%d" % (consumer_id, consumer_division_id)
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
                (size - start) // len(first_line) < bulk._BULK_ROWS):  # read now: tests lower it
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
        # A partitioned ledger (arrears.partitioning) takes no FREEZE: COPY routes each row to its partition.
        cursor.execute("SELECT relkind = 'p' FROM pg_class WHERE oid = 'arrears_ledgerentry'::regclass")
        freeze = " WITH (FREEZE)" if not cursor.fetchone()[0] else ""
        day_book_pause()
        blocks, stop = queue.Queue(maxsize=4), threading.Event()
        suffix = b"\t%s\t%s\n" % (b"\\N" if user_id is None else str(user_id).encode(), source.encode())
        producer = threading.Thread(target=_first_load_rows, name="ledger-first-load", daemon=True,
                                    args=(stream, line, order, accounts, base + 1, suffix, blocks, stop))
        pipe = _QueuePipe(blocks, progress)
        producer.start()
        try:
            with _phase("ledger first load: COPY into the ledger"):
                cursor.copy_expert("COPY arrears_ledgerentry (id, consumer_id, division_id, entry_date, kind, amount,"
                                   " reference, due_date, created_by_id, source) FROM STDIN" + freeze, pipe,
                                   _COPY_CHUNK)
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
        # Statistics first (a sample: under a second): without them the planner guesses a group
        # for every few rows and sorts the 21M rows for the day book (10 s) instead of hashing them.
        _analyze_if_large(pipe.rows, ["arrears_ledgerentry"])
        with _phase("ledger first load: the day book from the ledger"):
            day_book_rebuild()
    result = ImportResult(rows=pipe.rows, created=pipe.rows)
    _refresh_all_positions(result.created, division_id=division_id, ledger_analyzed=True)
    return result
