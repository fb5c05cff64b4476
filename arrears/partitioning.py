"""The ledger as a natively partitioned table (PostgreSQL): what a DBA runs once the ledger outgrows one table.

``ledger_partition`` rebuilds arrears_ledgerentry, rows, ids and all, as a partitioned table, in one
transaction that holds the ledger locked (nothing reads or writes it meanwhile; a failure leaves the plain
table as it was). Two schemes:

- ``hash`` (the default): by a hash of consumer_id. Every read of the ledger is one consumer's entries
  (ledger_consumer_due_on) or a grouping by consumer (the nightly roll), so each consumer's entries are in
  one partition and a per-consumer read is pruned to it, at run time inside a nested loop too. The price:
  a partitioned table's primary and unique keys must hold the partition key. The primary key becomes
  (id, consumer_id), so the foreign keys from payments, drives and settlements into ledger(id) cannot be
  plain foreign keys any more (they need a unique key on id alone): each becomes a constraint trigger of
  the same name, deferred as Django's keys are, that checks the entry exists (locked FOR KEY SHARE, as a
  foreign key's check does), and the ledger gets one deferred trigger refusing the delete of an entry
  something points at (NO ACTION, as before; the ledger is append-only and its ids never change).
- ``range``: by ranges of id. The primary key stays (id) and the foreign keys into it stay foreign keys;
  but a read of one consumer's entries probes every partition, and new entries all go to the last one.

Either way the re-import key (reference, kind) can't be a unique key of the partitioned table (it holds
neither consumer_id nor id). It is kept across the whole ledger by a table of its own, arrears_ledgerkey,
whose primary key carries the old constraint's name, ledger_reference_kind_unique, filled by statement-level
triggers as entries are written (one grouped insert per statement, as the day book's triggers do), so a
duplicate still fails with an IntegrityError naming it. The ledger keeps a plain (reference, kind) index
for the imports' lookups.

Everything else is carried over from the plain table as the catalog describes it: columns with their
defaults and generated expressions, the check constraints, the ledger's own foreign keys, its indexes, its
triggers (the day book's), the identity's sequence (set past the last id; renamed to the old name).
"""

import time
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils.translation import gettext as _

from core.errors import DomainError

LEDGER = "arrears_ledgerentry"
KEYS = "arrears_ledgerkey"
UNIQUE_KEY = "ledger_reference_kind_unique"
SCHEMES = ("hash", "range")
_OLD = f"{LEDGER}_plain"

# A row of a table that points at a ledger entry must name one that exists: the check of a foreign key,
# for a column that can't have one (the hash scheme's primary key is (id, consumer_id)). TG_ARGV: the column.
_REFERENCE_CHECK = f"""
CREATE OR REPLACE FUNCTION arrears_ledger_reference_check() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE entry_id bigint;
BEGIN
    EXECUTE format('SELECT ($1).%I', TG_ARGV[0]) INTO entry_id USING NEW;
    IF entry_id IS NULL THEN
        RETURN NULL;
    END IF;
    PERFORM 1 FROM {LEDGER} WHERE id = entry_id FOR KEY SHARE;
    IF NOT FOUND THEN
        RAISE foreign_key_violation USING CONSTRAINT = TG_NAME,
            MESSAGE = format('insert or update on table "%s" violates "%s": ledger entry %s does not exist',
                             TG_TABLE_NAME, TG_NAME, entry_id);
    END IF;
    RETURN NULL;
END $$;
"""

# An entry deleted while a row still points at it: refused at commit (NO ACTION, deferred, as before).
# TG_ARGV: (table, column) pairs, every column that points at the ledger.
_REFERENCED_CHECK = """
CREATE OR REPLACE FUNCTION arrears_ledger_referenced_check() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE k integer := 0; found boolean;
BEGIN
    WHILE k < TG_NARGS LOOP
        EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I WHERE %I = $1)', TG_ARGV[k], TG_ARGV[k + 1])
            INTO found USING OLD.id;
        IF found THEN
            RAISE foreign_key_violation USING CONSTRAINT = TG_NAME,
                MESSAGE = format('ledger entry %s is still referenced from table "%s"', OLD.id, TG_ARGV[k]);
        END IF;
        k := k + 2;
    END LOOP;
    RETURN NULL;
END $$;
"""

# The re-import key across every partition (see above): one grouped write per statement.
_KEYS_FUNCTION = f"""
CREATE OR REPLACE FUNCTION arrears_ledger_keys() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        DELETE FROM {KEYS};
        RETURN NULL;
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        DELETE FROM {KEYS} k USING old_rows o WHERE k.reference = o.reference AND k.kind = o.kind;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO {KEYS} (reference, kind) SELECT reference, kind FROM new_rows;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER ledger_keys_insert AFTER INSERT ON {LEDGER}
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION arrears_ledger_keys();
CREATE TRIGGER ledger_keys_update AFTER UPDATE ON {LEDGER}
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION arrears_ledger_keys();
CREATE TRIGGER ledger_keys_delete AFTER DELETE ON {LEDGER}
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION arrears_ledger_keys();
CREATE TRIGGER ledger_keys_truncate AFTER TRUNCATE ON {LEDGER}
    FOR EACH STATEMENT EXECUTE FUNCTION arrears_ledger_keys();
"""


@dataclass
class PartitionResult:
    scheme: str
    partitions: int
    rows: int
    seconds: float
    steps: list[tuple[str, float]] = field(default_factory=list)
    foreign_keys: list[str] = field(default_factory=list)  # what became of each key into the ledger


def ledger_partitioning() -> str | None:
    """How the ledger is partitioned ("HASH (consumer_id), 8 partitions"), or None for a plain table."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_partkeydef(c.oid), (SELECT COUNT(*) FROM pg_inherits i WHERE i.inhparent = c.oid)"
            " FROM pg_class c WHERE c.oid = to_regclass(%s) AND c.relkind = 'p'", [LEDGER])
        row = cursor.fetchone()
    return f"{row[0]}, {row[1]} partitions" if row else None


def ledger_partition(*, partitions: int, scheme: str = "hash") -> PartitionResult:
    """Rebuilds the plain ledger as a natively partitioned one (see the module's docstring), in one transaction."""
    if connection.vendor != "postgresql":
        raise DomainError(_("The ledger can be partitioned on PostgreSQL only (this database is %(vendor)s).")
                          % {"vendor": connection.vendor}, code="not_postgresql")
    if scheme not in SCHEMES:
        raise DomainError(_("The scheme is hash or range, not %(scheme)s.") % {"scheme": scheme}, code="bad_scheme")
    if not 2 <= partitions <= 1024:
        raise DomainError(_("Between 2 and 1024 partitions."), code="bad_partitions")
    started = time.perf_counter()
    result = PartitionResult(scheme=scheme, partitions=partitions, rows=0, seconds=0)

    def step(name: str, sql: str, params=None) -> None:
        began = time.perf_counter()
        cursor.execute(sql, params)
        result.steps.append((name, time.perf_counter() - began))

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {LEDGER} IN ACCESS EXCLUSIVE MODE")
        if ledger_partitioning() is not None:
            raise DomainError(_("The ledger is partitioned already."), code="already_partitioned")
        shape = _plain_shape(cursor)
        # Keys into the ledger first: they would hold the old table in place.
        for owner, name, _column, _definition in shape["referencing"]:
            cursor.execute(f'ALTER TABLE {owner} DROP CONSTRAINT "{name}"')
        cursor.execute(f"ALTER TABLE {LEDGER} RENAME TO {_OLD}")
        for name in shape["index_names"]:  # index names are the schema's: free them for the new table
            cursor.execute(f'ALTER INDEX "{name}" RENAME TO "{name}_plain"')
        key = "consumer_id" if scheme == "hash" else "id"
        cursor.execute(f"CREATE TABLE {LEDGER} (LIKE {_OLD} INCLUDING DEFAULTS INCLUDING GENERATED"
                       f" INCLUDING IDENTITY INCLUDING CONSTRAINTS INCLUDING STORAGE)"
                       f" PARTITION BY {scheme.upper()} ({key})")
        for k, bounds in enumerate(_bounds(cursor, scheme, partitions)):
            cursor.execute(f"CREATE TABLE {LEDGER}_p{k} PARTITION OF {LEDGER} {bounds}")
        columns = ", ".join(shape["columns"])
        step("rows copied (INSERT … SELECT)", f"INSERT INTO {LEDGER} ({columns}) SELECT {columns} FROM {_OLD}")
        result.rows = cursor.rowcount
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        step("primary key", f"ALTER TABLE {LEDGER} ADD CONSTRAINT {LEDGER}_pkey PRIMARY KEY"
                            f" ({'id, consumer_id' if scheme == 'hash' else 'id'})")
        for name, definition in shape["indexes"]:
            step(f"index {name}", definition.replace(f" ON ONLY public.{LEDGER} ", f" ON {LEDGER} ")
                 .replace(f" ON public.{LEDGER} ", f" ON {LEDGER} "))
        step("index ledger_reference_kind (the imports' lookups)",
             f"CREATE INDEX ledger_reference_kind ON {LEDGER} (reference, kind)")
        for name, definition in shape["foreign_keys"]:
            step(f"foreign key {name}", f'ALTER TABLE {LEDGER} ADD CONSTRAINT "{name}" {definition}')
        step(f"{KEYS} (the re-import key across partitions)",
             f"CREATE TABLE {KEYS} AS SELECT reference, kind FROM {_OLD}")
        step(f"{KEYS} primary key",
             f"ALTER TABLE {KEYS} ADD CONSTRAINT {UNIQUE_KEY} PRIMARY KEY (reference, kind)")
        cursor.execute(_KEYS_FUNCTION)
        for definition in shape["triggers"]:
            cursor.execute(definition)
        result.foreign_keys = _references_restore(cursor, scheme, shape["referencing"])
        # The ids go on from where they were; the sequence keeps its name.
        cursor.execute(f"SELECT pg_get_serial_sequence('{LEDGER}', 'id')")
        sequence = cursor.fetchone()[0]
        cursor.execute("SELECT setval(%s, %s, %s)", [sequence, *shape["sequence"]])
        cursor.execute(f"DROP TABLE {_OLD}")
        cursor.execute(f"ALTER SEQUENCE {sequence} RENAME TO {shape['sequence_name'].split('.')[-1]}")
        step("ANALYZE", f"ANALYZE {LEDGER}")
        cursor.execute(f"ANALYZE {KEYS}")
    if not connection.in_atomic_block:
        # The copied rows' visibility map, as the plain table's was after autovacuum: without it each first
        # read sets hint bits (writes) and no index-only scan skips the heap. VACUUM can't run in a transaction.
        with connection.cursor() as cursor:
            step("VACUUM (after the commit)", f"VACUUM {LEDGER}")
            cursor.execute(f"VACUUM {KEYS}")
    result.seconds = time.perf_counter() - started
    return result


def _plain_shape(cursor) -> dict:
    """What the plain ledger is made of, read from the catalog before it is renamed."""
    cursor.execute("SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0"
                   " AND NOT attisdropped AND attgenerated = '' ORDER BY attnum", [LEDGER])
    columns = [row[0] for row in cursor.fetchall()]
    cursor.execute("SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
                   " WHERE i.indrelid = %s::regclass", [LEDGER])
    index_names = [row[0] for row in cursor.fetchall()]
    # The indexes that are not a constraint's: made again as they are (the keys are made by ledger_partition).
    cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT IN"
                   " (SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)", [LEDGER, LEDGER])
    indexes = cursor.fetchall()
    cursor.execute("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
                   " WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname", [LEDGER])
    foreign_keys = cursor.fetchall()
    cursor.execute(
        "SELECT c.conrelid::regclass::text, c.conname, a.attname, pg_get_constraintdef(c.oid) FROM pg_constraint c"
        " JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]"
        " WHERE c.confrelid = %s::regclass AND c.contype = 'f' AND c.conrelid <> c.confrelid ORDER BY 1, 2",
        [LEDGER])
    referencing = cursor.fetchall()
    cursor.execute("SELECT pg_get_triggerdef(oid) FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal"
                   " ORDER BY tgname", [LEDGER])
    triggers = [row[0] for row in cursor.fetchall()]
    cursor.execute(f"SELECT pg_get_serial_sequence('{LEDGER}', 'id')")
    sequence_name = cursor.fetchone()[0]
    cursor.execute(f"SELECT last_value, is_called FROM {sequence_name}")
    return {"columns": columns, "index_names": index_names, "indexes": indexes, "foreign_keys": foreign_keys,
            "referencing": referencing, "triggers": triggers, "sequence_name": sequence_name,
            "sequence": list(cursor.fetchone())}


def _bounds(cursor, scheme: str, partitions: int) -> list[str]:
    """Each partition's FOR VALUES clause. Range: the ids so far in equal ranges, the last one open-ended
    (where every new entry goes: a DBA adds the next range before it grows too large)."""
    if scheme == "hash":
        return [f"FOR VALUES WITH (MODULUS {partitions}, REMAINDER {k})" for k in range(partitions)]
    cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {_OLD}")
    width = max(cursor.fetchone()[0], partitions - 1)  # at least one id per range, on an empty ledger too
    cuts = ["MINVALUE"] + [str(1 + width * k // (partitions - 1)) for k in range(1, partitions - 1)]
    cuts += [str(1 + width), "MAXVALUE"]
    return [f"FOR VALUES FROM ({cuts[k]}) TO ({cuts[k + 1]})" for k in range(partitions)]


def _references_restore(cursor, scheme: str, referencing: list[tuple]) -> list[str]:
    """The keys into the ledger made again: foreign keys again (range), or (hash) constraint triggers of the
    same names on the tables that point at it, and one on the ledger refusing the delete of an entry they name."""
    done = []
    if scheme == "range":
        for owner, name, column, definition in referencing:
            cursor.execute(f'ALTER TABLE {owner} ADD CONSTRAINT "{name}" {definition}')
            done.append(f"{owner}.{column}: foreign key {name}, as before")
        return done
    cursor.execute(_REFERENCE_CHECK)
    cursor.execute(_REFERENCED_CHECK)
    for owner, name, column, _definition in referencing:
        cursor.execute(f'CREATE CONSTRAINT TRIGGER "{name}" AFTER INSERT OR UPDATE OF "{column}" ON {owner}'
                       f" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW"
                       f" EXECUTE FUNCTION arrears_ledger_reference_check('{column}')")
        done.append(f"{owner}.{column}: constraint trigger {name} (the entry must exist, checked at commit)")
    if referencing:
        pairs = ", ".join(f"'{owner}', '{column}'" for owner, _name, column, _d in referencing)
        cursor.execute(f"CREATE CONSTRAINT TRIGGER ledger_referenced_delete AFTER DELETE ON {LEDGER}"
                       f" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW"
                       f" EXECUTE FUNCTION arrears_ledger_referenced_check({pairs})")
        done.append(f"{LEDGER}: constraint trigger ledger_referenced_delete (an entry pointed at is not deleted)")
    return done
