"""`make bench`'s reports part at the small size: a year of events on the loaded data set, the summary
checked against a plain recount and its pages timed."""

import pytest
from django.conf import settings

from bench import events, reports
from bench.common import manage
from bench.run import PARTS, table
from tests.bench.conftest import small_bench


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    return small_bench(tmp_path_factory, "reports")[0]


def _one(ctx, sql: str):
    with ctx.connect() as conn, conn.cursor() as cursor:
        cursor.execute(sql)
        found = cursor.fetchone()
    conn.close()
    return found


@pytest.mark.needs_postgres
def test_it_generates_the_events_and_the_summary_equals_the_plain_recount(loaded):
    figures = reports.run(loaded)

    checks = [f for f in figures if f.name.startswith("summary of ")]
    assert len(checks) == 3  # yesterday, the last whole month, the year
    assert all(f.ok and f.measured.startswith("all equal") for f in checks), [f.measured for f in checks]
    assert "and the API" in checks[0].name and checks[0].baseline.startswith("plain recount over the raw tables")
    made = next(f for f in figures if f.name.startswith("events "))
    assert " drives, " in made.measured and made.baseline.startswith("generated in ")
    pages = [f for f in figures if f.target == "p95 ≤ 100 ms"]
    assert len(pages) == 7 and all(f.measured.startswith("p95 ") and f.ok is not None for f in pages)
    books = [f for f in figures if f.name.startswith(("day book", "field's day book"))]
    assert len(books) == 2 and all(f.ok and f.check and f.measured.endswith("no difference") for f in books)
    assert all(f.check for f in checks)  # a recount that differs fails the part
    assert "| summary of " in table(figures)
    assert "reports" in [key for key, _h, _r in PARTS]


@pytest.mark.needs_postgres
def test_it_writes_events_the_app_would_accept(loaded):
    # The part above ran first (module order) or runs the generator now: either way the events exist.
    made = events.ensure(loaded)

    assert made["stops"] > 1_000 and made["disconnections"] > 300 and made["paid_on_spot"] > 100
    # Section 56: every cut rests on a notice of its consumer served 15 clear days before.
    assert _one(loaded, f"""
        SELECT COUNT(*) FROM drives_disconnection x JOIN drives_notice n ON n.id = x.notice_id
        WHERE n.consumer_id <> x.consumer_id
           OR n.served_on + 16 > (x.disconnected_at AT TIME ZONE '{settings.TIME_ZONE}')::date""") == (0,)
    # Every receipt is a PAYMENT of its amount on the consumer's ledger, dated the day it was paid.
    assert _one(loaded, f"""
        SELECT COUNT(*) FROM arrears_payment p JOIN arrears_ledgerentry e ON e.id = p.ledger_entry_id
        WHERE e.kind <> 'PAYMENT' OR e.amount <> p.amount OR e.consumer_id <> p.consumer_id
           OR e.reference <> p.receipt_no OR e.entry_date <> (p.paid_at AT TIME ZONE '{settings.TIME_ZONE}')::date
        """) == (0,)
    # Each stop holds the money taken at it (the payments naming it); a stop paid on the spot was paid enough to
    # close it (the whole arrears, at least the reconnection minimum), and only such a stop is "paid".
    assert _one(loaded, """
        SELECT COUNT(*) FROM drives_stop s
        LEFT JOIN (SELECT drive_stop_id, SUM(amount) AS amount, COUNT(*) AS n FROM arrears_payment
                   WHERE drive_stop_id IS NOT NULL GROUP BY drive_stop_id) p ON p.drive_stop_id = s.id
        WHERE s.paid_amount <> COALESCE(p.amount, 0) OR s.payments_count <> COALESCE(p.n, 0)
           OR (s.outcome = 'paid'
               AND s.paid_amount < LEAST(s.arrears, GREATEST(1000.00, ROUND(s.arrears * 0.25, 2))))""") == (0,)
    # Disconnected now: cut and not reconnected.
    assert _one(loaded, "SELECT COUNT(*) FROM arrears_consumer WHERE status = 'disconnected'") == (
        made["disconnections"] - made["reconnections_done"],)
    # Each event and ledger entry names the division it counts for: its consumer's, none of them moved.
    for written in ("drives_notice", "drives_disconnection", "drives_reconnectionorder", "arrears_payment",
                    "arrears_ledgerentry"):
        assert _one(loaded, f"SELECT COUNT(*) FROM {written} x JOIN arrears_consumer c ON c.id = x.consumer_id"
                            f" WHERE x.division_id <> c.division_id") == (0,), written
    # The cached balances and arrears still equal the ledger (the command exits non-zero otherwise).
    assert "all equal the ledger" in manage(loaded, "check_positions").stdout
    # A second run finds the events and writes nothing.
    again = events.ensure(loaded)
    assert not again["generated"] and again["stops"] == made["stops"] and again["notices"] == made["notices"]
