"""Part "pages": consumer search (part of a name, an exact account, phone or meter number), the consumers
list, a consumer's page, the defaulters page and the home page, each as the officer of one division
(about 50,000 consumers at full size) and as the MD (every consumer), timed through Django's test client
(the whole request: middleware, session, queries, template or serializer), p95 over 50 requests after a
warm-up, each request asking for another consumer or another name.

Baseline, measured in the same run: the search as it was before the search indexes (account, phone or
meter number or part of the name in one OR, the page in account order and its count), with the indexes
the search reads now (consumer_name_trgm, consumer_numbers) dropped inside a transaction
that is rolled back; the consumers list's first page without consumer_arrears and consumer_division_arrears,
the same way; a consumer's page and the defaulters page against plain SELECTs of the rows they show; the
officer's home against its two counts as they were (joined to the consumers to find the division's rows).
Searches are checked too: every account, phone and meter number asked for is found, and only that consumer.

Runs in a child process with Django set up (``python -m bench.pages measure``). Run alone on a database
that already holds the data set (events are generated unless there, as the reports part does):
``python -m bench.pages --database kesco_bench`` (add ``--docs`` to record it).
"""

import argparse
import json
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from urllib.parse import quote

from bench import events
from bench.common import DEFAULT_SERVER, Context, Figure, p95, part_alone, run_timed, timed_get
from bench.data import FIRST, LAST

HEADING = "Pages: consumer search, a consumer, the defaulters page and the home page, as an officer and as the MD"
TARGET_PAGE_MS = 100.0
REQUESTS = {"full": 50, "small": 10}
WARM_UP = 3
BASELINE_RUNS = {"full": 5, "small": 3}
SEED = 13
# The indexes the search reads now; dropped (inside a rolled-back transaction) for the baseline.
SEARCH_INDEXES = ("consumer_name_trgm", "consumer_numbers")
LIST_INDEXES = ("consumer_arrears", "consumer_division_arrears")

# The search before its indexes (arrears.selectors.consumers_search until this part): one OR over the
# four columns, the page in account order (the model's ordering) and its count.
OLD_SEARCH_WHERE = ("(c.account_no = %(q)s OR UPPER(c.name::text) LIKE UPPER(%(like)s) OR c.phone = %(q)s"
                    " OR c.meter_no = %(q)s) {division}")
OLD_SEARCH_SQL = ("SELECT c.*, d.* FROM arrears_consumer c JOIN accounts_division d ON d.id = c.division_id"
                  " WHERE " + OLD_SEARCH_WHERE + " ORDER BY c.account_no LIMIT 50")
OLD_COUNT_SQL = "SELECT COUNT(*) FROM arrears_consumer c WHERE " + OLD_SEARCH_WHERE
LIST_SQL = ("SELECT c.*, d.* FROM arrears_consumer c JOIN accounts_division d ON d.id = c.division_id"
            " WHERE TRUE {division} ORDER BY c.arrears DESC, c.account_no LIMIT 50")
LIST_COUNT_SQL = "SELECT COUNT(*) FROM arrears_consumer c WHERE TRUE {division}"
DETAIL_SQL = ("SELECT c.*, d.* FROM arrears_consumer c JOIN accounts_division d ON d.id = c.division_id"
              " WHERE c.account_no = %(q)s;"
              " SELECT e.* FROM arrears_ledgerentry e JOIN arrears_consumer c ON c.id = e.consumer_id"
              " WHERE c.account_no = %(q)s ORDER BY e.entry_date DESC, e.id DESC LIMIT 25")
DEFAULTERS_SQL = """
SELECT e.* FROM arrears_defaulterentry e WHERE e.list_id IN (
    SELECT DISTINCT ON (division_id) id FROM arrears_defaulterlist WHERE TRUE {division}
    ORDER BY division_id, as_of DESC)
ORDER BY e.arrears DESC LIMIT 50"""
# The officer's home's two counts as they were: the rows joined to the 1M consumers for their division.
OLD_HOME_COUNTS_SQL = """
SELECT (SELECT COUNT(*) FROM drives_reconnectionorder o JOIN arrears_consumer c ON c.id = o.consumer_id
        WHERE o.status = 'open' AND o.due_at < NOW() AND c.division_id = %(division)s),
       (SELECT COUNT(*) FROM drives_notice n JOIN arrears_consumer c ON c.id = n.consumer_id
        WHERE n.served_on > %(first)s AND n.served_on <= %(last)s AND c.division_id = %(division)s)"""


def _names(rng: random.Random, count: int) -> list[str]:
    """Parts of names as people type them: a surname, a first name and the start of a surname, a
    fragment in lower case."""
    found = []
    for n in range(count):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        found.append([last, f"{first} {last[:3]}", first.lower()[1:], f"{first} {last}"][n % 4])
    return found


def _sample(cursor, rng: random.Random, division_id: int | None, count: int) -> list[tuple[str, str, str]]:
    """``count`` consumers (account, phone, meter number) of the division (or anywhere), spread over it,
    each with a phone."""
    where = "phone <> ''" + ("" if division_id is None else " AND division_id = %s")
    cursor.execute(f"SELECT MIN(id), MAX(id) FROM arrears_consumer WHERE {where}",
                   [] if division_id is None else [division_id])
    low, high = cursor.fetchone()
    found: dict[str, tuple[str, str, str]] = {}
    while len(found) < count:
        ids = [rng.randint(low, high) for _ in range(count * 4)]
        cursor.execute(f"SELECT account_no, phone, meter_no FROM arrears_consumer WHERE id = ANY(%s) AND {where}",
                       [ids] + ([] if division_id is None else [division_id]))
        for row in cursor.fetchall():
            found.setdefault(row[0], row)
    return list(found.values())[:count]


def _timed_sql(cursor, statements: list[tuple[str, dict]]) -> list[float]:
    samples = []
    for sql, params in statements:
        started = time.perf_counter()
        for part in sql.split(";"):
            cursor.execute(part, params)
            cursor.fetchall()
        samples.append(time.perf_counter() - started)
    return samples


def _without(cursor, indexes: tuple[str, ...], statements: list[tuple[str, dict]]) -> list[float]:
    """The statements timed with ``indexes`` dropped, in a transaction rolled back after."""
    from django.db import transaction

    with transaction.atomic():
        for name in indexes:
            cursor.execute(f'DROP INDEX IF EXISTS "{name}"')
        samples = _timed_sql(cursor, statements)
        transaction.set_rollback(True)
    return samples


def _found(client, path: str) -> list[str]:
    """The account numbers a search page lists (its links to consumers)."""
    body = client.get(path).content.decode()
    return sorted({part.split("/")[0] for part in body.split('href="/consumers/')[1:] if part[:1].isdigit()})


def _measure(size: str, requests: int) -> dict:
    """In the child: the checks and timings, as JSON-able figures. Writes nothing."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kesco.settings")
    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from accounts.models import Division, User
    from arrears.models import Consumer
    from core.dates import india_today
    from drives.models import Drive, TheftCase
    from drives.selectors import served_by
    from reports.selectors import division_dashboard

    settings.DEBUG = False
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    rng = random.Random(SEED)
    division = Division.objects.order_by("code").first()
    officer = User.objects.get(username=events.officer_name(division.code))
    md = User.objects.get(username=events.md_name())
    today = india_today()
    result = {"division": division.code, "requests": requests, "roles": {}, "checks": [],
              "consumers": {"officer": Consumer.objects.filter(division=division).count(),
                            "md": Consumer.objects.count()}}
    baseline_runs = BASELINE_RUNS[size]
    with connection.cursor() as cursor:
        for role, user, division_id in (("officer", officer, division.pk), ("md", md, None)):
            client = Client()
            client.force_login(user)
            sample = _sample(cursor, rng, division_id, requests + WARM_UP)
            names = _names(rng, requests + WARM_UP)
            accounts = [a for a, _p, _m in sample]
            paths = {
                "list": [f"/consumers/?page={1 + n % 3}" for n in range(requests + WARM_UP)],
                "name": [f"/consumers/?q={quote(name)}" for name in names],
                "account": [f"/consumers/?q={a}" for a in accounts],
                "phone": [f"/consumers/?q={p}" for _a, p, _m in sample],
                "meter": [f"/consumers/?q={m}" for _a, _p, m in sample],
                "api name": [f"/api/v1/consumers/?q={quote(name)}" for name in names],
                "api account": [f"/api/v1/consumers/?q={a}" for a in accounts],
                "detail": [f"/consumers/{a}/" for a in accounts],
                "defaulters": ["/defaulters/" if role == "officer" else "/reports/defaulters/"]
                * (requests + WARM_UP),
                "home": ["/"] * (requests + WARM_UP),
            }
            if role == "officer":
                # The officer's working pages: reconnections (its sections' pages in turn), a drive's notices
                # (another of the division's drives each request: past, today's and those being planned).
                drives = list(Drive.objects.filter(division=division).order_by("-date").values_list("pk", flat=True)
                              [:400])
                paths["reconnections"] = [f"/reconnections/?awaiting={1 + n % 3}" for n in range(requests + WARM_UP)]
                paths["notices"] = [f"/drives/{rng.choice(drives)}/notices/" for _n in range(requests + WARM_UP)]
                # Theft cases: the division's list (pages 1–3, then open cases only) and a case's page.
                cases = list(TheftCase.objects.filter(division=division).values_list("pk", flat=True)[:2000])
                paths["theft"] = [f"/theft-cases/?page={1 + n % 3}" if n % 2 else "/theft-cases/?status=reported"
                                  for n in range(requests + WARM_UP)]
                paths["theft case"] = [f"/theft-cases/{rng.choice(cases)}/" for _n in range(requests + WARM_UP)]
            timings = {}
            for key, listed in paths.items():
                if key in OFFICER_PAGES:  # each answered, not a redirect or an error page timed as a page
                    answered = client.get(listed[0])
                    if answered.status_code != 200:
                        result["checks"].append(f"{role} {listed[0]}: {answered.status_code}")
                timed_get(client, listed[:WARM_UP])
                timings[key] = timed_get(client, listed[WARM_UP:])
            # What the searches found: the one consumer asked for (checked on a few of them).
            for (account, phone, meter) in sample[WARM_UP:WARM_UP + 5]:
                for q in (account, phone, meter):
                    got = _found(client, f"/consumers/?q={q}")
                    if account not in got or (q != phone and got != [account]):
                        result["checks"].append(f"{role} q={q}: found {got}, wanted {account}")
            scope = "" if division_id is None else f"AND c.division_id = {int(division_id)}"
            old = {
                kind: [(sql.format(division=scope), {"q": q, "like": f"%{q}%"})
                       for q in qs[WARM_UP:WARM_UP + baseline_runs] for sql in (OLD_SEARCH_SQL, OLD_COUNT_SQL)]
                for kind, qs in (("name", names), ("account", accounts), ("phone", [p for _a, p, _m in sample]),
                                 ("meter", [m for _a, _p, m in sample]))
            }
            baseline = {kind: _without(cursor, SEARCH_INDEXES, statements) for kind, statements in old.items()}
            # Each sample above is a page or its count: a request made both.
            baseline = {kind: [a + b for a, b in zip(s[::2], s[1::2], strict=True)] for kind, s in baseline.items()}
            baseline["list"] = [a + b for a, b in zip(*(
                _without(cursor, LIST_INDEXES, [(sql.format(division=scope), {})] * baseline_runs)
                for sql in (LIST_SQL, LIST_COUNT_SQL)), strict=True)]
            baseline["detail"] = _timed_sql(cursor, [(DETAIL_SQL, {"q": a}) for a in accounts[WARM_UP:]])
            list_scope = "" if division_id is None else f"AND division_id = {int(division_id)}"
            baseline["defaulters"] = _timed_sql(cursor, [(DEFAULTERS_SQL.format(division=list_scope), {})] * requests)
            if division_id is not None:
                counts = {"division": division_id, "first": served_by(today),
                          "last": served_by(today + timedelta(days=7))}
                baseline["home"] = _timed_sql(cursor, [(OLD_HOME_COUNTS_SQL, counts)] * requests)
                # The home's two counts, kept exact: against the rows joined to their consumers.
                cursor.execute(OLD_HOME_COUNTS_SQL, counts)
                overdue, ripening = cursor.fetchone()
                home = division_dashboard(user, division, on=today)
                result["home_counts"] = {"overdue": [home["reconnections_overdue"], overdue],
                                         "ripening": [home["ripening_count"], ripening]}
            result["roles"][role] = {"timings": timings, "baseline": baseline}
    return result


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


LABELS = {
    "list": ("the consumers list, highest arrears first (pages 1–3)",
             "the first page without consumer_arrears / consumer_division_arrears (sorted by hand)"),
    "name": ("search by part of a name (GET /consumers/?q=Sharma, 'Ram Shu', 'ohan', …)",
             "before the search indexes: one OR of the four columns, a scan"),
    "account": ("search by an exact 8-digit account number", "before the search indexes: one OR, a scan"),
    "phone": ("search by an exact phone number", "before the search indexes: one OR, a scan"),
    "meter": ("search by an exact meter number", "before the search indexes: one OR, a scan"),
    "api name": ("GET /api/v1/consumers/?q= part of a name", "before the search indexes: one OR, a scan"),
    "api account": ("GET /api/v1/consumers/?q= an account number", "before the search indexes: one OR, a scan"),
    "detail": ("a consumer's page GET /consumers/{account}/ (position and the ledger's first page)",
               "plain SELECT of the consumer and its 25 latest ledger rows"),
    "defaulters": ("the defaulters page", "plain SELECT of the first 50 entries of the latest list(s)"),
    "home": ("the home page GET /", "its two counts as they were (joined to the consumers for the division)"),
    "reconnections": ("the Reconnections page GET /reconnections/ (cut and paid below the minimum, overdue,"
                      " open, done today; pages 1–3 of the first section)", ""),
    "notices": ("a drive's notices page GET /drives/{id}/notices/ (served-on and cut-from of each stop;"
                " another of the division's latest 400 drives each request)", ""),
    "theft": ("the division's theft cases GET /theft-cases/ (pages 1–3, and the cases still reported)", ""),
    "theft case": ("a theft case's page GET /theft-cases/{id}/ (inspection, assessment, payments since, FIR)", ""),
}
# Pages only an officer works (the MD reads the summary instead).
OFFICER_PAGES = ("reconnections", "notices", "theft", "theft case")
BASELINE_OF = {"api name": "name", "api account": "account"}


def run(ctx: Context) -> list[Figure]:
    size = ctx.size if ctx.size in REQUESTS else "full"
    made = events.ensure(ctx)
    print(f"  events {made['first']} to {made['last']}: {made['drives']:,} drives;"
          f" {'generated in ' + str(made['seconds']) + ' s' if made['generated'] else 'there already'}", flush=True)
    # The events rewrote every consumer's cached figures: vacuumed and analysed, as autovacuum does after
    # such a write, so a run does not depend on whether it has come round yet.
    started = time.perf_counter()
    conn = ctx.connect()
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) arrears_consumer")
    conn.close()
    vacuumed = time.perf_counter() - started
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    timed = run_timed([sys.executable, "-m", "bench.pages", "measure", "--size", size,
                       "--requests", str(REQUESTS[size])], env=ctx.env())
    m = json.loads(timed.stdout.strip().splitlines()[-1])
    figures = [
        Figure(name="load average of the machine (1, 5, 15 minutes) before the measurements", measured=load,
               baseline=f"VACUUM (ANALYZE) arrears_consumer first: {vacuumed:.1f} s"),
        Figure(name="searches checked: each account, phone and meter number asked for finds its consumer alone"
                    " (5 of each, as each role); the officer's reconnections, notices and theft pages answer 200",
               measured="all found" if not m["checks"] else "; ".join(m["checks"][:5]), target="all found",
               ok=not m["checks"]),
    ]
    counts = m["home_counts"]
    figures.append(Figure(
        name=f"the officer's home: overdue reconnection orders and notices ripening this week ({m['division']})",
        measured=f"{counts['overdue'][0]:,} overdue, {counts['ripening'][0]:,} ripening",
        baseline=f"the rows joined to their consumers: {counts['overdue'][1]:,} overdue,"
                 f" {counts['ripening'][1]:,} ripening", target="equal",
        ok=all(mine == plain for mine, plain in counts.values())))
    who = {"officer": f"the officer of {m['division']} ({m['consumers']['officer']:,} consumers)",
           "md": f"the MD ({m['consumers']['md']:,} consumers)"}
    for role in ("officer", "md"):
        found = m["roles"][role]
        for key, (label, baseline_label) in LABELS.items():
            if key not in found["timings"]:
                continue
            samples = found["timings"][key]
            if key == "defaulters" and role == "md":
                label = "the all-divisions defaulters page GET /reports/defaulters/"
            elif key == "defaulters":
                label = "the division's defaulters page GET /defaulters/"
            base = found["baseline"].get(BASELINE_OF.get(key, key))
            figures.append(Figure(
                name=f"{label}, as {who[role]}, {len(samples)} requests",
                measured=f"p95 {_ms(p95(samples))} (median {_ms(statistics.median(samples))})",
                baseline=f"{baseline_label}: p95 {_ms(p95(base))} ({len(base)} runs)" if base else "",
                target=f"p95 ≤ {TARGET_PAGE_MS:g} ms", ok=p95(samples) * 1000 <= TARGET_PAGE_MS))
    for problem in m["checks"]:
        print(f"  !!! SEARCH {problem}", flush=True)
    return figures


NOTES = """Timed in one process with Django's test client (no HTTP server or network in the figure),
DEBUG off; the consumers table vacuumed and analysed first (as autovacuum does after the events
rewrote every consumer's cached figures); each user logged in by session; 3 requests to warm up,
then the requests counted, each for another consumer (spread over the division's or the whole
table's ids) or another part of a name. Search (arrears.selectors.consumer_match): with a digit,
the text is an account, phone or meter number, each looked up exactly in its own index; without,
part of a name, `UPPER(name) LIKE UPPER('%…%')`, answered by the pg_trgm GIN index
consumer_name_trgm on UPPER(name). Lists are ordered by arrears, highest first, then account
number, read off consumer_division_arrears (division, -arrears, account_no) for an officer and
consumer_arrears (-arrears, account_no) for the MD. The list page reads up to 5,001 matches
(ids and arrears, a LIMIT in no order: the name index read once): 5,000 or fewer are sorted there
and their page read by id, more are paged off the ordered index; it shows the first 1,000 and
counts no further. The data set has 320 distinct names (20 first names,
16 surnames), so a full name matches about 3,100 consumers and a surname about 62,000: harder
for a name search than real names. The baselines run the same questions as SQL in the same
process, the indexes dropped inside a transaction that is rolled back.

The officer's Reconnections page misses its target (p95 187 ms; 5.3 s in the full run before its fix at
1ced109, where the page's LIMIT made the planner walk the latest cuts and re-check each against every order).
Its first section, cut consumers who paid something below the minimum and have no order, has no column to
read: for each of the division's disconnected consumers (2,200 here) it takes the last cut, checks it has no
order and sums the credits since it (about 50 ms, with JIT compilation off: compiling added 0.3 s); the
overdue count joins the 3,441 open orders to their consumers (about 20 ms); rendering two sections of 50
rows takes 35–50 ms. Fewer rows (25) did not help (SQL is most of it) nor did EXISTS for the sum. What would:
the credits since the cut kept on the disconnection by the payment service and the ledger_credited signal
(a partial index of cuts awaiting approval), and the orders' own division column indexed with their status
and due time. Left for issue 23 (speed and scale)."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="the pages part of the benchmark, alone")
    sub = parser.add_subparsers(dest="mode")
    measure = sub.add_parser("measure", help="(child) time the pages; print the figures as JSON")
    measure.add_argument("--requests", type=int, default=REQUESTS["full"])
    measure.add_argument("--size", choices=sorted(REQUESTS), default="full", dest="measure_size")
    parser.add_argument("--server", default=os.environ.get("BENCH_SERVER", DEFAULT_SERVER))
    parser.add_argument("--database", default="kesco_bench")
    parser.add_argument("--size", choices=sorted(REQUESTS), default="full")
    parser.add_argument("--docs", action="store_true", help="record the figures in docs/BENCHMARKS.md")
    args = parser.parse_args(argv)
    if args.mode == "measure":
        print(json.dumps(_measure(args.measure_size, args.requests)))
        return 0

    ctx = Context(size=args.size, data=None, server=args.server, database=args.database)
    return part_alone(ctx, "pages", HEADING, run, docs=args.docs, notes=NOTES,
                      loaded="the full data set after the imports part, with the reports part's events")


if __name__ == "__main__":
    sys.exit(main())
