"""Writes to consumers and the ledger. Every money change goes through here."""

import logging
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import DataError, IntegrityError, transaction
from django.utils import timezone

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
from arrears.templatetags.money import format_inr
from kesco.csvimport import ImportResult
from kesco.errors import DomainError, ImportFailed

logger = logging.getLogger(__name__)

CENT = Decimal("0.01")
# Roles that may take money: the field clerk, the division officer, and IT at the counter.
PAYMENT_ROLES = (Role.CLERK, Role.OFFICER, Role.ADMIN)
ADJUSTMENT_ROLES = (Role.OFFICER, Role.ADMIN)
# Who may date a payment further back than PAYMENT_BACKDATE_DAYS, giving a reason. A clerk
# never may: a back-dated credit rewrites arrears already reported and lists already built.
BACKDATE_ROLES = (Role.OFFICER, Role.ADMIN)
# The most a money column (numeric(14, 2)) holds: anything larger the database refuses.
MONEY_LIMIT = Decimal("999999999999.99")
# KESCO took over Kanpur's supply in 2000: a ledger line or payment dated before is a typing mistake.
EARLIEST_ENTRY_DATE = date(2000, 1, 1)
# A ledger date past this is a typing mistake too (the date arithmetic of arrears would overflow near 9999).
LATEST_ENTRY_DATE = date(2099, 12, 31)
# Ids of rows elsewhere (a drive stop) are positive and far below this; a larger one is no id.
MAX_ID = 2**31 - 1
# Column lengths of Payment and LedgerEntry: longer text is refused here, not by the database.
REFERENCE_LENGTH = 40
BACKDATE_REASON_LENGTH = 200


def money(value, *, field: str = "amount") -> Decimal:
    """A Decimal rupee amount with at most 2 places that a money column holds, or a DomainError naming the field."""
    if isinstance(value, float):
        raise DomainError(f"{field}: give the amount as a decimal string, not a float", code="invalid_amount")
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise DomainError(f"{field}: not an amount: {value!r}", code="invalid_amount") from None
    if not amount.is_finite() or amount != amount.quantize(CENT):
        raise DomainError(f"{field}: at most 2 decimal places: {value!r}", code="invalid_amount")
    if abs(amount) > MONEY_LIMIT:
        raise DomainError(f"{field}: at most {format_inr(MONEY_LIMIT)}", code="invalid_amount")
    return amount.quantize(CENT)


def entry_date_checked(value: date, *, field: str = "entry_date") -> date:
    """A ledger date between KESCO's first day and the end of the century, or a DomainError naming the field."""
    if not EARLIEST_ENTRY_DATE <= value <= LATEST_ENTRY_DATE:
        raise DomainError(f"{field}: must be between {EARLIEST_ENTRY_DATE:%d.%m.%Y} and "
                          f"{LATEST_ENTRY_DATE:%d.%m.%Y}", code="invalid_date")
    return value


def ledger_entry_add(*, consumer: Consumer, kind: str, amount: Decimal, entry_date: date, reference: str,
                     due_date: date | None = None, user: User | None, source: str) -> LedgerEntry:
    """Appends one entry and brings the consumer's cached position up to date.

    The caller holds the consumer row lock (``select_for_update``) inside a transaction,
    so the cache changes in the same transaction as the ledger. Raises a DomainError
    (balance_overflow) when the account's figures would pass what a money column holds.
    """
    if abs(consumer.balance + (-amount if kind == EntryKind.PAYMENT else amount)) > MONEY_LIMIT:
        raise _balance_overflow()
    try:
        # A savepoint: an overflow the check above can't foresee (arrears summed over
        # future-dated credits) leaves the caller's transaction usable for the refusal.
        with transaction.atomic():
            entry = LedgerEntry.objects.create(
                consumer=consumer, kind=kind, amount=amount, entry_date=entry_date, reference=reference,
                due_date=due_date if kind == EntryKind.BILL else None, created_by=user, source=source,
            )
            positions_refresh(as_of=india_today(), consumer_ids=[consumer.pk])
    except DataError as exc:
        if getattr(exc.__cause__, "sqlstate", None) != NUMERIC_VALUE_OUT_OF_RANGE:
            raise
        raise _balance_overflow() from None
    consumer.refresh_from_db(fields=["balance", "arrears", "oldest_due_date", "arrears_from", "arrears_until"])
    return entry


NUMERIC_VALUE_OUT_OF_RANGE = "22003"  # PostgreSQL's SQLSTATE for a numeric(14, 2) overflow


def _balance_overflow() -> DomainError:
    return DomainError(f"amount: the account's balance or arrears would pass {format_inr(MONEY_LIMIT)}, more than "
                       "a ledger can hold; check the amount", code="balance_overflow")


def _reference_taken(*, kind: str, reference: str) -> bool:
    """Whether any ledger in KESCO already has this reference for this kind (the re-import key)."""
    return LedgerEntry.objects.filter(kind=kind, reference=reference).exists()


def _taken(field: str, what: str, value: str, code: str) -> DomainError:
    # Unique across KESCO, so the refusal can't be avoided; it names only the number the
    # user typed and reads the same whichever division holds it, so it reveals nothing else.
    return DomainError(f"{field}: {what} {value} is already recorded; {what}s are unique across KESCO", code=code)


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
    entry_date = entry_date_checked(entry_date)
    reference = _code_checked(reference, field="reference", required_code="reference_required")
    try:
        with transaction.atomic():
            consumer = _consumer_for_update(user, account_no)
            if _reference_taken(kind=EntryKind.ADJUSTMENT, reference=reference):
                raise _taken("reference", "adjustment reference", reference, "duplicate_reference")
            return ledger_entry_add(consumer=consumer, kind=EntryKind.ADJUSTMENT, amount=amount,
                                    entry_date=entry_date, reference=reference, user=user, source=source)
    except IntegrityError:
        # Two adjustments with one reference at the same moment: the second loses.
        raise _taken("reference", "adjustment reference", reference, "duplicate_reference") from None


def _code_checked(value: str, *, field: str, required_code: str) -> str:
    """A receipt number or reference: given, and no longer than the ledger's reference column."""
    value = (value or "").strip()
    if not value:
        raise DomainError(f"{field}: required", code=required_code)
    if len(value) > REFERENCE_LENGTH:
        raise DomainError(f"{field}: at most {REFERENCE_LENGTH} characters", code=f"invalid_{field}")
    return value


def _consumer_for_update(user: User, account_no: str) -> Consumer:
    # Locking the consumer row serialises every money change on one account:
    # two clerks paying at once queue here instead of losing an update.
    return consumers_visible_to(user).select_for_update(of=("self",)).get(account_no=account_no)


def _paid_at_checked(paid_at: datetime | None, *, user: User, backdate_reason: str, now: datetime) -> datetime:
    """When the money was paid: not in the future, not before KESCO, and back-dated beyond
    PAYMENT_BACKDATE_DAYS only by an officer or IT who gives a reason."""
    if paid_at is None:
        return now
    try:
        if timezone.is_naive(paid_at):
            paid_at = timezone.make_aware(paid_at)
        # Year 1 or 9999 in some time zone is out of range in another: refused, not a crash.
        paid_on = timezone.localdate(paid_at)
        paid_at.astimezone(UTC)  # as the database stores it
    except (OverflowError, ValueError):
        raise DomainError("paid_at: not a date and time a payment can have", code="invalid_paid_at") from None
    if paid_at > now + timedelta(minutes=5):
        raise DomainError("paid_at: cannot be in the future", code="paid_in_future")
    if paid_on < EARLIEST_ENTRY_DATE:
        raise DomainError(f"paid_at: cannot be before {EARLIEST_ENTRY_DATE:%d.%m.%Y}", code="invalid_paid_at")
    days = settings.PAYMENT_BACKDATE_DAYS
    if paid_at < now - timedelta(days=days):
        if user.role not in BACKDATE_ROLES:
            raise DomainError(f"paid_at: a payment may be dated at most {days} days back; an officer can record "
                              "an older one, with a reason", code="backdated")
        if not backdate_reason:
            raise DomainError(f"backdate_reason: give the reason for dating a payment more than {days} days back",
                              code="backdated")
    return paid_at


def payment_record(*, user: User, account_no: str, amount, mode: str, receipt_no: str,
                   paid_at: datetime | None = None, drive_stop_id: int | None = None, backdate_reason: str = "",
                   source: str = Source.WEB) -> Payment:
    """Takes money from a consumer: a PAYMENT on the ledger, a receipt, the new position.

    The one service behind the web page, the API and the admin, so its bounds hold
    everywhere: at most PAYMENT_MAX_AMOUNT, dated at most PAYMENT_BACKDATE_DAYS back
    unless an officer gives ``backdate_reason``. Raises Consumer.DoesNotExist when the
    account is outside the user's division.
    """
    if user.role not in PAYMENT_ROLES:
        raise PermissionDenied("only clerks, officers and IT admins take payments")
    amount = money(amount)
    if amount <= 0:
        raise DomainError("amount: must be more than zero", code="invalid_amount")
    if amount > settings.PAYMENT_MAX_AMOUNT:
        raise DomainError(f"amount: more than {format_inr(settings.PAYMENT_MAX_AMOUNT)}, the most one payment may "
                          "be", code="amount_too_large")
    if mode not in PaymentMode.values:
        raise DomainError(f"mode: one of {', '.join(PaymentMode.values)}", code="invalid_mode")
    receipt_no = _code_checked(receipt_no, field="receipt_no", required_code="receipt_required")
    if drive_stop_id is not None and not 1 <= drive_stop_id <= MAX_ID:
        raise DomainError(f"drive_stop: no drive stop {drive_stop_id}", code="invalid_drive_stop")
    backdate_reason = (backdate_reason or "").strip()
    if len(backdate_reason) > BACKDATE_REASON_LENGTH:
        raise DomainError(f"backdate_reason: at most {BACKDATE_REASON_LENGTH} characters", code="invalid_reason")
    paid_at = _paid_at_checked(paid_at, user=user, backdate_reason=backdate_reason, now=timezone.now())

    try:
        with transaction.atomic():
            consumer = _consumer_for_update(user, account_no)
            if Payment.objects.filter(receipt_no=receipt_no).exists() or _reference_taken(
                    kind=EntryKind.PAYMENT, reference=receipt_no):
                raise _taken("receipt_no", "receipt number", receipt_no, "duplicate_receipt")
            entry = ledger_entry_add(consumer=consumer, kind=EntryKind.PAYMENT, amount=amount,
                                     entry_date=timezone.localdate(paid_at), reference=receipt_no,
                                     user=user, source=source)
            return Payment.objects.create(
                consumer=consumer, ledger_entry=entry, amount=amount, mode=mode, receipt_no=receipt_no,
                paid_at=paid_at, drive_stop_id=drive_stop_id, backdate_reason=backdate_reason,
                balance_after=consumer.balance, arrears_after=consumer.arrears, taken_by=user, source=source,
            )
    except IntegrityError:
        # Two requests with one receipt number at the same moment: the second loses.
        raise _taken("receipt_no", "receipt number", receipt_no, "duplicate_receipt") from None


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
    except Exception:
        # Redis down or hung: kombu's OperationalError from the broker, RuntimeError from the result backend,
        # a redis or socket error. Whatever it is, the page answers and the job says why it did not start
        # (settings: queueing gives up within seconds). A task that did reach the queue finds the job failed.
        logger.exception("could not queue import job %s", job.pk)
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
