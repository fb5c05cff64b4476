"""Bill disputes (section 56(1)): while one is pending with its deposit made, the connection may not be cut."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import may_record_dispute
from arrears.models import Consumer, EntryKind, LedgerEntry
from core.errors import DomainError
from core.models import Source
from core.money import amount_checked
from drives.checks import (
    NOTES_LENGTH,
    consumer_get,
    day_checked,
    history_by,
    paise,
    text_checked,
)
from drives.models import (
    Dispute,
    DisputeStatus,
)
from drives.selectors import disputes_visible_to

# Section 56(1): the deposit under protest is the lesser of the sum claimed and the
# average monthly charge of the preceding six months.
DEPOSIT_MONTHS = 6
RECEIPT_LENGTH = 40  # Dispute.deposit_receipt_no


def _months_before(day: date, months: int) -> date:
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    for last_day in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last_day))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def deposit_required_for(*, consumer: Consumer, raised_on: date, amount_disputed: Decimal) -> Decimal:
    """Section 56(1): the lesser of the sum claimed and the average monthly charge of the six months
    before ``raised_on`` (the bills entered then, over six)."""
    billed = LedgerEntry.objects.filter(
        consumer=consumer, kind=EntryKind.BILL,
        entry_date__gte=_months_before(raised_on, DEPOSIT_MONTHS), entry_date__lt=raised_on,
    ).aggregate(total=Sum("amount"))["total"]
    return min(amount_disputed, paise(paise(billed) / DEPOSIT_MONTHS))


def dispute_record(*, user: User, account_no: str, raised_on: date, amount_disputed, deposit_amount=Decimal("0"),
                   deposit_receipt_no: str = "", notes: str = "", source: str = Source.WEB) -> Dispute:
    """A bill disputed by the consumer. While it is open with its deposit made, no cut.

    Raises Consumer.DoesNotExist for an account outside the user's division.
    """
    if not may_record_dispute(user):
        raise PermissionDenied(_("only officers and IT admins record disputes"))
    raised_on = day_checked(raised_on, field="raised_on")
    amount_disputed = amount_checked(amount_disputed, field="amount_disputed")
    deposit_amount = amount_checked(deposit_amount, field="deposit_amount", allow_zero=True)
    deposit_receipt_no = text_checked(deposit_receipt_no, field="deposit_receipt_no", limit=RECEIPT_LENGTH,
                                       code="invalid_deposit_receipt_no")
    if deposit_amount > 0 and not deposit_receipt_no:
        raise DomainError(_("give the receipt number of the deposit"), code="receipt_required",
                          field="deposit_receipt_no")
    notes = text_checked(notes, field="notes", limit=NOTES_LENGTH, code="invalid_notes")
    consumer = consumer_get(user, account_no)
    return Dispute.objects.create(
        consumer=consumer, raised_on=raised_on, amount_disputed=amount_disputed, deposit_amount=deposit_amount,
        deposit_receipt_no=deposit_receipt_no,
        deposit_required=deposit_required_for(consumer=consumer, raised_on=raised_on, amount_disputed=amount_disputed),
        notes=notes, recorded_by=user, source=source)


def dispute_resolve(*, user: User, dispute: Dispute, resolved_on: date, resolution: str, notes: str = "",
                    source: str = Source.WEB) -> Dispute:
    """Closes a dispute with its resolution; the hold on a cut ends. 409 invalid_status if already resolved."""
    if not may_record_dispute(user):
        raise PermissionDenied(_("only officers and IT admins resolve disputes"))
    resolved_on = day_checked(resolved_on, field="resolved_on")
    resolution = text_checked(resolution, field="resolution", limit=NOTES_LENGTH, code="invalid_resolution")
    if not resolution:
        raise DomainError(_("say how it was resolved"), code="invalid_resolution", field="resolution")
    notes = text_checked(notes, field="notes", limit=NOTES_LENGTH, code="invalid_notes")
    with transaction.atomic():
        dispute = disputes_visible_to(user).select_for_update(of=("self",)).get(pk=dispute.pk)
        if dispute.status != DisputeStatus.OPEN:
            raise DomainError(_("the dispute is already resolved"), code="invalid_status", field="status")
        if resolved_on < dispute.raised_on:
            raise DomainError(_("cannot be before the dispute was raised"), code="invalid_date", field="resolved_on")
        dispute.status, dispute.resolved_on, dispute.resolution = DisputeStatus.RESOLVED, resolved_on, resolution
        dispute.resolved_by = user
        if notes:
            dispute.notes = f"{dispute.notes}\n{notes}".strip()
        history_by(dispute, user).save()
    return dispute
