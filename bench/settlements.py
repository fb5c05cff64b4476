"""Part "settlements" (issue 22): quoting a consumer's eligibility for a scheme, the nightly default check over the
live registrations, and registering consumers into a scheme, on the loaded data set.

Generated (set-based SQL, once: kept on the database, found again by the scheme's code): a scheme open today
(OTS-BENCH: any consumer owing arrears; a lump sum, or 10 instalments with half the surcharge waived, 30 % down)
and LIVE registrations into it (50,000 at full size) of consumers owing arrears, each with 10 monthly instalments
whose first fell due 0–59 days ago, registered now (after every credit the data set holds, so none counts towards
them); the instalments due by today are paid by a PAYMENT on the ledger, recorded a second after the registration
(as an import writes it, without the payment signal), except for one registration in twenty, which the default
check must default.

Measured, in a child process with Django set up, each write in a transaction rolled back (the database is the
same after the part as before it):

- the quote (settlements.quotes.scheme_quote, or GET /api/v1/schemes/{id}/eligibility/?account_no= when the API is
  there) for consumers owing arrears, p95 over 50 requests after a warm-up; target p95 ≤ 100 ms;
- the nightly default check (settlements.services.settlements_default_missed: the day's credits applied to every
  live schedule, set-based, then the defaults), target ≤ 2 s at 50,000 live registrations; beside it, the
  per-consumer path it replaced (settlements_apply over 1,000 of them, scaled up); checked: it defaults exactly
  the registrations generated unpaid with an instalment past the grace days;
- registering consumers (10,000 at full size): each deposit taken (payments.services.payment_record, the
  payments API's service) then the registration (settlement_register, or POST /api/v1/settlements/ when the API is
  there), each timed; the two rates side by side.

Run alone on a loaded database: ``python -m bench.settlements --database kesco_bench`` (``--docs`` records it).
"""

import argparse
import json
import os
import statistics
import sys
import time
from datetime import timedelta

from bench.common import DEFAULT_SERVER, Context, Figure, p95, part_alone, run_timed
from bench.data import PAY_EVERY

HEADING = "Settlements: the quote, the nightly default check and registrations (issue 22)"
SCHEME_CODE = "OTS-BENCH"
USERNAME = "bench-settlements"
# Per size: live registrations generated, consumers registered in the loop, quotes timed.
SIZES = {"full": (50_000, 10_000, 50), "small": (60, 30, 10)}
WARM_UP = 3
TARGET_QUOTE_MS = 100.0
TARGET_DEFAULT_S = 2.0
BASELINE_SAMPLE = 1_000
INSTALMENTS = 10
# "At the payments API's rate": a registration writes more than a payment (the settlement, its schedule, its
# history, the credits applied); held to nine tenths of the deposits' rate, each through the API.
PAYMENTS_RATE_SHARE = 0.9
UNPAID_ONE_IN = 20

# Consumers owing arrears, numbered by id, none live in a settlement: the first ``reserve`` are kept for the
# registration loop and the quotes, the next ``live`` are registered here.
POOL_SQL = """
CREATE TEMP TABLE bench_set_pool ON COMMIT DROP AS
SELECT c.id AS consumer_id, c.division_id, c.arrears, row_number() OVER (ORDER BY c.id) AS n
FROM arrears_consumer c
WHERE c.arrears >= 10 AND NOT EXISTS (
    SELECT 1 FROM settlements_settlement s WHERE s.consumer_id = c.id AND s.status = 'live')"""
SETTLEMENTS_SQL = """
INSERT INTO settlements_settlement (reference, consumer_id, division_id, kind, scheme_id, phase_id, term_id, plan,
    dues_cutoff, principal, surcharge, waiver, rebate, payable, deposit, deposit_receipt_no, paid, status, reason,
    registered_at, registered_by_id, ledger_after)
SELECT 'OTS-BENCH-' || lpad(p.n::text, 7, '0'), p.consumer_id, p.division_id, 'scheme', %(scheme)s, %(phase)s,
       %(term)s, 'instalments', %(cutoff)s, p.arrears, 0, 0, 0, p.arrears, 0, '', 0, 'live', '',
       %(registered_at)s, %(user)s, (SELECT COALESCE(MAX(id), 0) FROM arrears_ledgerentry)
FROM bench_set_pool p WHERE p.n > %(reserve)s AND p.n <= %(reserve)s + %(live)s"""
INSTALMENTS_SQL = """
INSERT INTO settlements_instalment (settlement_id, number, due_on, amount, paid, paid_on)
SELECT s.id, k, %(today)s::date - (s.id %% 60)::int + 30 * (k - 1),
       CASE WHEN k < %(instalments)s THEN round(s.payable / %(instalments)s, 2)
            ELSE s.payable - (%(instalments)s - 1) * round(s.payable / %(instalments)s, 2) END, 0, NULL
FROM settlements_settlement s CROSS JOIN generate_series(1, %(instalments)s) k
WHERE s.scheme_id = %(scheme)s AND s.status = 'live'"""
PAYMENTS_SQL = """
INSERT INTO arrears_ledgerentry (consumer_id, division_id, entry_date, kind, amount, reference, due_date, source,
    created_at)
SELECT s.consumer_id, s.division_id, %(today)s, 'PAYMENT', d.due, 'BSET-' || s.id, NULL, 'import',
       %(registered_at)s + interval '1 second'
FROM settlements_settlement s
JOIN (SELECT settlement_id, SUM(amount) AS due FROM settlements_instalment WHERE due_on <= %(today)s
      GROUP BY settlement_id) d ON d.settlement_id = s.id
WHERE s.scheme_id = %(scheme)s AND s.status = 'live' AND s.id %% %(unpaid)s <> 0"""
# The next day's credits, as the daily import writes them (no signal): a payment from every PAY_EVERY-th consumer
# (bench.data's day file) and, for the registrations kept paid, the instalment falling due that day.
DAY_CREDITS_SQL = """
INSERT INTO arrears_ledgerentry (consumer_id, division_id, entry_date, kind, amount, reference, due_date, source)
SELECT c.id, c.division_id, %(day)s, 'PAYMENT', 500, 'BSET-D-' || c.id, NULL::date, 'import'
FROM arrears_consumer c WHERE c.id %% %(every)s = 0
UNION ALL
SELECT s.consumer_id, s.division_id, %(day)s, 'PAYMENT', i.amount, 'BSET-N-' || i.id, NULL, 'import'
FROM settlements_instalment i JOIN settlements_settlement s ON s.id = i.settlement_id
WHERE s.scheme_id = %(scheme)s AND s.status = 'live' AND s.id %% %(unpaid)s <> 0 AND i.due_on = %(day)s"""
# What the default check must find: the unpaid ones with an instalment due before the grace days.
EXPECTED_SQL = """
SELECT COUNT(*) FROM settlements_settlement s
WHERE s.scheme_id = %(scheme)s AND s.status = 'live' AND s.id %% %(unpaid)s = 0
  AND EXISTS (SELECT 1 FROM settlements_instalment i WHERE i.settlement_id = s.id AND i.due_on < %(cut)s)"""


def _scheme(today):
    from settlements.models import Scheme
    from settlements.schemes import schemes_load

    found = Scheme.objects.filter(code=SCHEME_CODE).first()
    if found is not None:
        return found, False
    return schemes_load({"schemes": [{
        "code": SCHEME_CODE, "name_en": "Bench settlement", "name_hi": "बेंच समाधान",
        "starts_on": str(today - timedelta(days=1)), "ends_on": str(today + timedelta(days=90)),
        "dues_cutoff": str(today - timedelta(days=2)), "lump_sum_days": 30,
        "phases": [{"number": 1, "starts_on": str(today - timedelta(days=1)),
                    "ends_on": str(today + timedelta(days=90))}],
        "rules": [{}],
        "terms": [
            {"phase": 1, "plan": "lump_sum", "surcharge_waiver_pct": "100", "deposit_pct": "30"},
            {"phase": 1, "plan": "instalments", "instalments": INSTALMENTS, "surcharge_waiver_pct": "50",
             "deposit_pct": "30"},
        ]}]})[0], True


def _officers() -> dict[int, object]:
    """An officer of each division (they take payments and register), made once."""
    from accounts.models import Division, Role, User

    officers = {}
    for division in Division.objects.order_by("code"):
        user, _made = User.objects.get_or_create(
            username=f"{USERNAME}-{division.code.lower()}-officer",
            defaults={"role": Role.OFFICER, "division": division, "first_name": "Bench"})
        officers[division.pk] = user
    return officers


def _generate(scheme, *, live: int, reserve: int, officer_id: int) -> dict:
    """The live registrations, their instalments and the payments of those kept (unless there already)."""
    from django.db import connection, transaction
    from django.utils import timezone

    from arrears.ledger import positions_refresh
    from core.dates import india_today

    today = india_today()
    phase = scheme.phases.get()
    term = scheme.terms.get(plan="instalments")
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(POOL_SQL)
        params = {"scheme": scheme.pk, "phase": phase.pk, "term": term.pk, "cutoff": scheme.dues_cutoff,
                  "registered_at": timezone.now(), "user": officer_id, "reserve": reserve,
                  "live": live, "today": today, "instalments": INSTALMENTS, "unpaid": UNPAID_ONE_IN}
        cursor.execute(SETTLEMENTS_SQL, params)
        made = cursor.rowcount
        cursor.execute(INSTALMENTS_SQL, params)
        cursor.execute(PAYMENTS_SQL, params)
        cursor.execute("SELECT consumer_id FROM settlements_settlement WHERE scheme_id = %s", [scheme.pk])
        positions_refresh(as_of=today, consumer_ids=[row[0] for row in cursor.fetchall()])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE settlements_settlement; ANALYZE settlements_instalment")
    return {"generated": made, "seconds": round(time.perf_counter() - started, 1)}


def _api_path(pattern: str) -> bool:
    from django.urls import Resolver404, resolve

    try:
        resolve(pattern)
        return True
    except Resolver404:
        return False


def _measure(size: str) -> dict:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kesco.settings")
    django.setup()
    from django.conf import settings
    from django.db import connection, transaction
    from rest_framework.test import APIClient

    from arrears.models import Consumer
    from core.dates import india_today
    from payments.services import payment_record
    from settlements.models import ApplyMark, Settlement, SettlementStatus
    from settlements.quotes import scheme_quote
    from settlements.services import settlement_register, settlements_apply, settlements_default_missed

    live, registrations, quotes = SIZES[size]
    # The API's requests come from the test client's host, as the other parts' pages do (production settings).
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    today = india_today()
    officers = _officers()
    scheme, new = _scheme(today)
    made = (_generate(scheme, live=live, reserve=registrations + quotes + WARM_UP,
                      officer_id=next(iter(officers.values())).pk)
            if new else {"generated": 0, "seconds": 0})
    live_count = Settlement.objects.filter(scheme=scheme, status=SettlementStatus.LIVE).count()
    # Those kept for the quotes and the loop: owing arrears as of the scheme's cut-off (a debit due before it still
    # unpaid today was unpaid then), none live in a settlement, in id order.
    free = list(Consumer.objects.filter(arrears__gte=10, oldest_due_date__lt=scheme.dues_cutoff)
                .exclude(settlements__status=SettlementStatus.LIVE)
                .order_by("id")[:registrations + quotes + WARM_UP])
    result: dict = {"live": live_count, "generation": made, "checks": []}

    # (a) The quote.
    eligibility_api = _api_path(f"/api/v1/schemes/{scheme.pk}/eligibility/")
    client = APIClient()
    samples = []
    for n, consumer in enumerate(free[:quotes + WARM_UP]):
        started = time.perf_counter()
        if eligibility_api:
            client.force_authenticate(officers[consumer.division_id])
            response = client.get(f"/api/v1/schemes/{scheme.pk}/eligibility/", {"account_no": consumer.account_no})
            eligible = response.status_code == 200
        else:
            eligible = scheme_quote(scheme=scheme, consumer=consumer, on=today).eligible
        if n >= WARM_UP:
            samples.append(time.perf_counter() - started)
        if not eligible:
            result["checks"].append(f"{consumer.account_no} not quoted")
    result["quote"] = {"samples": samples, "through": "api" if eligibility_api else "service"}

    # (b) The nightly default check, the first night (no mark: every live schedule) and the next (the day's
    # credits), and the per-consumer path on a sample (all rolled back).
    grace = int(getattr(settings, "SETTLEMENT_GRACE_DAYS", 7))
    tomorrow = today + timedelta(days=1)
    expected = {}
    with connection.cursor() as cursor:
        for day in (today, tomorrow):
            cursor.execute(EXPECTED_SQL, {"scheme": scheme.pk, "unpaid": UNPAID_ONE_IN,
                                          "cut": day - timedelta(days=grace)})
            expected[day] = cursor.fetchone()[0]
    with transaction.atomic():
        ApplyMark.objects.all().delete()
        started = time.perf_counter()
        outcome = settlements_default_missed(today=today)
        result["first_night"] = {"seconds": time.perf_counter() - started, "outcome": outcome,
                                 "expected": expected[today]}
        with connection.cursor() as cursor:
            cursor.execute(DAY_CREDITS_SQL, {"day": tomorrow, "every": PAY_EVERY, "scheme": scheme.pk,
                                             "unpaid": UNPAID_ONE_IN})
            credits = cursor.rowcount
        started = time.perf_counter()
        outcome = settlements_default_missed(today=tomorrow)
        result["default"] = {"seconds": time.perf_counter() - started, "outcome": outcome, "credits": credits,
                             "expected": expected[tomorrow] - expected[today]}
        transaction.set_rollback(True)
    sample_ids = list(Settlement.objects.filter(scheme=scheme, status=SettlementStatus.LIVE).order_by("id")
                      .values_list("consumer_id", flat=True)[:BASELINE_SAMPLE])
    with transaction.atomic():
        started = time.perf_counter()
        settlements_apply(consumer_ids=sample_ids)
        result["baseline"] = {"seconds": time.perf_counter() - started, "sample": len(sample_ids)}
        transaction.set_rollback(True)

    # (c) Registrations: the deposit taken, then the registration, each timed (rolled back at the end).
    settlements_api = _api_path("/api/v1/settlements/")
    payments_api = _api_path("/api/v1/payments/")
    pay_times, register_times = [], []
    with transaction.atomic():
        for n, consumer in enumerate(free[quotes + WARM_UP:]):
            officer = officers[consumer.division_id]
            quote = scheme_quote(scheme=scheme, consumer=consumer, on=today)
            offer = quote.plan("instalments") if quote.eligible else None
            if offer is None:
                result["checks"].append(f"{consumer.account_no}: {quote.code}")
                continue
            receipt = f"BSET-R-{n:06d}" if offer.deposit > 0 else ""
            started = time.perf_counter()
            if not receipt:
                pass  # nothing to deposit (the consumer paid their principal since the cut-off): registered alone
            elif payments_api:
                client.force_authenticate(officer)
                response = client.post("/api/v1/payments/", {
                    "account_no": consumer.account_no, "amount": str(offer.deposit), "mode": "cash",
                    "receipt_no": receipt}, format="json")
                if response.status_code != 201:
                    result["checks"].append(f"{consumer.account_no} deposit: {response.status_code}")
            else:
                payment_record(user=officer, account_no=consumer.account_no, amount=offer.deposit, mode="cash",
                               receipt_no=receipt, source="api")
            if receipt:
                pay_times.append(time.perf_counter() - started)
            started = time.perf_counter()
            if settlements_api:
                client.force_authenticate(officer)
                response = client.post("/api/v1/settlements/", {
                    "account_no": consumer.account_no, "scheme": scheme.pk, "plan": "instalments",
                    "deposit_receipt_no": receipt}, format="json")
                if response.status_code != 201:
                    result["checks"].append(f"{consumer.account_no}: {response.status_code}")
            else:
                settlement_register(user=officer, account_no=consumer.account_no, scheme=scheme, plan="instalments",
                                    deposit_receipt_no=receipt, source="api")
            register_times.append(time.perf_counter() - started)
        transaction.set_rollback(True)
    result["register"] = {"pay": pay_times, "register": register_times,
                          "through": "api" if settlements_api else "service",
                          "pay_through": "api" if payments_api else "the payments service"}
    return result


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def run(ctx: Context) -> list[Figure]:
    size = ctx.size if ctx.size in SIZES else "full"
    timed = run_timed([sys.executable, "-m", "bench.settlements", "measure", "--size", size], env=ctx.env())
    m = json.loads(timed.stdout.strip().splitlines()[-1])
    live = m["live"]
    figures = [Figure(name="live registrations on the database (generated this run: "
                           f"{m['generation']['generated']:,} in {m['generation']['seconds']} s)",
                      measured=f"{live:,}", target=f"{SIZES[size][0]:,}")]
    quote = m["quote"]["samples"]
    figures.append(Figure(
        name=f"the quote for one consumer ({m['quote']['through']}), {len(quote)} consumers owing arrears",
        measured=f"p95 {_ms(p95(quote))} (median {_ms(statistics.median(quote))})",
        target=f"p95 ≤ {TARGET_QUOTE_MS:g} ms", ok=p95(quote) * 1000 <= TARGET_QUOTE_MS))
    first, default, baseline = m["first_night"], m["default"], m["baseline"]
    scaled = baseline["seconds"] * live / max(baseline["sample"], 1)
    figures.append(Figure(
        name=f"the nightly default check over {live:,} live registrations, a night after the daily import "
             f"({default['credits']:,} credits: applied to the schedules of the consumers credited, then the"
             " defaults)",
        measured=f"{default['seconds']:.2f} s",
        baseline=f"the first night (no mark yet: every live schedule, set-based): {first['seconds']:.2f} s; the"
                 f" per-consumer path (settlements_apply) over {baseline['sample']:,}: {baseline['seconds']:.2f} s,"
                 f" about {scaled:.0f} s for all",
        target=f"≤ {TARGET_DEFAULT_S:g} s" + (" (at 50,000)" if size != "full" else ""),
        ok=default["seconds"] <= TARGET_DEFAULT_S))
    figures.append(Figure(
        name="the default check defaults exactly the registrations left unpaid past the grace days (the first"
             " night; the next)",
        measured=f"{first['outcome']['defaulted']:,}; {default['outcome']['defaulted']:,} defaulted",
        baseline=f"{first['expected']:,}; {default['expected']:,} generated so", target="equal",
        ok=(first["outcome"]["defaulted"], default["outcome"]["defaulted"]) == (first["expected"],
                                                                                default["expected"]),
        check=True))
    pay, register = m["register"]["pay"], m["register"]["register"]
    if register:
        figures.append(Figure(
            name=f"registering {len(register):,} consumers ({m['register']['through']}; the deposit taken first)",
            measured=f"{len(register) / sum(register):,.0f} registrations/s (p95 {_ms(p95(register))})",
            baseline=f"their deposits ({m['register']['pay_through']}): {len(pay) / sum(pay):,.0f} payments/s"
                     f" (p95 {_ms(p95(pay))})",
            target="the payments' rate", ok=len(register) / sum(register) >= PAYMENTS_RATE_SHARE * len(pay) / sum(pay)))
    figures.append(Figure(name="consumers quoted and registered as the scheme allows", target="all",
                          measured="all" if not m["checks"] else "; ".join(m["checks"][:5]), ok=not m["checks"],
                          check=True))
    return figures


NOTES = """The registrations are generated (not registered through the service) so that the default check has its
50,000; the quote, the payments and the registrations of the loop run through the services (or the API when it is
there), each in a transaction rolled back at the end, so a registration's own commit is not in its time. The
registrations' rate is held to nine tenths of the deposits' (a registration re-quotes the consumer and writes its
schedule besides), both through the API. The nightly check is timed twice in one rolled-back transaction: the first
night (no mark: every live schedule recomputed), then the next, after the next day's import credits (a payment from
every 29th consumer and the instalments falling due that day) are written as the import writes them."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="the settlements part of the benchmark, alone")
    sub = parser.add_subparsers(dest="mode")
    measure = sub.add_parser("measure", help="(child) generate unless there, time; print the figures as JSON")
    measure.add_argument("--size", choices=sorted(SIZES), default="full", dest="measure_size")
    parser.add_argument("--server", default=os.environ.get("BENCH_SERVER", DEFAULT_SERVER))
    parser.add_argument("--database", default="kesco_bench")
    parser.add_argument("--size", choices=sorted(SIZES), default="full")
    parser.add_argument("--docs", action="store_true", help="record the figures in docs/BENCHMARKS.md")
    args = parser.parse_args(argv)
    if args.mode == "measure":
        print(json.dumps(_measure(args.measure_size)))
        return 0
    ctx = Context(size=args.size, data=None, server=args.server, database=args.database)
    return part_alone(ctx, "settlements", HEADING, run, docs=args.docs, notes=NOTES,
                      loaded="the full data set after the imports part")


if __name__ == "__main__":
    sys.exit(main())
