import os
import random
import re
from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest

from kesco.catalogue import catalogues_compile
from tests.factories import make_division, make_user

# KESCO_TEST_CLOCK=07:00 (or 2026-12-07T07:00): the whole test process runs as if it were that India time, today
# (or on that day), the clock ticking on from there; tests/test_clock.py runs the dated tests at three such hours.
# Python's clock, and on PostgreSQL the stamps the database writes itself (db_default=Now(), _database_clock); the
# database's now() and CURRENT_DATE in a query keep the real time: the app reads the date from core.dates.india_today.
TEST_CLOCK = os.environ.get("KESCO_TEST_CLOCK", "")
INDIA = ZoneInfo("Asia/Kolkata")  # settings.TIME_ZONE, the zone the clock is read in


def clock_moment(value: str, *, now: datetime | None = None) -> datetime:
    """The India moment KESCO_TEST_CLOCK names: ``HH:MM`` today in India, or ``YYYY-MM-DDTHH:MM``."""
    try:
        if "T" in value:
            return datetime.fromisoformat(value).replace(tzinfo=INDIA)
        at = time.fromisoformat(value)
    except ValueError:
        raise pytest.UsageError(f"KESCO_TEST_CLOCK is HH:MM or YYYY-MM-DDTHH:MM, not {value!r}") from None
    today = (now or datetime.now(INDIA)).astimezone(INDIA).date()
    return datetime.combine(today, at, tzinfo=INDIA)


TRIGGER_WRITES = re.compile(r"INSERT\s+INTO\s+(\w+)", re.IGNORECASE)


def _sqlite_flush_day_books_last():
    """A TransactionTestCase (live server, transactional_db) empties every table after its test, in the order of a
    Python set (so of the run's hash seed). On SQLite the day books' row triggers (reports_eventday,
    arrears_ledgerday) then write back: deleting a notice, payment or ledger entry after its day book was emptied,
    while its consumer is still there, subtracts it into a new day row whose division is gone, and the flush fails
    on its foreign key at commit (then every later test starts on the rows it left). The tables a trigger writes
    into are emptied last, when nothing is left to write into them. (PostgreSQL truncates all tables at once.)"""
    from django.db.backends.sqlite3.base import DatabaseOperations  # (not .operations first: a circular import)

    flush = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, **options):
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger'")
            written = {table.lower() for (sql,) in cursor.fetchall() for table in TRIGGER_WRITES.findall(sql)}
        return flush(self, style, sorted(tables, key=lambda table: table.lower() in written), **options)

    DatabaseOperations.sql_flush = sql_flush


def pytest_addoption(parser):
    parser.addoption("--order", default="", metavar="reverse|shuffle[:SEED]",
                     help="run the test modules, and the tests in each, in reverse or shuffled order (a test must "
                          "pass in any order; `make test-shuffled`)")


def _test_order(config) -> tuple[str, int | None]:
    order = config.getoption("--order")
    if order == "reverse":
        return order, None
    if order == "shuffle":
        if not hasattr(config, "_kesco_seed"):
            config._kesco_seed = random.SystemRandom().randrange(10**6)
        return order, config._kesco_seed
    if order.startswith("shuffle:") and order[8:].isdigit():
        return "shuffle", int(order[8:])
    if order:
        raise pytest.UsageError(f"--order is reverse, shuffle or shuffle:SEED, not {order!r}")
    return "", None


@pytest.hookimpl(trylast=True)  # after pytest-django's order (plain tests, then those that commit): that is the point
def pytest_collection_modifyitems(config, items):
    order, seed = _test_order(config)
    if not order:
        return
    modules: dict[str, list] = {}
    for item in items:
        modules.setdefault(item.nodeid.split("::")[0], []).append(item)  # a module's fixtures stay set up once
    groups = list(modules.values())
    if order == "reverse":
        groups = [group[::-1] for group in groups[::-1]]
    else:
        shuffler = random.Random(seed)
        shuffler.shuffle(groups)
        for group in groups:
            shuffler.shuffle(group)
    items[:] = [item for group in groups for item in group]


def pytest_configure(config):
    _sqlite_flush_day_books_last()
    if TEST_CLOCK:
        import time_machine

        # Started before any test (and before the test database is made) and never stopped: the whole run is then.
        moment = clock_moment(TEST_CLOCK)
        config._kesco_clock_offset = moment - datetime.now(INDIA)
        config._kesco_clock = time_machine.travel(moment, tick=True)
        config._kesco_clock.start()


@pytest.fixture(scope="session", autouse=True)
def _database_clock(request):
    """Under KESCO_TEST_CLOCK on PostgreSQL, the columns the database stamps itself (db_default=Now(): a ledger
    entry's created_at) are stamped on the moved clock too, as they would be at that hour: the app compares them
    with times it took (a payment written after a cut). Put back after the run (--reuse-db keeps the database)."""
    if not TEST_CLOCK:
        yield
        return
    request.getfixturevalue("django_db_setup")
    from django.apps import apps
    from django.db import connection
    from django.db.models.functions import Now

    # To the microsecond: a whole-second offset stamped rows up to a second before the moved clock's own times (a
    # payment recorded just after a registration looked older than it).
    seconds = f"{request.config._kesco_clock_offset.total_seconds():.6f}"
    stamped = [(model._meta.db_table, field.column) for model in apps.get_models()
               for field in model._meta.concrete_fields if isinstance(getattr(field, "db_default", None), Now)]
    with request.getfixturevalue("django_db_blocker").unblock():
        if connection.vendor != "postgresql":
            yield
            return
        with connection.cursor() as cursor:
            for table, column in stamped:
                cursor.execute(f'ALTER TABLE "{table}" ALTER COLUMN "{column}" SET DEFAULT '
                               f"(STATEMENT_TIMESTAMP() + INTERVAL '{seconds} seconds')")
        yield
        with connection.cursor() as cursor:
            for table, column in stamped:
                cursor.execute(f'ALTER TABLE "{table}" ALTER COLUMN "{column}" SET DEFAULT STATEMENT_TIMESTAMP()')


def pytest_report_header(config):
    lines = []
    if TEST_CLOCK:
        lines.append(f"KESCO_TEST_CLOCK={TEST_CLOCK}: India time at the start {datetime.now(INDIA):%Y-%m-%d %H:%M}")
    order, seed = _test_order(config)
    if order:
        lines.append(_order_line(order, seed))
    return lines


def _order_line(order: str, seed: int | None) -> str:
    return f"test order: {order}" + (f" (again: --order=shuffle:{seed})" if seed is not None else "")


def pytest_terminal_summary(terminalreporter, config):
    order, seed = _test_order(config)
    if order:  # at the end too, where a failure is read (and -q hides the header)
        terminalreporter.write_line(_order_line(order, seed))


def pytest_sessionstart(session):
    # The Hindi pages are tested against the catalogue as it is now, not a stale build of it.
    catalogues_compile()

# `.ci/run` sets this: there a test that needs PostgreSQL or Redis must run, not skip.
REQUIRE_SERVICES = os.environ.get("KESCO_REQUIRE_SERVICES") == "1"


def _service_missing(reason: str):
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason} (KESCO_REQUIRE_SERVICES=1: a service test may not skip)")
    pytest.skip(reason)


def _chromium_available() -> bool:
    import importlib.util
    import shutil

    return bool(shutil.which("chromium")) and importlib.util.find_spec("playwright") is not None


@pytest.fixture(autouse=True)
def _services(request, settings):
    if request.node.get_closest_marker("needs_redis") and not settings.REDIS_URL:
        _service_missing("needs Redis: set REDIS_URL")
    if request.node.get_closest_marker("needs_browser"):
        if not _chromium_available():
            _service_missing("needs Chromium (apt-get install chromium) and Playwright")
        # On SQLite the live server's request threads share the test's one in-memory connection: the field
        # app's parallel requests (its page, its service worker, a receipt-number reservation) hang on it.
        _postgres_required("the browser journeys need PostgreSQL (set DATABASE_URL): on SQLite the live "
                           "server's threads share one connection")
    if request.node.get_closest_marker("needs_postgres"):
        _postgres_required("needs PostgreSQL: set DATABASE_URL")
    if request.node.get_closest_marker("needs_replica"):
        _postgres_required("the read replica's tests need PostgreSQL (set DATABASE_URL)")
        if not settings.DATABASE_REPLICA:
            _service_missing("needs a read replica's alias: set DATABASE_REPLICA_URL (the same server will do)")
    else:
        # Only a test that asks reads from the replica: the replica's own connection cannot see what a test in a
        # transaction (the db fixture) has written and not committed, as a real replica cannot.
        settings.DATABASE_REPLICA = ""


def _postgres_required(reason: str):
    from django.db import connection

    if connection.vendor != "postgresql":
        _service_missing(reason)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The production hasher is slow on purpose; tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _eager_celery():
    """Tasks run in-process unless a test starts a real worker (see celery_worker)."""
    from kesco.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture
def password():
    return "Correct-Horse-42"


@pytest.fixture
def rtp(db):
    return make_division("RTP", "Ratanpur", "रतनपुर")


@pytest.fixture
def hsp(db):
    return make_division("HSP", "Hanspuram", "हंसपुरम")


@pytest.fixture
def md(db, password):
    return make_user("md1", "md", password=password)


@pytest.fixture
def it_admin(db, password):
    return make_user("admin1", "admin", password=password)


@pytest.fixture
def officer(rtp, password):
    return make_user("officer_rtp", "officer", rtp, password=password)


@pytest.fixture
def clerk(rtp, password):
    return make_user("clerk_rtp", "clerk", rtp, password=password)


@pytest.fixture
def other_officer(hsp, password):
    return make_user("officer_hsp", "officer", hsp, password=password)


@pytest.fixture
def other_clerk(hsp, password):
    return make_user("clerk_hsp", "clerk", hsp, password=password)


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()


@pytest.fixture
def real_worker(settings):
    """A real Celery worker (in a thread) on the Redis broker: the broker path, not eager mode."""
    from celery.contrib.testing.worker import start_worker

    from kesco.celery import app

    if not settings.REDIS_URL:
        _service_missing("needs Redis: set REDIS_URL")
    from celery.signals import task_postrun
    from django.db import connections

    def close_connections(**kwargs):
        connections.close_all()  # the worker thread's own: left open, they outlive the test database

    app.conf.task_always_eager = False
    app.conf.broker_url = settings.REDIS_URL
    app.conf.result_backend = settings.REDIS_URL
    # The worker starts on empty queues: tasks earlier tests published and nobody ran (a payment's receipt message
    # from a browser journey or a bench part, committed for real) are not this test's, and thousands of them kept
    # the worker from the test's own task until it timed out.
    app.control.purge()
    task_postrun.connect(close_connections, weak=False)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            yield
    finally:
        task_postrun.disconnect(close_connections)
        app.conf.task_always_eager = True


@pytest.fixture(autouse=True)
def _site_language_after():
    """Each test starts in the site's language: a request through the test client (LocaleMiddleware, a user's
    chosen language) leaves its language active in the test's thread, which would leak into the next test."""
    from django.utils import translation

    yield
    translation.deactivate()
