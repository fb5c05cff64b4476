"""/healthz: can this instance serve? JSON for load balancers, compose and a monitor; /health/ the same for IT.

``status``, ``database`` and ``broker`` decide the answer (503 when either is in error): load balancers and
compose's healthcheck read them. ``backup`` and ``heartbeat`` say whether the night's work is being done (the
last good backup, the last nightly defaulter lists, the last daily e-mail): a monitor alerts on them, but an
instance that serves stays 200 while last night's backup failed.
"""

from datetime import datetime

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection, transaction
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.permissions import may_see_health, require
from backups.models import BackupStatus
from backups.selectors import backup_last, backup_last_good, backup_runs_recent
from defaulters.models import DefaulterRun, DefaulterRunStatus, DefaulterTrigger
from reports.models import DailySummarySend

# The runs the health page lists: two weeks of nightly backups.
RECENT_BACKUPS = 14


def database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure means "not usable"; the text says why
        return f"error: {exc.__class__.__name__}"
    return "ok"


def broker_status() -> str:
    if not settings.REDIS_URL:
        return "eager"  # no broker configured: tasks run in-process
    import redis

    try:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
        client.ping()
    except redis.RedisError as exc:
        return f"error: {exc.__class__.__name__}"
    return "ok"


def _age(moment: datetime | None, *, stale_hours: int) -> dict:
    """When something last succeeded (JsonResponse writes it ISO 8601), how many hours ago, and "ok", "stale"
    (older than ``stale_hours``) or "none" (never)."""
    if moment is None:
        return {"status": "none", "finished_at": None, "age_hours": None}
    hours = (timezone.now() - moment).total_seconds() / 3600
    return {"status": "stale" if hours > stale_hours else "ok", "finished_at": moment, "age_hours": round(hours, 1)}


def backup_status() -> dict:
    """The last good backup's age; "failed" when the latest run failed, whatever came before."""
    good, last = backup_last_good(), backup_last()
    facts = _age(good.finished_at if good else None, stale_hours=settings.BACKUP_STALE_HOURS)
    facts["file"] = good.database_file if good else None
    if last is not None and last.status == BackupStatus.FAILED:
        facts.update(status="failed", error=last.error, failed_at=last.finished_at)
    return facts


def heartbeat_status() -> dict:
    """The worker's and beat's last successes: the nightly defaulter lists (a division's list built by the
    schedule) and the daily summary e-mail (sent to at least one recipient)."""
    # defaulterrun_division_started serves a division's runs; here the newest of all, a few a night.
    lists = (DefaulterRun.objects.filter(status=DefaulterRunStatus.DONE, trigger=DefaulterTrigger.BEAT)
             .order_by("-finished_at").values_list("finished_at", flat=True).first())
    email = (DailySummarySend.objects.filter(sent__gt=0).order_by("-sent_at")
             .values_list("sent_at", flat=True).first())
    hours = settings.HEARTBEAT_STALE_HOURS
    return {"defaulter_lists": _age(lists, stale_hours=hours), "daily_email": _age(email, stale_hours=hours)}


def health_facts() -> dict:
    """Everything /healthz says, and whether the instance is healthy (database and broker usable)."""
    checks = {"database": database_status(), "broker": broker_status()}
    healthy = all(not value.startswith("error") for value in checks.values())
    facts = {"status": "ok" if healthy else "unavailable", **checks}
    if checks["database"] == "ok":
        facts.update(backup=backup_status(), heartbeat=heartbeat_status())
    else:  # nothing to read them from
        unknown = {"status": "unknown"}
        facts.update(backup=unknown, heartbeat={"defaulter_lists": unknown, "daily_email": unknown})
    return facts


# Outside any request transaction: ATOMIC_REQUESTS would open one (and so connect) before the
# view runs, and a database that is down would be an HTML 500 instead of this JSON 503. Nothing
# in the middleware stack touches the database for it (core.middleware says why for its own).
@transaction.non_atomic_requests
@never_cache
@require_GET
def healthz(request):
    facts = health_facts()
    return JsonResponse(facts, status=200 if facts["status"] == "ok" else 503)


@never_cache
@require_GET
@login_required
def health_page(request):
    """The same facts for IT (and the MD), with the last backups: when, how, how big, their checksums."""
    require(may_see_health(request.user))
    return render(request, "kesco/health.html", {"facts": health_facts(), "stale_hours": settings.BACKUP_STALE_HOURS,
                                                 "runs": backup_runs_recent(limit=RECENT_BACKUPS)})
