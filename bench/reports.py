"""Part "reports": the division dashboard, the MD's summary pages and GET reports/summary/
on a year of drives and payments (bench.events, generated first), each request timed
through Django's test client (the whole request: middleware, session, queries, template or
serializer), p95 over 50 requests after a warm-up.

Baseline, measured in the same run: the same figures recounted by one plain SQL query
over the raw tables (the ledger scanned for the collections, the events counted in the
divisions written on them, the latest list's entries counted), with the targets prorated in
Python. The recount is also the check: reports.selectors.summary and the API's JSON must
equal it exactly, every figure of every division and the totals, for a day (yesterday,
the MD's home page), the last whole month and the year of events; a difference is printed
and fails the figure. arrears.ledger.ledger_days_mismatches (the ledger's day book recounted
from the whole ledger) and reports.selectors.event_days_mismatches over the year (the field's
day book recounted from the event tables) are timed and must find nothing.

Runs in a child process with Django set up (``python -m bench.reports measure``).
Run alone on a database that already holds the data set (events are generated unless there):
``python -m bench.reports --database kesco_bench`` (add ``--docs`` to record it).
"""

import argparse
import json
import os
import statistics
import sys
import time
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from bench import events
from bench.common import DEFAULT_SERVER, Context, Figure, p95, part_alone, run_timed, timed_get

HEADING = "Reports: the division dashboard, the MD's summary and GET reports/summary/ on a year of events"
TARGET_PAGE_MS = 100.0
REQUESTS = {"full": 50, "small": 10}
WARM_UP = 3
SELECTOR_CALLS = 20
RECOUNTS = 3  # each range recounted this many times: the median is the baseline
KEYS = ("defaulters", "arrears", "notices_served", "disconnections", "paid_on_spot_count", "paid_on_spot_amount",
        "collections", "reconnections", "target", "achievement_pct", "theft_cases_found", "theft_cases_assessed")
COUNTS = ("defaulters", "notices_served", "disconnections", "paid_on_spot_count", "reconnections",
          "theft_cases_found", "theft_cases_assessed")
SUMS = ("arrears", "paid_on_spot_amount", "collections")

# Every figure of DESIGN.md's `GET reports/summary/` straight from the raw tables, per division:
# defaulters and arrears from the entries of the division's latest list as of `to`; events dated
# from `from` to `to` in India time, each in the division written on it (the consumer's when it was
# recorded: arrears.models.CountedForDivision); collections from a scan of the ledger's PAYMENT entries,
# in the divisions written on them likewise.
RECOUNT_SQL = """
WITH latest AS (
    SELECT DISTINCT ON (division_id) id, division_id FROM arrears_defaulterlist
    WHERE as_of <= %(to)s ORDER BY division_id, as_of DESC
), defaulters AS (
    SELECT l.division_id, COUNT(e.id) AS defaulters, COALESCE(SUM(e.arrears), 0) AS arrears
    FROM latest l LEFT JOIN arrears_defaulterentry e ON e.list_id = l.id GROUP BY l.division_id
), notices AS (
    SELECT x.division_id, COUNT(*) AS n FROM drives_notice x
    WHERE x.served_on BETWEEN %(from)s AND %(to)s GROUP BY x.division_id
), cuts AS (
    SELECT x.division_id, COUNT(*) AS n FROM drives_disconnection x
    WHERE (x.disconnected_at AT TIME ZONE %(tz)s)::date BETWEEN %(from)s AND %(to)s GROUP BY x.division_id
), spot AS (
    SELECT p.division_id, COUNT(*) AS n, SUM(p.amount) AS amount FROM arrears_payment p
    WHERE p.drive_stop_id IS NOT NULL AND (p.paid_at AT TIME ZONE %(tz)s)::date BETWEEN %(from)s AND %(to)s
    GROUP BY p.division_id
), collections AS (
    SELECT e.division_id, SUM(e.amount) AS amount FROM arrears_ledgerentry e
    WHERE e.kind = 'PAYMENT' AND e.entry_date BETWEEN %(from)s AND %(to)s GROUP BY e.division_id
), reconnections AS (
    SELECT o.division_id, COUNT(*) AS n FROM drives_reconnectionorder o
    WHERE o.status = 'done' AND (o.done_at AT TIME ZONE %(tz)s)::date BETWEEN %(from)s AND %(to)s
    GROUP BY o.division_id
), theft_found AS (
    SELECT t.division_id, COUNT(*) AS n FROM drives_theftcase t
    WHERE (t.opened_at AT TIME ZONE %(tz)s)::date BETWEEN %(from)s AND %(to)s GROUP BY t.division_id
), theft_assessed AS (
    SELECT t.division_id, COUNT(*) AS n FROM drives_theftcase t
    WHERE t.assessed_on BETWEEN %(from)s AND %(to)s GROUP BY t.division_id
)
SELECT d.id, d.code, d.name, COALESCE(df.defaulters, 0), COALESCE(df.arrears, 0), COALESCE(n.n, 0),
       COALESCE(x.n, 0), COALESCE(s.n, 0), COALESCE(s.amount, 0), COALESCE(co.amount, 0), COALESCE(r.n, 0),
       COALESCE(tf.n, 0), COALESCE(ta.n, 0)
FROM accounts_division d
LEFT JOIN theft_found tf ON tf.division_id = d.id LEFT JOIN theft_assessed ta ON ta.division_id = d.id
LEFT JOIN defaulters df ON df.division_id = d.id LEFT JOIN notices n ON n.division_id = d.id
LEFT JOIN cuts x ON x.division_id = d.id LEFT JOIN spot s ON s.division_id = d.id
LEFT JOIN collections co ON co.division_id = d.id LEFT JOIN reconnections r ON r.division_id = d.id
ORDER BY d.code
"""
TARGETS_SQL = "SELECT division_id, month, amount FROM reports_target WHERE month BETWEEN %s AND %s"



def _percent(collections: Decimal, target: Decimal | None) -> Decimal | None:
    if not target:
        return None
    return (collections * 100 / target).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _prorated(targets: dict, division_id: int, start: date, end: date) -> Decimal | None:
    """DESIGN.md: each month's target times the share of that month's days inside the range."""
    total, month, found = Decimal("0"), start.replace(day=1), False
    while month <= end:
        following = (month + timedelta(days=32)).replace(day=1)
        inside = (min(end, following - timedelta(days=1)) - max(start, month)).days + 1
        amount = targets.get((division_id, month))
        if amount is not None:
            found = True
            total += amount * inside / (following - month).days
        month = following
    return total.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) if found else None


def recount(start: date, end: date) -> dict:
    """The summary of every division and the totals from the raw tables: {code: {key: value}, None: totals}."""
    from django.conf import settings
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(RECOUNT_SQL, {"from": start, "to": end, "tz": settings.TIME_ZONE})
        rows = cursor.fetchall()
        cursor.execute(TARGETS_SQL, [start.replace(day=1), end])
        targets = {(division_id, month): amount for division_id, month, amount in cursor.fetchall()}
    found = {}
    for division_id, code, name, *values in rows:
        figures = dict(zip(("defaulters", "arrears", "notices_served", "disconnections", "paid_on_spot_count",
                            "paid_on_spot_amount", "collections", "reconnections", "theft_cases_found",
                            "theft_cases_assessed"), values, strict=True))
        figures["target"] = _prorated(targets, division_id, start, end)
        figures["achievement_pct"] = _percent(figures["collections"], figures["target"])
        found[code] = {"name": name, **figures}
    totals = {key: sum(f[key] for f in found.values()) for key in (*COUNTS, *SUMS)}
    division_targets = [f["target"] for f in found.values() if f["target"] is not None]
    totals["target"] = sum(division_targets, Decimal("0")) if division_targets else None
    totals["achievement_pct"] = _percent(totals["collections"], totals["target"])
    found[None] = totals
    return found


def _same(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return Decimal(str(a)) == Decimal(str(b))


def differences(expected: dict, rows: list[dict], totals: dict, *, codes: list[str]) -> list[str]:
    """Each figure that differs between the recount (``expected``, for the divisions ``codes``) and
    what the app answered (rows as dicts with code and the KEYS; totals); also a missing, extra or
    misordered division."""
    found = []
    answered = [row.get("code") for row in rows]
    if answered != codes:
        found.append(f"divisions {answered} instead of {codes}")
    for row in rows:
        want = expected.get(row.get("code"))
        if want is None:
            continue
        if row.get("name") != want["name"]:
            found.append(f"{row.get('code')} name: {row.get('name')!r}, recount {want['name']!r}")
        found += [f"{row['code']} {key}: {row.get(key)}, recount {want[key]}" for key in KEYS
                  if not _same(row.get(key), want[key])]
    want = expected[None] if codes == [c for c in expected if c is not None] else _totals_of(expected, codes)
    found += [f"totals {key}: {totals.get(key)}, recount {want[key]}" for key in KEYS
              if not _same(totals.get(key), want[key])]
    return found


def _totals_of(expected: dict, codes: list[str]) -> dict:
    chosen = [expected[c] for c in codes]
    totals = {key: sum(f[key] for f in chosen) for key in (*COUNTS, *SUMS)}
    targets = [f["target"] for f in chosen if f["target"] is not None]
    totals["target"] = sum(targets, Decimal("0")) if targets else None
    totals["achievement_pct"] = _percent(totals["collections"], totals["target"])
    return totals


def _as_dict(figures) -> dict:
    return {"code": figures.code, "name": figures.name, **{key: getattr(figures, key) for key in KEYS}}



def _timed(call, times: int) -> tuple[list[float], object]:
    samples, result = [], None
    for _ in range(times):
        started = time.perf_counter()
        result = call()
        samples.append(time.perf_counter() - started)
    return samples, result


def _measure(requests: int) -> dict:
    """In the child: the checks and timings, as JSON-able figures. Writes nothing."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kesco.settings")
    django.setup()
    from django.conf import settings
    from django.test import Client

    from accounts.models import Division, User
    from arrears.ledger import ledger_days_mismatches
    from core.dates import india_today
    from reports.selectors import event_days_mismatches, summary

    # As production serves: no query log, templates not in debug mode (read when first used).
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    today = india_today()
    ranges = dict(zip(("day", "month", "year"), events.days_asked(today), strict=True))
    division = Division.objects.order_by("code").first()
    officer = User.objects.get(username=events.officer_name(division.code))
    md = User.objects.get(username=events.md_name())
    codes = list(Division.objects.order_by("code").values_list("code", flat=True))

    result = {"today": today.isoformat(), "division": division.code, "divisions": len(codes), "requests": requests,
              "ranges": {k: [s.isoformat(), e.isoformat()] for k, (s, e) in ranges.items()}, "checks": {},
              "recount": {}, "selector": {}, "pages": {}}
    for key, (start, end) in ranges.items():
        samples, expected = _timed(lambda s=start, e=end: recount(s, e), RECOUNTS)
        result["recount"][key] = samples
        got_md = summary(md, date_from=start, date_to=end)
        got_officer = summary(officer, date_from=start, date_to=end)
        result["checks"][key] = {
            "md": differences(expected, [_as_dict(r) for r in got_md.rows], _as_dict(got_md.totals), codes=codes),
            "officer": differences(expected, [_as_dict(r) for r in got_officer.rows], _as_dict(got_officer.totals),
                                   codes=[division.code]),
            "totals": {k: str(v) for k, v in expected[None].items()},
        }
        if key != "year":
            result["selector"][key], _ = _timed(lambda s=start, e=end: summary(md, date_from=s, date_to=e),
                                                SELECTOR_CALLS)

    def query(key):
        start, end = ranges[key]
        return f"?from={start.isoformat()}&to={end.isoformat()}"

    officer_client, md_client = Client(), Client()
    officer_client.force_login(officer)
    md_client.force_login(md)
    pages = {
        "officer home": (officer_client, "/"),
        "md home": (md_client, "/"),
        "summary day": (md_client, f"/reports/summary/{query('day')}"),
        "summary month": (md_client, f"/reports/summary/{query('month')}"),
        "api day": (md_client, f"/api/v1/reports/summary/{query('day')}"),
        "api month": (md_client, f"/api/v1/reports/summary/{query('month')}"),
        "api year": (md_client, f"/api/v1/reports/summary/{query('year')}"),
    }
    for name, (client, path) in pages.items():
        timed_get(client, [path] * WARM_UP)
        # The year is a larger question than the target is about, and slower: a fifth of the requests.
        count = max(5, requests // 5) if name == "api year" else requests
        result["pages"][name] = timed_get(client, [path] * count)
    # The API's JSON against the same recount: the figures as a client reads them.
    for key in ("day", "month"):
        start, end = ranges[key]
        body = md_client.get(f"/api/v1/reports/summary/{query(key)}").json()
        expected = recount(start, end)
        found = differences(expected, body.get("divisions", []), body.get("totals", {}), codes=codes)
        if (body.get("from"), body.get("to")) != (start.isoformat(), end.isoformat()):
            found.append(f"from/to {body.get('from')}/{body.get('to')}")
        result["checks"][key]["api"] = found
    samples, mismatches = _timed(ledger_days_mismatches, 1)
    result["day_book"] = {"seconds": samples[0], "mismatches": len(mismatches), "first": [str(m) for m in
                                                                                          mismatches[:5]]}
    samples, mismatches = _timed(lambda: event_days_mismatches(*ranges["year"]), 1)
    result["event_book"] = {"seconds": samples[0], "mismatches": len(mismatches),
                            "first": [str(m) for m in mismatches[:5]]}
    return result


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def _range_name(m: dict, key: str) -> str:
    start, end = m["ranges"][key]
    return start if start == end else f"{start} to {end}"


def run(ctx: Context) -> list[Figure]:
    size = ctx.size if ctx.size in REQUESTS else "full"
    made = events.ensure(ctx)
    print(f"  events {made['first']} to {made['last']}: {made['drives']:,} drives, {made['stops']:,} stops,"
          f" {made['notices']:,} notices, {made['disconnections']:,} disconnections, {made['paid_on_spot']:,} paid on"
          f" the spot, {made['counter_payments']:,} at the counter, {made['reconnections_done']:,} reconnected;"
          f" {'generated in ' + str(made['seconds']) + ' s' if made['generated'] else 'there already'}", flush=True)
    for name, seconds in made["steps"].items():
        print(f"    {name}: {seconds:.1f} s", flush=True)
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    timed = run_timed([sys.executable, "-m", "bench.reports", "measure", "--requests", str(REQUESTS[size])],
                      env=ctx.env())
    m = json.loads(timed.stdout.strip().splitlines()[-1])

    recount_ms = {key: statistics.median(samples) for key, samples in m["recount"].items()}
    figures = [
        Figure(name="load average of the machine (1, 5, 15 minutes) before the measurements", measured=load),
        Figure(name=f"events {made['first']} to {made['last']} (bench.events, set-based SQL)",
               measured=f"{made['drives']:,} drives, {made['stops']:,} stops, {made['notices']:,} notices,"
                        f" {made['disconnections']:,} disconnections, {made['paid_on_spot']:,} payments on the spot"
                        f" (₹{Decimal(made['paid_on_spot_amount']):,.2f}), {made['counter_payments']:,} at the"
                        f" counter (₹{Decimal(made['counter_amount']):,.2f}), {made['reconnections_done']:,}"
                        f" reconnections done ({made['reconnections_open']:,} open), {made['targets']:,} targets",
               baseline=(f"generated in {made['seconds']:.1f} s ({made.get('ledger_rows', 0):,} ledger rows,"
                         f" {made.get('consumers_refreshed', 0):,} consumers' cached figures,"
                         f" {made.get('lists', 0)} defaulter lists)" if made["generated"] else "there already")),
    ]
    problems = []
    for key in ("day", "month", "year"):
        check = m["checks"][key]
        found = check["md"] + [f"officer's view: {d}" for d in check["officer"]] + [
            f"API: {d}" for d in check.get("api", [])]
        totals = check["totals"]
        what = ("selector as the MD and as an officer, and the API" if "api" in check
                else "selector as the MD and as an officer")
        figures.append(Figure(
            name=f"summary of {_range_name(m, key)} against the plain recount ({what}; every figure of"
                 f" {m['divisions']} divisions and the totals)",
            measured=("all equal" if not found else f"{len(found)} differ: " + "; ".join(found[:5]))
                     + f" (totals: {int(totals['notices_served']):,} notices, {int(totals['disconnections']):,}"
                       f" cuts, collections ₹{Decimal(totals['collections']):,.2f})",
            baseline=f"plain recount over the raw tables: {_ms(recount_ms[key])} (median of {RECOUNTS})",
            target="equal", ok=not found, check=True))
        problems += [f"{key}: {d}" for d in found]
    for key in ("day", "month"):
        samples = m["selector"][key]
        figures.append(Figure(
            name=f"reports.selectors.summary as the MD, {_range_name(m, key)}, {len(samples)} calls",
            measured=f"p95 {_ms(p95(samples))} (median {_ms(statistics.median(samples))})",
            baseline=f"plain recount: {_ms(recount_ms[key])}"))
    labels = {
        "officer home": (f"division home page GET / as the officer of {m['division']}", "day"),
        "md home": ("MD home page GET / (yesterday's summary)", "day"),
        "summary day": (f"MD summary page GET /reports/summary/ for a day ({_range_name(m, 'day')})", "day"),
        "summary month": (f"MD summary page for a month ({_range_name(m, 'month')})", "month"),
        "api day": ("GET /api/v1/reports/summary/ as the MD, a day", "day"),
        "api month": ("GET /api/v1/reports/summary/ as the MD, a month", "month"),
        "api year": (f"GET /api/v1/reports/summary/ as the MD, the year ({_range_name(m, 'year')})", "year"),
    }
    for key, (label, range_key) in labels.items():
        samples = m["pages"][key]
        figures.append(Figure(
            name=f"{label}, {len(samples)} requests",
            measured=f"p95 {_ms(p95(samples))} (median {_ms(statistics.median(samples))})",
            baseline=f"plain recount of {_range_name(m, range_key)}, all divisions: {_ms(recount_ms[range_key])}",
            target=f"p95 ≤ {TARGET_PAGE_MS:g} ms", ok=p95(samples) * 1000 <= TARGET_PAGE_MS))
    book = m["day_book"]
    figures.append(Figure(
        name="day book recounted from the whole ledger (arrears.ledger.ledger_days_mismatches)",
        measured=f"{book['seconds']:.2f} s, " + ("no difference" if not book["mismatches"]
                                                  else f"{book['mismatches']} differ: {'; '.join(book['first'])}"),
        target="no difference", ok=not book["mismatches"], check=True))
    problems += [f"day book: {d}" for d in book["first"]]
    book = m["event_book"]
    figures.append(Figure(
        name=f"field's day book over the year recounted from the event tables"
             f" (reports.selectors.event_days_mismatches, {_range_name(m, 'year')})",
        measured=f"{book['seconds']:.2f} s, " + ("no difference" if not book["mismatches"]
                                                  else f"{book['mismatches']} differ: {'; '.join(book['first'])}"),
        target="no difference", ok=not book["mismatches"], check=True))
    problems += [f"field's day book: {d}" for d in book["first"]]
    for problem in problems:
        print(f"  !!! MISMATCH {problem}", flush=True)
    return figures


NOTES = """Timed in one process with Django's test client (no HTTP server or network in the figure),
DEBUG off; each user logged in by session; 3 requests to warm up, then the requests counted.
The baseline is one SQL query over the raw tables for the same range (every PAYMENT entry of
the ledger scanned for the collections; notices, disconnections, payments on the spot and
reconnections done in the divisions written on them; the latest list's entries counted),
the targets prorated in Python: the same figures, without the day book or any aggregate kept
at write time. Its figures are the check: the selector (as the MD, and as an officer for
their own division), and the API's JSON for the day and the month, must equal them exactly.

The events (bench/events.py) are generated on the loaded data set before the part: a year of
drives (every working day, every division, 30–60 stops), notices on two stops in three,
disconnections, payments on the spot and at the counter with their ledger entries, reconnection
orders and monthly targets, each table written by one INSERT … SELECT; then each division's
defaulter list as of the days asked about, as the nightly job builds them on those nights (every
consumer's cached figures from the ledger as of the first, each night's build rolling them on)."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="the reports part of the benchmark, alone")
    sub = parser.add_subparsers(dest="mode")
    measure = sub.add_parser("measure", help="(child) check and time the summary; print the figures as JSON")
    measure.add_argument("--requests", type=int, default=REQUESTS["full"])
    parser.add_argument("--server", default=os.environ.get("BENCH_SERVER", DEFAULT_SERVER))
    parser.add_argument("--database", default="kesco_bench")
    parser.add_argument("--size", choices=sorted(REQUESTS), default="full")
    parser.add_argument("--docs", action="store_true", help="record the figures in docs/BENCHMARKS.md")
    args = parser.parse_args(argv)
    if args.mode == "measure":
        print(json.dumps(_measure(args.requests)))
        return 0

    ctx = Context(size=args.size, data=None, server=args.server, database=args.database)
    return part_alone(ctx, "reports", HEADING, run, docs=args.docs, notes=NOTES,
                      loaded="the full data set after the imports, defaulters, daily and drives parts")


if __name__ == "__main__":
    sys.exit(main())
