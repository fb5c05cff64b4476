"""Part "recovery" (issue 24): the nightly marking of permanently disconnected consumers over the loaded data set.

When the data set holds few disconnected consumers (under 1 %), one in ten is cut here (set-based SQL: a notice
and a cut each, 0–399 days ago, one in twenty with an older cut besides) and marked disconnected; everything
happens in one transaction rolled back at the end, so the database is the same after the part as before it.

Measured, in a child process with Django set up: recovery.services.permanent_disconnections_mark the first night
(no spell yet: every consumer cut PD_AFTER_DAYS ago marked) and the next night (nothing new: the steady state);
beside it, in the same run, the first form of the marking statement (a "latest cut" subquery per disconnected
consumer), on the first night. Checked: the consumers marked are those a plain recount finds.

Run alone on a loaded database: ``python -m bench.recovery --database kesco_bench``.
"""

import argparse
import json
import os
import sys
import time

from bench.common import DEFAULT_SERVER, Context, Figure, run_timed

HEADING = "Recovery: the nightly marking of permanently disconnected consumers (issue 24)"
TARGET_SECONDS = 1.0
CUT_ONE_IN = 10

CUTS_SQL = """
CREATE TEMP TABLE bench_pd_cuts ON COMMIT DROP AS
SELECT c.id AS consumer_id, c.division_id, now() - ((c.id % 400) || ' days')::interval - interval '2 hours' AS at
FROM arrears_consumer c WHERE c.id % {one_in} = 0
UNION ALL
SELECT c.id, c.division_id, now() - interval '700 days' FROM arrears_consumer c WHERE c.id % {twice} = 0;
ALTER TABLE bench_pd_cuts ADD COLUMN n bigserial;
INSERT INTO drives_notice (served_on, mode, amount_demanded, time_barred_amount, source, created_at, consumer_id,
                           recorded_by_id, proof_ref, reason, division_id)
SELECT (at - interval '20 days')::date, 'hand', 1000, 0, 'web', now(), consumer_id, {user}, 'BENCH-PD-' || n, '',
       division_id FROM bench_pd_cuts;
INSERT INTO drives_disconnection (method, disconnected_at, arrears_at_disconnection, source, by_id, consumer_id,
                                  notice_id, division_id)
SELECT 'cable_removed', c.at, 1000, 'web', {user}, c.consumer_id, n.id, c.division_id
FROM bench_pd_cuts c JOIN drives_notice n ON n.proof_ref = 'BENCH-PD-' || c.n;
UPDATE arrears_consumer SET status = 'disconnected' WHERE id % {one_in} = 0;
ANALYZE arrears_consumer; ANALYZE drives_disconnection;
"""

# The first form of the statement (kept here as the baseline): each disconnected consumer's latest cut by a subquery.
FIRST_FORM_SQL = """
INSERT INTO recovery_permanentdisconnection
    (consumer_id, division_id, disconnection_id, disconnected_at, marked_on, source)
SELECT c.id, c.division_id, d.id, d.disconnected_at, %(on)s, %(source)s
FROM arrears_consumer c
JOIN drives_disconnection d ON d.id = (
    SELECT d2.id FROM drives_disconnection d2 WHERE d2.consumer_id = c.id
    ORDER BY d2.disconnected_at DESC, d2.id DESC LIMIT 1)
WHERE c.status = %(disconnected)s AND d.disconnected_at < %(cutoff)s
  AND NOT EXISTS (SELECT 1 FROM recovery_permanentdisconnection p
                  WHERE p.consumer_id = c.id AND p.ended_on IS NULL)
ON CONFLICT DO NOTHING
"""

RECOUNT_SQL = """
SELECT count(*) FROM arrears_consumer c
WHERE c.status = 'disconnected'
  AND (SELECT max(d.disconnected_at) FROM drives_disconnection d WHERE d.consumer_id = c.id) < %(cutoff)s
"""


def _measure() -> dict:
    import django

    django.setup()
    from django.db import connection, transaction

    from core.dates import india_today
    from recovery.services import pd_cutoff, permanent_disconnections_mark

    class Rollback(Exception):
        pass

    result = {}
    today = india_today()
    params = {"on": today, "source": "task", "disconnected": "disconnected",
              "cutoff": connection.ops.adapt_datetimefield_value(pd_cutoff(today))}
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM recovery_permanentdisconnection")
            cursor.execute("SELECT count(*), count(*) FILTER (WHERE status = 'disconnected') FROM arrears_consumer")
            consumers, disconnected = cursor.fetchone()
            result["generated"] = 0
            if disconnected * 100 < consumers:
                # Who recorded the cuts: an IT user of the transaction's own when the data set has no user.
                cursor.execute("SELECT id FROM accounts_user ORDER BY is_superuser DESC, id LIMIT 1")
                row = cursor.fetchone()
                if row is None:
                    cursor.execute("INSERT INTO accounts_user (password, is_superuser, username, first_name, last_name,"
                                   " email, is_staff, is_active, date_joined, role, language) VALUES ('!', true,"
                                   " 'bench-recovery', '', '', '', true, true, now(), 'admin', 'en') RETURNING id")
                    row = cursor.fetchone()
                started = time.perf_counter()
                # Integers only are spliced in; the statements run one by one, without parameters.
                for statement in CUTS_SQL.format(one_in=CUT_ONE_IN, twice=CUT_ONE_IN * 2, user=int(row[0])).split(";"):
                    if statement.strip():
                        cursor.execute(statement)
                result["generated"], result["generated_seconds"] = 1, round(time.perf_counter() - started, 1)
                cursor.execute("SELECT count(*) FILTER (WHERE status = 'disconnected') FROM arrears_consumer")
                disconnected = cursor.fetchone()[0]
            cursor.execute("SELECT count(*) FROM drives_disconnection")
            result.update(consumers=consumers, disconnected=disconnected, cuts=cursor.fetchone()[0])
            cursor.execute(RECOUNT_SQL, params)
            result["expected"] = cursor.fetchone()[0]
            # The baseline first, undone by a savepoint: the same night's work by the first form.
            with transaction.atomic():
                started = time.perf_counter()
                cursor.execute(FIRST_FORM_SQL, params)
                result["first_form"] = {"seconds": time.perf_counter() - started, "marked": cursor.rowcount}
                transaction.set_rollback(True)
            started = time.perf_counter()
            result["first"] = {"outcome": permanent_disconnections_mark(on=today)}
            result["first"]["seconds"] = time.perf_counter() - started
            started = time.perf_counter()
            result["next"] = {"outcome": permanent_disconnections_mark(on=today)}
            result["next"]["seconds"] = time.perf_counter() - started
            raise Rollback
    except Rollback:
        pass
    return result


def run(ctx: Context) -> list[Figure]:
    timed = run_timed([sys.executable, "-m", "bench.recovery", "measure"], env=ctx.env())
    m = json.loads(timed.stdout.strip().splitlines()[-1])
    first, nxt, base = m["first"], m["next"], m["first_form"]
    where = (f"{m['consumers']:,} consumers, {m['disconnected']:,} disconnected, {m['cuts']:,} cuts"
             + (" (one in ten cut here)" if m["generated"] else ""))
    return [
        Figure(name=f"the nightly marking, the next night (the steady state: nothing new), {where}",
               measured=f"{nxt['seconds']:.2f} s", target=f"≤ {TARGET_SECONDS:g} s",
               ok=nxt["seconds"] <= TARGET_SECONDS),
        Figure(name="the nightly marking, the first night (every consumer cut PD_AFTER_DAYS ago marked)",
               measured=f"{first['seconds']:.2f} s, {first['outcome']['marked']:,} marked",
               baseline=f"the first form of the statement (a latest-cut subquery per consumer):"
                        f" {base['seconds']:.2f} s",
               target=f"≤ {TARGET_SECONDS:g} s", ok=first["seconds"] <= TARGET_SECONDS),
        Figure(name="consumers marked as a plain recount finds them (first night; next night nothing)",
               measured=f"{first['outcome']['marked']:,}; {nxt['outcome']['marked']:,}",
               baseline=f"{m['expected']:,}; 0", target="equal",
               ok=(first["outcome"]["marked"], nxt["outcome"]["marked"]) == (m["expected"], 0), check=True),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="the recovery part of the benchmark, alone (no docs)")
    sub = parser.add_subparsers(dest="mode")
    sub.add_parser("measure", help="(child) time the marking; print the figures as JSON")
    parser.add_argument("--server", default=os.environ.get("BENCH_SERVER", DEFAULT_SERVER))
    parser.add_argument("--database", default="kesco_bench")
    args = parser.parse_args(argv)
    if args.mode == "measure":
        print(json.dumps(_measure(), default=str))
        return 0
    from bench import run as runner

    ctx = Context(size="full", data=None, server=args.server, database=args.database)
    print(runner.table(run(ctx)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
