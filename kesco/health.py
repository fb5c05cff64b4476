"""/healthz: can this instance serve? JSON for load balancers and compose."""

from django.conf import settings
from django.db import connection, transaction
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


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


# Outside any request transaction: ATOMIC_REQUESTS would open one (and so connect) before the
# view runs, and a database that is down would be an HTML 500 instead of this JSON 503. Nothing
# in the middleware stack touches the database for it (core.middleware says why for its own).
@transaction.non_atomic_requests
@never_cache
@require_GET
def healthz(request):
    checks = {"database": database_status(), "broker": broker_status()}
    healthy = all(not value.startswith("error") for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", **checks},
        status=200 if healthy else 503,
    )
