"""The manifest of a database: every table's row count and the sum of each of its decimal columns.

Taken with a backup (in the same snapshot as the dump) and again from the restored copy; the two must
be equal. Generic on purpose: tables and columns come from introspection, so no app has to be
imported and a new table is counted without a line here. The ledger's debit and credit are decimal
columns (generated, stored), the payments' amount too: their sums are in every manifest, and
HEADLINE_TOTALS names them for the reader.
"""

from decimal import Decimal

from django.apps import apps
from django.db import models
from django.utils import timezone

MANIFEST_FORMAT = 1
# Table and column of the totals a reader looks for first. Names, not imports: this app stands below them.
HEADLINE_TOTALS = {
    "ledger debits": ("arrears_ledgerentry", "debit"),
    "ledger credits": ("arrears_ledgerentry", "credit"),
    "payments": ("arrears_payment", "amount"),
}

# Not counted: a backup's own record is written after its snapshot, so the dump never holds it (and a
# comparison with the live database would always find one row more).
UNCOUNTED_TABLES = {"backups_backuprun"}


def _decimal_places() -> dict[tuple[str, str], int]:
    """(table, column) → decimal places, from the models: SQLite's introspection has no scale to give."""
    places = {}
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.concrete_fields:
            # A generated column (the ledger's debit and credit) is of its output field's type.
            typed = field.output_field if isinstance(field, models.GeneratedField) else field
            if isinstance(typed, models.DecimalField):
                places[(model._meta.db_table, field.column)] = typed.decimal_places
    return places


def _sum_text(value, places: int | None) -> str:
    """A column's sum as exact text. PostgreSQL's numeric sums are exact already; SQLite sums decimals as
    floating point, rounded here to the column's places (the same rounding on both sides of a comparison)."""
    if value is None:
        value = 0
    amount = value if isinstance(value, Decimal) else Decimal(repr(value)) if isinstance(value, float) \
        else Decimal(value)
    if places is not None:
        amount = amount.quantize(Decimal(1).scaleb(-places))
    return str(amount)


def manifest_of(db) -> dict:
    """The manifest of the database behind ``db`` (a Django connection), read in whatever transaction it
    has open: the backup calls it inside the snapshot the dump is taken from."""
    places = _decimal_places()
    tables = {}
    quote = db.ops.quote_name
    with db.cursor() as cursor:
        names = sorted(info.name for info in db.introspection.get_table_list(cursor)
                       if info.type == "t" and info.name not in UNCOUNTED_TABLES)
        for table in names:
            decimal_columns = [column for column in db.introspection.get_table_description(cursor, table)
                               if db.introspection.get_field_type(column.type_code, column) == "DecimalField"]
            sums = "".join(f", SUM({quote(column.name)})" for column in decimal_columns)
            cursor.execute(f"SELECT COUNT(*){sums} FROM {quote(table)}")  # noqa: S608 (names from introspection)
            count, *totals = cursor.fetchone()
            tables[table] = {"rows": count, "sums": {
                column.name: _sum_text(total, places.get((table, column.name), column.scale))
                for column, total in zip(decimal_columns, totals, strict=True)}}
    return {"format": MANIFEST_FORMAT, "vendor": db.vendor, "taken_at": timezone.now().isoformat(),
            "tables": tables, "totals": headline_totals(tables)}


def headline_totals(tables: dict) -> dict[str, str]:
    """The named totals (ledger debits and credits, payments) of a manifest's tables, those present."""
    return {label: tables[table]["sums"][column] for label, (table, column) in HEADLINE_TOTALS.items()
            if column in tables.get(table, {}).get("sums", {})}


def manifest_differences(source: dict, restored: dict) -> list[str]:
    """Every way ``restored`` differs from ``source``, one line each naming the table (and column)."""
    differences = []
    source_tables, restored_tables = source["tables"], restored["tables"]
    for table in sorted(set(source_tables) | set(restored_tables)):
        before, after = source_tables.get(table), restored_tables.get(table)
        if after is None:
            differences.append(f"{table}: in the source, missing from the restore")
            continue
        if before is None:
            differences.append(f"{table}: in the restore, not in the source")
            continue
        if before["rows"] != after["rows"]:
            differences.append(f"{table}: {before['rows']} rows in the source, {after['rows']} restored")
        for column in sorted(set(before["sums"]) | set(after["sums"])):
            was, now = before["sums"].get(column), after["sums"].get(column)
            if was is None or now is None or Decimal(was) != Decimal(now):
                differences.append(f"{table}.{column}: total {was} in the source, {now} restored")
    return differences
