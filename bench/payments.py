"""Part "payments" (issue 23): the payments API under concurrent clients, as production serves it.

gunicorn (2 sync workers, production settings: DEBUG off, behind a TLS proxy) serves the loaded database on a
local port; CLIENTS threads of this process are the clerks' phones (the load generator shares the machine).
Three runs, each as fast as the server answers:

- the no-op: ``GET /api/v1/divisions/`` (authenticated by token, the smallest request the API answers): the
  ceiling for this server on this machine, measured in the same run;
- payments, every client a clerk of one division, each ``POST /api/v1/payments/`` for another consumer owing
  arrears, with its own receipt number and Idempotency-Key;
- the same with the clients spread over four divisions.

Target: the payments' rate at least half the no-op's, no error. Then the check that nothing was lost or doubled:
exactly one payment and one PAYMENT ledger row per 2xx answer, and the consumers' cached positions equal to their
ledger. The payments stay on the database (a rerun numbers its receipts apart).

Run alone on a loaded database: ``python -m bench.payments --database kesco_bench`` (``--docs`` records it).
"""

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid

from bench.common import DEFAULT_SERVER, PROJECT, Context, Figure, p95, part_alone

HEADING = "Payments API under load: 16 clients through gunicorn (issue 23)"
USERNAME = "bench-payments"
# Per size: clients, no-op requests per client, payments per client.
SIZES = {"full": (16, 150, 60), "small": (4, 20, 10)}
DIVISIONS_SPREAD = 4
TARGET_SHARE = 0.5
WARM_UP = 3
AMOUNT = "100.00"


# --- the clerks and the consumers they pay for (a child process with Django set up) ------------------------------

def _setup(clients: int, per_client: int) -> dict:
    """A token for each client, in one division and spread over DIVISIONS_SPREAD; per client ``per_client``
    consumers owing arrears of its division, none given to two clients."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kesco.settings")
    django.setup()
    from rest_framework.authtoken.models import Token

    from accounts.models import Division, Role, User
    from arrears.models import Consumer

    divisions = list(Division.objects.order_by("code")[:DIVISIONS_SPREAD])
    taken: set[int] = set()

    def clerk(division, n):
        user, _made = User.objects.get_or_create(
            username=f"{USERNAME}-{division.code.lower()}-{n:02d}",
            defaults={"role": Role.CLERK, "division": division, "first_name": "Bench"})
        return user, Token.objects.get_or_create(user=user)[0].key

    def accounts(division, count):
        # Not those the settlements part registered (the lowest ids owing arrears): a payment of theirs also
        # writes their schedule, and they are 1 consumer in 20 of the data set, not every payer.
        rows = list(Consumer.objects.filter(division=division, arrears__gt=0).exclude(pk__in=taken)
                    .exclude(settlements__status="live")
                    .order_by("id").values_list("id", "account_no")[:count])
        taken.update(pk for pk, _a in rows)
        return [account for _pk, account in rows]

    one = divisions[0]
    runs = {"one": [], "spread": []}
    for n in range(clients):
        user, token = clerk(one, n)
        runs["one"].append({"user": user.username, "token": token, "accounts": accounts(one, per_client)})
        division = divisions[n % len(divisions)]
        user, token = clerk(division, n)
        runs["spread"].append({"user": user.username, "token": token, "accounts": accounts(division, per_client)})
    return {"divisions": [d.code for d in divisions], "runs": runs}


def _verify(stamp: str) -> dict:
    """What the database holds of this run's payments, and whether their consumers' cached positions equal the
    ledger."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kesco.settings")
    django.setup()
    from django.db import connection

    from arrears.ledger import positions_select_sql
    from core.dates import india_today

    like = f"BP{stamp}-%"
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*), COUNT(DISTINCT receipt_no) FROM arrears_payment WHERE receipt_no LIKE %s",
                       [like])
        payments, distinct = cursor.fetchone()
        cursor.execute("SELECT COUNT(*) FROM arrears_ledgerentry WHERE kind = 'PAYMENT' AND reference LIKE %s",
                       [like])
        ledger = cursor.fetchone()[0]
        cursor.execute("SELECT DISTINCT consumer_id FROM arrears_payment WHERE receipt_no LIKE %s", [like])
        ids = [row[0] for row in cursor.fetchall()]
        cursor.execute(f"""
            SELECT COUNT(*) FROM ({positions_select_sql(where='c.id = ANY(%s)')}) p
            JOIN arrears_consumer c ON c.id = p.consumer_id
            WHERE c.balance <> p.balance OR c.arrears <> p.arrears""", [india_today(), ids])
        mismatched = cursor.fetchone()[0]
    return {"payments": payments, "distinct": distinct, "ledger": ledger, "consumers": len(ids),
            "mismatched": mismatched}


# --- the server and the clients -----------------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


PORT = _free_port()


def _server(ctx: Context) -> subprocess.Popen:
    # As docker-compose.yml runs it: connections kept between requests (DB_CONN_MAX_AGE).
    env = ctx.env() | {"DEBUG": "0", "SECRET_KEY": "bench-" + uuid.uuid4().hex, "ALLOWED_HOSTS": "127.0.0.1",
                       "DB_CONN_MAX_AGE": "60"}
    # Its log to a file: a pipe nobody reads fills, and then every worker blocks on its next log line.
    log = tempfile.TemporaryFile()
    server = subprocess.Popen(
        [str(PROJECT / ".venv" / "bin" / "gunicorn"), "kesco.wsgi:application", "--bind", f"127.0.0.1:{PORT}",
         "--workers", "2", "--timeout", "60", "--log-level", "warning"],
        cwd=PROJECT, env=env, stdout=subprocess.DEVNULL, stderr=log)
    server.log = log
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            status, _body, _s = _request("GET", "/healthz", token=None)
            if status == 200:
                return server
        except OSError:
            pass
        if server.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"gunicorn stopped: {log.read().decode()[-2000:]}")
        time.sleep(0.5)
    server.kill()
    raise RuntimeError("gunicorn did not answer /healthz within 60 s")


def _request(method: str, path: str, *, token: str | None, body: dict | None = None,
             headers: dict | None = None, connection: http.client.HTTPConnection | None = None):
    conn = connection or http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
    sent = {"Host": "127.0.0.1", "X-Forwarded-Proto": "https", "Accept": "application/json", **(headers or {})}
    if token:
        sent["Authorization"] = f"Token {token}"
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        sent["Content-Type"] = "application/json"
    started = time.perf_counter()
    conn.request(method, path, body=data, headers=sent)
    response = conn.getresponse()
    payload = response.read()
    seconds = time.perf_counter() - started
    if connection is None:
        conn.close()
    return response.status, payload, seconds


def _load(clients: list[dict], make) -> dict:
    """Every client's requests in a thread of its own, all started together; the rate over the wall time."""
    samples: list[float] = []
    statuses: dict[int, int] = {}
    errors: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(len(clients) + 1)

    def client(n: int, spec: dict):
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
        barrier.wait()
        for method, path, body, headers in make(n, spec):
            try:
                status, payload, seconds = _request(method, path, token=spec["token"], body=body, headers=headers,
                                                    connection=conn)
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
                with lock:
                    errors.append(repr(exc))
                continue
            with lock:
                samples.append(seconds)
                statuses[status] = statuses.get(status, 0) + 1
                if status >= 300 and len(errors) < 5:
                    errors.append(f"{status} {payload[:200]!r}")
        conn.close()

    threads = [threading.Thread(target=client, args=(n, spec)) for n, spec in enumerate(clients)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    return {"rate": len(samples) / wall, "p95": p95(samples) if samples else 0.0,
            "median": statistics.median(samples) if samples else 0.0, "statuses": statuses, "errors": errors,
            "wall": wall, "requests": len(samples)}


def _child(ctx: Context, *args: str) -> dict:
    done = subprocess.run([sys.executable, "-m", "bench.payments", *args], cwd=PROJECT, env=ctx.env(),
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def run(ctx: Context) -> list[Figure]:
    size = ctx.size if ctx.size in SIZES else "full"
    clients, noops, per_client = SIZES[size]
    setup = _child(ctx, "setup", "--clients", str(clients), "--per-client", str(per_client))
    stamp = time.strftime("%m%d%H%M%S")
    server = _server(ctx)
    try:
        # Both workers past their first requests (imports, URL resolvers) before anything is timed.
        _load(setup["runs"]["one"], lambda n, spec: [("GET", "/api/v1/divisions/", None, None)] * WARM_UP)
        noop = _load(setup["runs"]["one"],
                     lambda n, spec: [("GET", "/api/v1/divisions/", None, None)] * noops)

        def payments(run_key):
            def make(n, spec):
                for k, account in enumerate(spec["accounts"]):
                    receipt = f"BP{stamp}-{run_key[0].upper()}{n:02d}-{k:04d}"
                    yield ("POST", "/api/v1/payments/",
                           {"account_no": account, "amount": AMOUNT, "mode": "cash", "receipt_no": receipt},
                           {"Idempotency-Key": receipt, "X-Field-User": spec["user"]})
            return make

        one = _load(setup["runs"]["one"], payments("one"))
        spread = _load(setup["runs"]["spread"], payments("spread"))
    finally:
        server.terminate()
        server.wait(timeout=30)
        server.log.seek(0)
        logged = server.log.read().decode(errors="replace").splitlines()
        server.log.close()
    if logged:
        print(f"gunicorn logged {len(logged)} lines; the last: {logged[-3:]}", file=sys.stderr)
    # A receiver of the payment's signal that fails is logged, not answered (the money stands): counted here.
    server_errors = sum(1 for line in logged if "Traceback" in line or " ERROR " in line)
    held = _verify_in_child(ctx, stamp)
    answered = sum(n for status, n in one["statuses"].items() if 200 <= status < 300) + sum(
        n for status, n in spread["statuses"].items() if 200 <= status < 300)

    def rate(name, m, target=None, ok=None):
        errors = sum(n for status, n in m["statuses"].items() if status >= 300) + len(
            [e for e in m["errors"] if not e[:3].isdigit()])
        return Figure(name=name, measured=f"{m['rate']:.1f} req/s = {m['rate'] / noop['rate']:.2f}× the no-op, p95"
                                          f" {m['p95'] * 1000:.0f} ms, {errors} errors",
                      baseline=f"the no-op: {noop['rate']:.1f} req/s (p95 {noop['p95'] * 1000:.0f} ms)",
                      target=target or f"≥ {TARGET_SHARE}× the no-op, 0 errors",
                      ok=ok if ok is not None else (m["rate"] >= TARGET_SHARE * noop["rate"] and errors == 0))

    figures = [
        Figure(name=f"the no-op GET /api/v1/divisions/, {clients} clients × {noops}",
               measured=f"{noop['rate']:.1f} req/s (p95 {noop['p95'] * 1000:.0f} ms)", target="(the ceiling)"),
        rate(f"POST /api/v1/payments/, {clients} clerks of {setup['divisions'][0]} × {per_client}", one),
        rate(f"the same, clerks spread over {', '.join(setup['divisions'])}", spread),
        Figure(name="errors the server logged (a failed receiver of a payment's signal is logged, not answered)",
               measured=f"{server_errors:,}", target="0", ok=server_errors == 0, check=True),
        Figure(name="payments and ledger rows on the database per 2xx answer; consumers whose cached positions"
                    " differ from the ledger",
               measured=f"{held['payments']:,} payments ({held['distinct']:,} receipts), {held['ledger']:,} ledger"
                        f" rows; {held['mismatched']} of {held['consumers']:,} consumers differ",
               baseline=f"{answered:,} answered 2xx", target="equal; 0 differ",
               ok=held["payments"] == held["distinct"] == held["ledger"] == answered and held["mismatched"] == 0,
               check=True),
    ]
    errors = one["errors"][:2] + spread["errors"][:2]
    if errors:
        print("payments errors:", errors, file=sys.stderr)
    return figures


def _verify_in_child(ctx: Context, stamp: str) -> dict:
    return _child(ctx, "verify", "--stamp", stamp)


NOTES = """gunicorn runs as docker-compose runs it (2 sync workers, DEBUG off; the requests say X-Forwarded-Proto:
https as the TLS proxy would), on the benchmark's database; the 16 clients are threads of the benchmark's process on
the same 2 cores; each gunicorn worker keeps its database connection between answers (DB_CONN_MAX_AGE=60, as the
compose file sets it). Each payment
is ₹100 cash for a consumer owing arrears, its own receipt number and Idempotency-Key, the clerk named in
X-Field-User as the field app sends it. The check reads the database after the server stopped."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="the payments-under-load part of the benchmark, alone")
    sub = parser.add_subparsers(dest="mode")
    setup = sub.add_parser("setup", help="(child) the clerks, their tokens and consumers, as JSON")
    setup.add_argument("--clients", type=int, required=True)
    setup.add_argument("--per-client", type=int, required=True)
    verify = sub.add_parser("verify", help="(child) what the database holds of a run, as JSON")
    verify.add_argument("--stamp", required=True)
    parser.add_argument("--server", default=os.environ.get("BENCH_SERVER", DEFAULT_SERVER))
    parser.add_argument("--database", default="kesco_bench")
    parser.add_argument("--size", choices=sorted(SIZES), default="full")
    parser.add_argument("--docs", action="store_true", help="record the figures in docs/BENCHMARKS.md")
    args = parser.parse_args(argv)
    if args.mode == "setup":
        print(json.dumps(_setup(args.clients, args.per_client)))
        return 0
    if args.mode == "verify":
        print(json.dumps(_verify(args.stamp)))
        return 0
    ctx = Context(size=args.size, data=None, server=args.server, database=args.database)
    return part_alone(ctx, "payments", HEADING, run, docs=args.docs, notes=NOTES,
                      loaded="the full data set after the imports part")


if __name__ == "__main__":
    sys.exit(main())
