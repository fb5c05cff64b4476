"""Reads that may go to a read replica (DATABASE_REPLICA_URL), and only those: the reports and the exports.

A replica lags the primary (streaming replication: usually under a second, minutes when it falls behind), so
nothing reads there by default. A report or an export asks for it with ``replica_reads()`` (a view, with
``@replica_view``); every other read, and every write wherever it is, stays on the primary: a payment, a drive's
outcome or a cut reads back what it has just written, and the page after it must show it. Without a replica
configured (settings.DATABASE_REPLICA is empty) the context changes nothing.

The choice lives in a context variable, not a thread-local: it follows the request that entered it, and a streamed
CSV, written after its view has returned, enters it again for each row (``replica_view``).

Raw SQL in a path that may read from the replica takes its connection from ``reads_alias()``, never
``django.db.connection`` (the primary's).
"""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS
from django.http import Http404

_replica_asked: ContextVar[bool] = ContextVar("replica_asked", default=False)


@contextmanager
def replica_reads():
    """Reads inside go to the replica when one is configured; writes inside still go to the primary."""
    token = _replica_asked.set(True)
    try:
        yield
    finally:
        _replica_asked.reset(token)


def reads_alias() -> str:
    """The database alias a read made here goes to: the replica's inside ``replica_reads()``, if there is one."""
    if _replica_asked.get() and settings.DATABASE_REPLICA:
        return settings.DATABASE_REPLICA
    return DEFAULT_DB_ALIAS


def replica_stream(rows: Iterable) -> Iterator:
    """``rows`` read inside ``replica_reads()`` one at a time: a stream consumed after its view has returned (a
    CSV download) reads where the view did, and the context is not left set between rows."""
    iterator = iter(rows)
    while True:
        with replica_reads():
            try:
                row = next(iterator)
            except StopIteration:
                return
        yield row


def replica_view(view):
    """A report or export view that reads from the replica, its streamed body included. Put it inside
    ``login_required``: the session and the user are read on the primary.

    A 404 on the replica is asked again of the primary: a record written a moment ago (a list an officer has just
    built, then exports) may not have reached the replica yet. What is out of the user's scope is a 404 on both."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not settings.DATABASE_REPLICA:
            return view(request, *args, **kwargs)
        try:
            with replica_reads():
                response = view(request, *args, **kwargs)
        except Http404:
            return view(request, *args, **kwargs)
        if getattr(response, "streaming", False):
            response.streaming_content = replica_stream(response.streaming_content)
        return response

    return wrapped


class ReplicaRouter:
    """settings.DATABASE_ROUTERS: reads to the replica inside ``replica_reads()``; otherwise no opinion (Django's
    default: the primary, or the database an instance was read from). Writes always to the primary; the replica
    is never migrated (it copies the primary's schema)."""

    def db_for_read(self, model, **hints):
        alias = reads_alias()
        return alias if alias != DEFAULT_DB_ALIAS else None

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one database, two copies: a row read from either relates to any other

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        if settings.DATABASE_REPLICA and db == settings.DATABASE_REPLICA:
            return False
        return None
