"""The field's day book counts each event for the division written on it (issue 21, item 11).

The triggers of 0002 added an event to its consumer's division of the moment the statement ran: a notice
written while its consumer was moved into another division, and deleted after the consumer was moved back,
was counted up in one division and down in the other (the bench: ARP 2,463 notices, BRA −879 in a month
whose notices were 802 and 782). Every event now carries its own division, fixed when written
(arrears.models.CountedForDivision; drives 0013–0015, payments 0011–0013): the triggers read it from the
rows themselves, without joining the consumers, and the book is rebuilt from the event tables, so any drift
an earlier version left is gone. Backward: 0002's triggers again, the book rebuilt by the consumers'.

Written for both databases from one description per table, as 0002. PostgreSQL: statement-level over the
transition tables; SQLite (the embedded demo) has row triggers only. The day is India time: the zone of
settings.TIME_ZONE when the migration ran (SQLite: its offset then; India keeps no summer time).
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import migrations

FIGURES = ["notices_served", "disconnections", "paid_on_spot_count", "paid_on_spot_amount", "reconnections"]

# table → (name, the day of a row "r", the condition a row counts on, {figure: the value a row adds})
SOURCES = [
    ("drives_notice", "notice", "{r}.served_on", "1 = 1", {"notices_served": "1"}),
    ("drives_disconnection", "disconnection", "@{r}.disconnected_at", "1 = 1", {"disconnections": "1"}),
    ("arrears_payment", "payment", "@{r}.paid_at", "{r}.drive_stop_id IS NOT NULL",
     {"paid_on_spot_count": "1", "paid_on_spot_amount": "{r}.amount"}),
    ("drives_reconnectionorder", "reconnection", "@{r}.done_at", "{r}.status = 'done' AND {r}.done_at IS NOT NULL",
     {"reconnections": "1"}),
]


def _day(expression: str, row: str, vendor: str) -> str:
    if not expression.startswith("@"):
        return expression.format(r=row)
    column = expression[1:].format(r=row)
    if vendor == "postgresql":
        return f"({column} AT TIME ZONE '{settings.TIME_ZONE}')::date"
    offset = ZoneInfo(settings.TIME_ZONE).utcoffset(datetime(2026, 1, 1))
    return f"date({column}, '{int(offset.total_seconds() // 60):+d} minutes')"


def _upsert(source, *, rows: str, sign: str, vendor: str, grouped: bool, own: bool) -> str:
    """The upsert that adds (``sign`` "") or takes out ("-") ``rows`` of ``source``: grouped (a table or a
    transition table) or one row (SQLite's NEW or OLD). ``own``: by the division on the event row; else
    (0002's way, for going back) by its consumer's division now."""
    _table, _name, day, condition, values = source
    r = "r" if grouped else rows
    select = [f"{sign}{'SUM' if grouped else ''}({values[f].format(r=r)})" if f in values else "0" for f in FIGURES]
    update = ", ".join(f"{f} = reports_eventday.{f} + EXCLUDED.{f}" for f in values)
    division = f"{r}.division_id" if own else "c.division_id"
    consumer = "" if own else f" JOIN arrears_consumer c ON c.id = {r}.consumer_id"
    if grouped:
        body = (f"SELECT {division}, {_day(day, r, vendor)}, {', '.join(select)} FROM {rows} r{consumer}"
                f" WHERE {condition.format(r=r)} GROUP BY 1, 2 ORDER BY 1, 2")
    elif own:
        # WHERE: SQLite's upsert after a SELECT needs one (a parsing ambiguity); the trigger's WHEN filters.
        body = f"SELECT {division}, {_day(day, r, vendor)}, {', '.join(select)} WHERE 1 = 1"
    else:
        body = (f"SELECT division_id, {_day(day, r, vendor)}, {', '.join(select)} FROM arrears_consumer"
                f" WHERE id = {r}.consumer_id")
    return (f"INSERT INTO reports_eventday (division_id, day, {', '.join(FIGURES)}) {body}"
            f" ON CONFLICT (division_id, day) DO UPDATE SET {update};")


def _postgresql(source, own: bool) -> list[str]:
    table, name = source[0], source[1]
    function = f"reports_eventday_{name}"
    return [
        f"""CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        {_upsert(source, rows="old_rows", sign="-", vendor="postgresql", grouped=True, own=own)}
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        {_upsert(source, rows="new_rows", sign="", vendor="postgresql", grouped=True, own=own)}
    END IF;
    RETURN NULL;
END $$;""",
        f"CREATE TRIGGER {function}_insert AFTER INSERT ON {table} REFERENCING NEW TABLE AS new_rows"
        f" FOR EACH STATEMENT EXECUTE FUNCTION {function}();",
        f"CREATE TRIGGER {function}_update AFTER UPDATE ON {table} REFERENCING OLD TABLE AS old_rows"
        f" NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {function}();",
        f"CREATE TRIGGER {function}_delete AFTER DELETE ON {table} REFERENCING OLD TABLE AS old_rows"
        f" FOR EACH STATEMENT EXECUTE FUNCTION {function}();",
    ]


SQLITE_TRIGGERS = [("insert", "NEW"), ("delete", "OLD"), ("update", "OLD"), ("update", "NEW")]


def _sqlite(source, own: bool) -> list[str]:
    table, name, _day_expression, condition, _values = source
    trigger = f"reports_eventday_{name}"
    return [
        f"CREATE TRIGGER {trigger}_{event}_{row.lower()} AFTER {event.upper()} ON {table}"
        f" WHEN {condition.format(r=row)} BEGIN"
        f" {_upsert(source, rows=row, sign='-' if row == 'OLD' else '', vendor='sqlite', grouped=False, own=own)}"
        f" END;"
        for event, row in SQLITE_TRIGGERS
    ]


def _drop(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [f"DROP FUNCTION IF EXISTS reports_eventday_{name}() CASCADE" for _t, name, *_r in SOURCES]
    return [f"DROP TRIGGER IF EXISTS reports_eventday_{name}_{event}_{row.lower()}"
            for _t, name, *_r in SOURCES for event, row in SQLITE_TRIGGERS]


def _rebuild(schema_editor, own: bool) -> None:
    """The triggers replaced and the book recounted from the event tables, in the migration's transaction
    (PostgreSQL: the event tables locked first, so no row slips between the recount and the new triggers)."""
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(f"LOCK TABLE {', '.join(source[0] for source in SOURCES)} IN SHARE ROW EXCLUSIVE MODE")
    for sql in _drop(vendor):
        schema_editor.execute(sql)
    schema_editor.execute("DELETE FROM reports_eventday")
    for source in SOURCES:
        schema_editor.execute(_upsert(source, rows=source[0], sign="", vendor=vendor, grouped=True, own=own))
        for sql in (_postgresql(source, own) if vendor == "postgresql" else _sqlite(source, own)):
            schema_editor.execute(sql)


def by_event_division(apps, schema_editor):
    _rebuild(schema_editor, own=True)


def by_consumer_division(apps, schema_editor):
    _rebuild(schema_editor, own=False)


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0004_daily_summary_send'),
        ('drives', '0015_event_division_required'),
        ('payments', '0013_payment_division_required'),
    ]

    operations = [migrations.RunPython(by_event_division, by_consumer_division, elidable=False)]
