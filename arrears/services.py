"""Writes to consumers and the ledger. Every money change goes through here."""

import logging
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import DataError, IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import may_adjust_ledger
from arrears.ledger import position_refresh, positions_mismatches
from arrears.models import Consumer, EntryKind, LedgerEntry, PositionCheck
from arrears.selectors import consumers_visible_to
from arrears.signals import ledger_credited_send
from core.dates import day_text, india_today
from core.errors import DomainError
from core.models import Source
from core.money import MONEY_LIMIT, format_count, format_inr, money

logger = logging.getLogger(__name__)

# KESCO took over Kanpur's supply in 2000: a ledger line or payment dated before is a typing mistake.
EARLIEST_ENTRY_DATE = date(2000, 1, 1)
# A ledger date past this is a typing mistake too (the date arithmetic of arrears would overflow near 9999).
LATEST_ENTRY_DATE = date(2099, 12, 31)
# Column lengths of Payment and LedgerEntry: longer text is refused here, not by the database.
REFERENCE_LENGTH = 40


def entry_date_checked(value: date, *, field: str = "entry_date") -> date:
    """A ledger date between KESCO's first day and the end of the century, or a DomainError naming the field."""
    if not EARLIEST_ENTRY_DATE <= value <= LATEST_ENTRY_DATE:
        raise DomainError(_("must be between %(first)s and %(last)s")
                          % {"first": day_text(EARLIEST_ENTRY_DATE), "last": day_text(LATEST_ENTRY_DATE)},
                          code="invalid_date", field=field)
    return value


def ledger_entry_add(*, consumer: Consumer, kind: str, amount: Decimal, entry_date: date, reference: str,
                     due_date: date | None = None, user: User | None, source: str,
                     announce: bool = True) -> LedgerEntry:
    """Appends one entry and brings the consumer's cached position up to date.

    The caller holds the consumer row lock (``select_for_update``) inside a transaction,
    so the cache changes in the same transaction as the ledger. Raises a DomainError
    (balance_overflow) when the account's figures would pass what a money column holds.

    A credit (a PAYMENT, a negative ADJUSTMENT) is announced with arrears.signals.ledger_credited once the
    position is fresh, whichever service wrote it, so an officer's adjustment settles stops and orders a
    reconnection as a payment does. ``announce=False`` is for a writer that must record more before the
    listeners run and then announces the credit itself (payments.services.payment_record: the stop it names).
    """
    if abs(consumer.balance + (-amount if kind == EntryKind.PAYMENT else amount)) > MONEY_LIMIT:
        raise _balance_overflow()
    try:
        # A savepoint: an overflow the check above can't foresee (arrears summed over
        # future-dated credits) leaves the caller's transaction usable for the refusal.
        with transaction.atomic():
            entry = LedgerEntry.objects.create(
                consumer=consumer, division_id=consumer.division_id, kind=kind, amount=amount, entry_date=entry_date,
                reference=reference, due_date=due_date if kind == EntryKind.BILL else None, created_by=user,
                source=source,
            )
            position_refresh(consumer, as_of=india_today())
    except DataError as exc:
        if getattr(exc.__cause__, "sqlstate", None) != NUMERIC_VALUE_OUT_OF_RANGE:
            raise
        raise _balance_overflow() from None
    if announce and is_credit(kind, amount):
        ledger_credited_send(sender=LedgerEntry, consumer_ids=[consumer.pk],
                             user_id=user.pk if user is not None else None, source=source, user=user,
                             consumers=[consumer])
    return entry


def is_credit(kind: str, amount: Decimal) -> bool:
    """Whether an entry of ``kind`` and ``amount`` lowers what the consumer owes: a PAYMENT, a negative ADJUSTMENT."""
    return kind == EntryKind.PAYMENT or (kind == EntryKind.ADJUSTMENT and amount < 0)


NUMERIC_VALUE_OUT_OF_RANGE = "22003"  # PostgreSQL's SQLSTATE for a numeric(14, 2) overflow


def _balance_overflow() -> DomainError:
    return DomainError(_("the account's balance or arrears would pass %(limit)s, more than a ledger can hold; "
                         "check the amount") % {"limit": format_inr(MONEY_LIMIT)},
                       code="balance_overflow", field="amount")


def reference_taken(*, kind: str, reference: str) -> bool:
    """Whether any ledger in KESCO already has this reference for this kind (the re-import key)."""
    return LedgerEntry.objects.filter(kind=kind, reference=reference).exists()


def taken_error(field: str, value: str, code: str) -> DomainError:
    """``duplicate_receipt`` (a payment's receipt number) or ``duplicate_reference`` (an adjustment's reference)."""
    # Unique across KESCO, so the refusal can't be avoided; it names only the number the
    # user typed and reads the same whichever division holds it, so it reveals nothing else.
    if code == "duplicate_receipt":
        detail = _("receipt number %(value)s is already recorded; receipt numbers are unique across KESCO")
    else:
        detail = _("adjustment reference %(value)s is already recorded; adjustment references are unique "
                   "across KESCO")
    return DomainError(detail % {"value": value}, code=code, field=field)


def adjustment_add(*, user: User, account_no: str, amount, entry_date: date, reference: str,
                   source: str = Source.ADMIN) -> LedgerEntry:
    """The only way to correct a ledger: a signed ADJUSTMENT (negative is a credit).

    Only a division officer or IT may correct an account; a clerk takes payments.
    """
    if not may_adjust_ledger(user):
        raise PermissionDenied(_("only officers and IT admins adjust a ledger"))
    amount = money(amount)
    if amount == 0:
        raise DomainError(_("an adjustment must not be zero"), code="invalid_amount", field="amount")
    entry_date = entry_date_checked(entry_date)
    reference = code_checked(reference, field="reference", required_code="reference_required")
    try:
        with transaction.atomic():
            consumer = consumer_for_update(user, account_no)
            if reference_taken(kind=EntryKind.ADJUSTMENT, reference=reference):
                raise taken_error("reference", reference, "duplicate_reference")
            return ledger_entry_add(consumer=consumer, kind=EntryKind.ADJUSTMENT, amount=amount,
                                    entry_date=entry_date, reference=reference, user=user, source=source)
    except IntegrityError:
        # Two adjustments with one reference at the same moment: the second loses.
        raise taken_error("reference", reference, "duplicate_reference") from None


def code_checked(value: str, *, field: str, required_code: str) -> str:
    """A receipt number or reference: given, and no longer than the ledger's reference column."""
    value = (value or "").strip()
    if not value:
        raise DomainError(_("required"), code=required_code, field=field)
    if len(value) > REFERENCE_LENGTH:
        raise DomainError(_("at most %(n)s characters") % {"n": format_count(REFERENCE_LENGTH)},
                          code=f"invalid_{field}", field=field)
    return value


def consumer_for_update(user: User, account_no: str) -> Consumer:
    # Locking the consumer row serialises every money change on one account:
    # two clerks paying at once queue here instead of losing an update.
    return consumers_visible_to(user).select_for_update(of=("self",)).get(account_no=account_no)


def positions_check(*, source: str = Source.TASK) -> PositionCheck:
    """The nightly proof that every cached balance and arrears equals the ledger."""
    check = PositionCheck.objects.create(source=source)
    checked, mismatches, details = positions_mismatches()
    check.consumers_checked, check.mismatches, check.details = checked, mismatches, details
    check.finished_at = timezone.now()
    check.save()
    return check

