"""Queued work and outbound messages leave through here, once the transaction that asked for them commits.

A task queued inside a transaction that later rolls back would act on rows that were never written (an SMS for a
notice nobody recorded, an import of an upload that is gone). ``task_queue_on_commit`` holds the publish until the
commit (pretix's TransactionAwareTask, zulip's send_event_on_commit), and a publish Redis refuses is logged, never
raised: the request that asked has already committed and answers. The caller says what a refusal means for its
record (``on_refused``): an upload is marked failed, a message stays queued for the sweep to queue again.
"""

import logging
from collections.abc import Callable, Iterable

from django.db import transaction

logger = logging.getLogger(__name__)


def task_queue_on_commit(task, *, args: Iterable = (), kwargs: dict | None = None, task_id: str | None = None,
                         on_refused: Callable[[], None] | None = None,
                         on_queued: Callable[[], None] | None = None, using: str | None = None) -> None:
    """Publishes ``task`` with ``args``/``kwargs`` after the current transaction commits (at once outside one).

    The publish never raises: Redis down or hung (a kombu, redis, socket or result-backend error alike; the
    settings make it give up within seconds) is logged and ``on_refused`` is called. In eager mode (no REDIS_URL:
    development) the task runs here; a failure of its own is logged and is not a refusal (it records its failure
    on its own rows). ``on_queued`` is called once the task went.
    """
    args = list(args)

    def publish() -> None:
        try:
            task.apply_async(args=args, kwargs=kwargs or {}, task_id=task_id)
        except Exception:
            if task.app.conf.task_always_eager:
                logger.exception("task %s failed to run (eager mode)", task.name)
            else:
                logger.exception("could not queue task %s %s %s", task.name, args, kwargs or "")
                if on_refused is not None:
                    on_refused()
                return
        if on_queued is not None:
            on_queued()

    transaction.on_commit(publish, using=using)


def tasks_queue_on_commit(task, *, arg_lists: list[list], on_refused: Callable[[int], None] | None = None,
                          using: str | None = None) -> None:
    """Publishes ``task`` once per argument list after the commit, over one broker connection; the first refused
    publish stops the rest (a dead Redis would refuse each after its timeout) and ``on_refused`` is told how many
    were published before it."""
    arg_lists = [list(args) for args in arg_lists]

    def publish() -> None:
        done = 0
        try:
            with task.app.producer_or_acquire() as producer:
                for args in arg_lists:
                    task.apply_async(args=args, producer=producer)
                    done += 1
        except Exception:
            if task.app.conf.task_always_eager:
                logger.exception("task %s failed to run (eager mode)", task.name)
                return
            logger.exception("could not queue task %s: %s of %s queued", task.name, done, len(arg_lists))
            if on_refused is not None:
                on_refused(done)

    if arg_lists:
        transaction.on_commit(publish, using=using)
