"""Writes to consumers and the ledger. Every money change goes through here."""

import logging
import uuid
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from accounts.models import Role, User
from accounts.services import divisions_import
from arrears.imports import consumers_import, ledger_import
from arrears.ledger import india_today, positions_mismatches, positions_refresh
from arrears.models import (
    Consumer,
    EntryKind,
    ImportJob,
    ImportKind,
    ImportStatus,
    LedgerEntry,
    Payment,
    PaymentMode,
    PositionCheck,
    Source,
)
from arrears.selectors import consumers_visible_to
from kesco.csvimport import ImportResult
from kesco.errors import DomainError, ImportFailed

logger = logging.getLogger(__name__)

CENT = Decimal("0.01")
# Roles that may take money: the field clerk, the division officer, and IT at the counter.
PAYMENT_ROLES = (Role.CLERK, Role.OFFICER, Role.ADMIN)
ADJUSTMENT_ROLES = (Role.OFFICER, Role.ADMIN)


def money(value, *, field: str = "amount") -> Decimal:
    """A Decimal rupee amount with at most 2 places, or a DomainError naming the field."""
    if isinstance(value, float):
        raise DomainError(f"{field}: give the amount as a decimal string, not a float", code="invalid_amount")
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise DomainError(f"{field}: not an amount: {value!r}", code="invalid_amount") from None
    if not amount.is_finite() or amount != amount.quantize(CENT):
        raise DomainError(f"{field}: at most 2 decimal places: {value!r}", code="invalid_amount")
    return amount.quantize(CENT)


def ledger_entry_add(*, consumer: Consumer, kind: str, amount: Decimal, entry_date: date, reference: str,
                     due_date: date | None = None, user: User | None, source: str) -> LedgerEntry:
    """Appends one entry and brings the consumer's cached position up to date.

    The caller holds the consumer row lock (``select_for_update``) inside a transaction,
    so the cache changes in the same transaction as the ledger.
    """
    entry = LedgerEntry.objects.create(
        consumer=consumer, kind=kind, amount=amount, entry_date=entry_date, reference=reference,
        due_date=due_date if kind == EntryKind.BILL else None, created_by=user, source=source,
    )
    positions_refresh(as_of=india_today(), consumer_ids=[consumer.pk])
    consumer.refresh_from_db(fields=["balance", "arrears", "oldest_due_date", "arrears_from", "arrears_until"])
    return entry


def adjustment_add(*, user: User, account_no: str, amount, entry_date: date, reference: str,
                   source: str = Source.ADMIN) -> LedgerEntry:
    """The only way to correct a ledger: a signed ADJUSTMENT (negative is a credit).

    Only a division officer or IT may correct an account; a clerk takes payments.
    """
    if user.role not in ADJUSTMENT_ROLES:
        raise PermissionDenied("only officers and IT admins adjust a ledger")
    amount = money(amount)
    if amount == 0:
        raise DomainError("amount: an adjustment must not be zero", code="invalid_amount")
    with transaction.atomic():
        consumer = _consumer_for_update(user, account_no)
        if LedgerEntry.objects.filter(kind=EntryKind.ADJUSTMENT, reference=reference).exists():
            raise DomainError(f"reference: adjustment {reference} already exists", code="duplicate_reference")
        return ledger_entry_add(consumer=consumer, kind=EntryKind.ADJUSTMENT, amount=amount,
                                entry_date=entry_date, reference=reference, user=user, source=source)


def _consumer_for_update(user: User, account_no: str) -> Consumer:
    # Locking the consumer row serialises every money change on one account:
    # two clerks paying at once queue here instead of losing an update.
    return consumers_visible_to(user).select_for_update(of=("self",)).get(account_no=account_no)


def payment_record(*, user: User, account_no: str, amount, mode: str, receipt_no: str,
                   paid_at: datetime | None = None, drive_stop_id: int | None = None,
                   source: str = Source.WEB) -> Payment:
    """Takes money from a consumer: a PAYMENT on the ledger, a receipt, the new position.

    Raises Consumer.DoesNotExist when the account is outside the user's division.
    """
    if user.role not in PAYMENT_ROLES:
        raise PermissionDenied("only clerks, officers and IT admins take payments")
    amount = money(amount)
    if amount <= 0:
        raise DomainError("amount: must be more than zero", code="invalid_amount")
    if mode not in PaymentMode.values:
        raise DomainError(f"mode: one of {', '.join(PaymentMode.values)}", code="invalid_mode")
    receipt_no = (receipt_no or "").strip()
    if not receipt_no:
        raise DomainError("receipt_no: required", code="receipt_required")
    now = timezone.now()
    paid_at = paid_at or now
    if paid_at > now + timedelta(minutes=5):
        raise DomainError("paid_at: cannot be in the future", code="paid_in_future")

    try:
        with transaction.atomic():
            consumer = _consumer_for_update(user, account_no)
            if Payment.objects.filter(receipt_no=receipt_no).exists() or LedgerEntry.objects.filter(
                    kind=EntryKind.PAYMENT, reference=receipt_no).exists():
                raise DomainError(f"receipt_no: receipt {receipt_no} is already recorded", code="duplicate_receipt")
            entry = ledger_entry_add(consumer=consumer, kind=EntryKind.PAYMENT, amount=amount,
                                     entry_date=timezone.localdate(paid_at), reference=receipt_no,
                                     user=user, source=source)
            return Payment.objects.create(
                consumer=consumer, ledger_entry=entry, amount=amount, mode=mode, receipt_no=receipt_no,
                paid_at=paid_at, drive_stop_id=drive_stop_id, balance_after=consumer.balance,
                arrears_after=consumer.arrears, taken_by=user, source=source,
            )
    except IntegrityError:
        # Two requests with one receipt number at the same moment: the second loses.
        raise DomainError(f"receipt_no: receipt {receipt_no} is already recorded", code="duplicate_receipt") from None


def positions_check(*, source: str = Source.TASK) -> PositionCheck:
    """The nightly proof that every cached balance and arrears equals the ledger."""
    check = PositionCheck.objects.create(source=source)
    checked, mismatches, details = positions_mismatches()
    check.consumers_checked, check.mismatches, check.details = checked, mismatches, details
    check.finished_at = timezone.now()
    check.save()
    return check


# --- imports -------------------------------------------------------------------------

IMPORT_ROLES = (Role.OFFICER, Role.ADMIN)


def import_run(*, kind: str, file, dry_run: bool = False, user: User | None = None, source: str,
               progress=None, job: ImportJob | None = None) -> ImportResult:
    """Runs one import and records it as an ImportJob: who, when, through what, with what result.

    ``user`` None is the command line (the IT admin on the server). An officer's
    import is confined to the officer's division. Raises ImportFailed on bad rows.
    """
    division_id = user.division_id if user is not None and not user.sees_all_divisions else None
    if job is None:
        job = ImportJob.objects.create(kind=kind, original_name=str(getattr(file, "name", file))[:255],
                                       dry_run=dry_run, created_by=user, division_id=division_id, source=source)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING)
    try:
        if kind == ImportKind.DIVISIONS:
            if division_id is not None:
                raise PermissionDenied("only HQ and IT import divisions")
            result = divisions_import(file=file, dry_run=dry_run, progress=progress)
        elif kind == ImportKind.CONSUMERS:
            result = consumers_import(file=file, dry_run=dry_run, progress=progress, division_id=division_id)
        elif kind == ImportKind.LEDGER:
            result = ledger_import(file=file, dry_run=dry_run, progress=progress, division_id=division_id,
                                   user_id=user.pk if user else None, source=Source.IMPORT)
        else:
            raise ValueError(f"unknown import kind {kind!r}")
    except ImportFailed as exc:
        ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.FAILED, errors=exc.errors,
                                                   summary=str(exc), finished_at=timezone.now())
        raise
    except Exception as exc:
        ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.FAILED, summary=f"failed: {exc}",
                                                   finished_at=timezone.now())
        raise
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.DONE, summary=result.summary(),
                                               rows_total=result.rows, rows_done=result.rows,
                                               finished_at=timezone.now())
    return result


def import_job_create(*, user: User, kind: str, upload, dry_run: bool = False) -> ImportJob:
    """An officer's or IT admin's upload: saved now, imported by a Celery task after commit."""
    if user.role not in IMPORT_ROLES:
        raise PermissionDenied("only officers and IT admins import files")
    if kind == ImportKind.DIVISIONS and not user.sees_all_divisions:
        raise PermissionDenied("only HQ and IT import divisions")
    job = ImportJob(kind=kind, original_name=upload.name[:255], dry_run=dry_run, created_by=user,
                    division_id=None if user.sees_all_divisions else user.division_id, source=Source.WEB,
                    task_id=str(uuid.uuid4()))
    job.file.save(upload.name, upload, save=False)
    job.save()
    # The task id is known in advance, so the job page can follow the task's progress.
    transaction.on_commit(lambda: _import_job_queue(job))
    return job


def _import_job_queue(job: ImportJob) -> None:
    from arrears.tasks import import_job_execute_task

    try:
        import_job_execute_task.apply_async(args=[job.pk], task_id=job.task_id)
    except OperationalError as exc:  # the broker is down: say so on the job instead of failing the page
        logger.warning("could not queue import job %s: %s", job.pk, exc)
        ImportJob.objects.filter(pk=job.pk, status=ImportStatus.QUEUED).update(
            status=ImportStatus.FAILED, summary="could not start: the task queue is unavailable; upload again later",
            finished_at=timezone.now())


def import_job_execute(*, job_id: int, progress=None) -> None:
    """Runs a queued upload; failures are recorded on the job, not raised."""
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if job.status in (ImportStatus.DONE, ImportStatus.FAILED):
        return  # already run: a redelivered task. A job left "running" by a killed worker runs
        # again: the import is all-or-nothing and idempotent, so that is safe.
    try:
        with job.file.open("rb") as handle:
            import_run(kind=job.kind, file=handle, dry_run=job.dry_run, user=job.created_by, source=Source.WEB,
                       progress=progress, job=job)
    except ImportFailed:
        pass  # the job holds the errors for the page
    except PermissionDenied as exc:
        ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.FAILED, summary=str(exc),
                                                   finished_at=timezone.now())
