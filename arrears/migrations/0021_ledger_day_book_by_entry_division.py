"""The ledger's day book counts each entry for the division written on it (issue 21, item 11).

The triggers of 0013 added an entry to its consumer's division of the moment the statement ran, and the
recount (arrears.ledger.ledger_days_mismatches) joined today's consumers: after IT moved a consumer to
another division, their earlier collections were in one division in the book and in the other in the
recount, and an entry changed or deleted after the move was taken out of the wrong one. The triggers now
read the entry's own division (0018–0020), without joining the consumers, and the book is rebuilt from the
ledger. Backward: 0013's triggers again, the book rebuilt by the consumers' divisions.

PostgreSQL: the function is replaced, its statement-level triggers stay. SQLite (the embedded demo): row
triggers, made again (0020's change of the column rebuilt the table without them).
"""

from django.db import migrations

PG_UPSERT = """
INSERT INTO arrears_ledgerday (division_id, day, kind, entries, amount)
SELECT {division}, r.entry_date, r.kind, {sign}COUNT(*), {sign}SUM(r.amount)
FROM {rows} r{join}
GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
ON CONFLICT (division_id, day, kind) DO UPDATE
SET entries = arrears_ledgerday.entries + EXCLUDED.entries, amount = arrears_ledgerday.amount + EXCLUDED.amount;
"""

SQLITE_UPSERT = """
INSERT INTO arrears_ledgerday (division_id, day, kind, entries, amount)
SELECT {division}, {row}.entry_date, {row}.kind, {sign}1, {sign}{row}.amount {source}
ON CONFLICT (division_id, day, kind) DO UPDATE
SET entries = entries + excluded.entries, amount = amount + excluded.amount;
"""

SQLITE_TRIGGERS = ["insert", "update", "delete"]


def _pg_upsert(*, rows: str, sign: str, own: bool) -> str:
    if own:
        return PG_UPSERT.format(division="r.division_id", rows=rows, join="", sign=sign)
    return PG_UPSERT.format(division="c.division_id", rows=rows, join=" JOIN arrears_consumer c ON c.id = r.consumer_id",
                            sign=sign)


def _pg_function(own: bool) -> str:
    return f"""
CREATE OR REPLACE FUNCTION arrears_ledger_day_book() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        DELETE FROM arrears_ledgerday;
        RETURN NULL;
    END IF;
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        {_pg_upsert(rows="old_rows", sign="-", own=own)}
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        {_pg_upsert(rows="new_rows", sign="", own=own)}
    END IF;
    RETURN NULL;
END $$;
"""


def _sqlite_upsert(*, row: str, sign: str, own: bool) -> str:
    if own:
        # WHERE: SQLite's upsert after a SELECT needs one (a parsing ambiguity).
        return SQLITE_UPSERT.format(division=f"{row}.division_id", row=row, sign=sign, source="WHERE 1 = 1")
    return SQLITE_UPSERT.format(division="division_id", row=row, sign=sign,
                                source=f"FROM arrears_consumer WHERE id = {row}.consumer_id")


def _sqlite_triggers(own: bool) -> list[str]:
    insert, delete = _sqlite_upsert(row="NEW", sign="", own=own), _sqlite_upsert(row="OLD", sign="-", own=own)
    return [
        f"CREATE TRIGGER ledger_day_book_insert AFTER INSERT ON arrears_ledgerentry BEGIN {insert} END;",
        f"CREATE TRIGGER ledger_day_book_update AFTER UPDATE ON arrears_ledgerentry BEGIN {delete} {insert} END;",
        f"CREATE TRIGGER ledger_day_book_delete AFTER DELETE ON arrears_ledgerentry BEGIN {delete} END;",
    ]


def _rebuild(schema_editor, own: bool) -> None:
    """The triggers replaced and the book recounted from the ledger, in the migration's transaction
    (PostgreSQL: the ledger locked first, so no entry slips between the recount and the new triggers)."""
    division = "e.division_id" if own else "c.division_id"
    join = "" if own else " JOIN arrears_consumer c ON c.id = e.consumer_id"
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("LOCK TABLE arrears_ledgerentry IN SHARE ROW EXCLUSIVE MODE")
        statements = [_pg_function(own)]
    else:
        statements = [f"DROP TRIGGER IF EXISTS ledger_day_book_{op}" for op in SQLITE_TRIGGERS] + _sqlite_triggers(own)
    for sql in statements:
        schema_editor.execute(sql)
    schema_editor.execute("DELETE FROM arrears_ledgerday")
    schema_editor.execute(f"INSERT INTO arrears_ledgerday (division_id, day, kind, entries, amount)"
                          f" SELECT {division}, e.entry_date, e.kind, COUNT(*), SUM(e.amount)"
                          f" FROM arrears_ledgerentry e{join} GROUP BY 1, 2, 3")


def by_entry_division(apps, schema_editor):
    _rebuild(schema_editor, own=True)


def by_consumer_division(apps, schema_editor):
    _rebuild(schema_editor, own=False)


class Migration(migrations.Migration):

    dependencies = [
        ('arrears', '0020_ledger_entry_division_required'),
    ]

    operations = [migrations.RunPython(by_entry_division, by_consumer_division, elidable=False)]
