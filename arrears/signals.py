"""Signals of the ledger, for apps above the writer that must react to its writes.

The writers of credits may not import the apps that care about them: arrears.services.ledger_entry_add
(every payment and adjustment) stands below drives, and the ledger import (imports) too; a drive's
stops must drop off the moment a consumer pays. They announce what they wrote here; drives listens
(drives.apps.DrivesConfig.ready). ledger_entry_add announces each credit it writes; the import, which
writes in bulk without it, announces its file's once.
"""

import logging

from django.dispatch import Signal

logger = logging.getLogger(__name__)

# Sent inside the transaction that wrote the credits (PAYMENT or negative ADJUSTMENT entries),
# after the consumers' cached positions were refreshed, with ``consumer_ids``: the consumers
# credited, or None when a bulk load credited too many to name (then: any consumer may have been);
# ``user_id`` who wrote them, and ``user`` itself when the sender holds it (credited_by); ``consumers``: the
# credited Consumer rows when the sender holds them, locked and with their refreshed positions (a payment, an
# adjustment), else None: a receiver may decide from their arrears and status that it has nothing to do,
# without a read.
ledger_credited = Signal()


def credited_by(user, user_id: int | None):
    """The user a ledger_credited receiver attributes its writes to: the one the sender handed over, else read by
    ``user_id`` (an import's job names only the id); None for the system."""
    if user is not None or user_id is None:
        return user
    from accounts.models import User

    return User.objects.filter(pk=user_id).first()


def ledger_credited_send(*, sender, consumer_ids: list[int] | None, user_id: int | None, source: str,
                         user=None, consumers: list | None = None) -> None:
    """Announces credits written in the current transaction.

    Sent inside the writer's transaction, not on commit: a stop is settled in the same commit as the
    payment that settles it, so no list ever shows a consumer as paid on the ledger and still to be
    cut, and a rolled-back import settles nothing. A receiver's failure must not undo the credits
    (the money was paid): each receiver works in a savepoint of its own, and send_robust hands its
    exception back to be logged instead of raising it into the writer.
    """
    for receiver, result in ledger_credited.send_robust(sender=sender, consumer_ids=consumer_ids,
                                                        user_id=user_id, source=source, user=user,
                                                        consumers=consumers):
        if isinstance(result, Exception):
            logger.error("ledger_credited: %r failed for %s consumer(s): %r", receiver,
                         "every" if consumer_ids is None else len(consumer_ids), result, exc_info=result)
