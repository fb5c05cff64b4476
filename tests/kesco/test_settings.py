"""Settings come from the environment and fail loudly on bad values."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "a-very-long-production-secret-key-0123456789-abcdefghijklmnop",
    "ALLOWED_HOSTS": "arrears.kesco.example",
}


def run_python(code: str, **env) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items()
            if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "TIME_ZONE", "DATABASE_REPLICA_URL"}}
    base.update(DJANGO_SETTINGS_MODULE="kesco.settings")
    base.update(env)
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=base, capture_output=True, text=True,
                          timeout=120)


LOAD = "import django; django.setup(); from django.conf import settings; print(settings.TIME_ZONE, settings.DEBUG)"


def test_it_defaults_to_india_time_and_debug():
    result = run_python(LOAD)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["Asia/Kolkata", "True"]


@pytest.mark.parametrize(
    "env, message",
    [
        ({"DEBUG": "maybe"}, "DEBUG must be one of"),
        ({"DEBUG": "0", "ALLOWED_HOSTS": "x"}, "SECRET_KEY must be set"),
        ({"TIME_ZONE": "Mars/Olympus"}, "TIME_ZONE is not a known time zone"),
        ({"DATABASE_URL": "notadb://x"}, "DATABASE_URL"),
        ({"DATABASE_REPLICA_URL": "notadb://x"}, "DATABASE_REPLICA_URL is not a database URL"),
        ({"DATABASE_URL": "", "DATABASE_REPLICA_URL": "postgres://u@replica:5432/kesco"}, "the same kind of database"),
        ({"DEFAULTER_LISTS_QUEUE": "nightly lists"}, "DEFAULTER_LISTS_QUEUE must be a queue name"),
        ({"REDIS_URL": "http://localhost"}, "REDIS_URL must start with"),
        ({"DEFAULTER_THRESHOLD": "ten thousand"}, "DEFAULTER_THRESHOLD must be a decimal"),
        ({"LANGUAGE_CODE": "fr"}, "LANGUAGE_CODE must be"),
        ({"RECONNECTION_MIN_SHARE_LIFELINE": "a tenth"}, "RECONNECTION_MIN_SHARE_LIFELINE must be a decimal"),
        ({"RECONNECTION_MIN_AMOUNT_LIFELINE": "-250"}, "RECONNECTION_MIN_AMOUNT_LIFELINE must be a non-negative"),
        ({"DRIVE_AHEAD_DAYS": "two weeks"}, "DRIVE_AHEAD_DAYS must be a whole number"),
        ({"DRIVE_AHEAD_DAYS": "-1"}, "DRIVE_AHEAD_DAYS must be between 0 and 366"),
    ],
)
def test_it_refuses_bad_values_loudly(env, message):
    result = run_python(LOAD, **env)
    assert result.returncode != 0
    assert message in result.stderr


def test_it_reads_the_lifeline_reconnection_minimum_from_the_environment():
    code = ("import django; django.setup(); from django.conf import settings; "
            "print(settings.RECONNECTION_MIN_SHARE_LIFELINE, settings.RECONNECTION_MIN_AMOUNT_LIFELINE)")
    assert run_python(code).stdout.split() == ["0.10", "250.00"]  # UPPCL's order of November 2024
    result = run_python(code, RECONNECTION_MIN_SHARE_LIFELINE="0.05", RECONNECTION_MIN_AMOUNT_LIFELINE="100")
    assert result.stdout.split() == ["0.05", "100.00"]


def test_it_reads_the_database_and_broker_from_the_environment():
    code = ("import django; django.setup(); from django.conf import settings; "
            "print(settings.DATABASES['default']['ENGINE'], settings.CELERY_TASK_ALWAYS_EAGER)")
    result = run_python(code, DATABASE_URL="postgres://u@db.example:5432/kesco", REDIS_URL="redis://r:6379/0")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.postgresql", "False"]
    result = run_python(code, DATABASE_URL="", REDIS_URL="")
    assert result.stdout.split() == ["django.db.backends.sqlite3", "True"]


def test_it_passes_the_deploy_check_with_production_values():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env={**os.environ, **PRODUCTION}, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_a_replica_url_adds_the_replica_alias_and_a_queue_name_routes_the_lists():
    code = ("import django; django.setup(); from django.conf import settings; from kesco.celery import app; "
            "r = settings.DATABASES['replica']; "
            "print(settings.DATABASE_REPLICA, r['HOST'], r['NAME'], r['TEST']['MIRROR'], "
            "app.amqp.router.route({}, 'arrears.defaulter_list_build_division')['queue'].name)")
    result = run_python(code, DATABASE_URL="postgres://u@primary:5432/kesco",
                        DATABASE_REPLICA_URL="postgres://u@replica:5432/kesco", DEFAULTER_LISTS_QUEUE="nightly")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["replica", "replica", "kesco", "default", "nightly"]


def test_without_a_replica_url_there_is_no_replica():
    code = ("import django; django.setup(); from django.conf import settings; "
            "print(sorted(settings.DATABASES), repr(settings.DATABASE_REPLICA))")
    result = run_python(code)  # (run_python leaves out the tests' own DATABASE_REPLICA_URL)
    assert result.stdout.split() == ["['default']", "''"]
