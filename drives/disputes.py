"""Bill disputes (section 56(1)): while one is pending with its deposit under protest made, the connection may
not be cut. The deposit is money the consumer paid: recorded payments of the consumer, named by receipt number."""

from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import may_record_dispute
from arrears.models import Consumer, EntryKind, LedgerEntry
from arrears.services import consumer_for_update
from core.codes import receipt_no_canonical
from core.dates import day_text, india_today
from core.errors import DomainError
from core.models import Source
from core.money import amount_checked, format_count, format_inr
from drives.checks import (
    NOTES_LENGTH,
    day_checked,
    history_by,
    paise,
    text_checked,
)
from drives.models import (
    Dispute,
    DisputeDeposit,
    DisputeStatus,
)
from drives.selectors import disputes_visible_to

# Section 56(1): the deposit under protest is the lesser of the sum claimed and the average monthly charge
# of the last six months: the mean of the consumer's last six bills (bills come every ~30 days, so six
# calendar months can hold seven; the law's six months are six bills).
DEPOSIT_BILLS = 6
RECEIPT_LENGTH = 40  # Dispute.deposit_receipt_no, the ledger's reference


def bills_before(*, consumer: Consumer, raised_on: date) -> list[tuple[date, Decimal]]:
    """(entry date, amount) of the consumer's last DEPOSIT_BILLS BILL entries dated before ``raised_on``,
    newest first: fewer when the consumer has had fewer. These are the disputed period's bills."""
    # One consumer's bills (a dozen a year), read through ledger_consumer_due_on (it starts with the consumer).
    return list(LedgerEntry.objects.filter(consumer=consumer, kind=EntryKind.BILL, entry_date__lt=raised_on)
                .order_by("-entry_date", "-id").values_list("entry_date", "amount")[:DEPOSIT_BILLS])


def deposit_required_for(*, consumer: Consumer, raised_on: date, amount_disputed: Decimal) -> Decimal:
    """Section 56(1): the lesser of the sum claimed and the average monthly charge, the mean of the consumer's
    last six bills before ``raised_on`` (of all of them when fewer; 0.00 when none)."""
    amounts = [amount for _day, amount in bills_before(consumer=consumer, raised_on=raised_on)]
    if not amounts:
        return Decimal("0.00")
    return min(paise(amount_disputed), paise(sum(amounts) / len(amounts)))


def deposit_payment_find(*, consumer: Consumer, receipt_no: str) -> LedgerEntry | None:
    """The consumer's recorded payment with this receipt number, or None: a PAYMENT entry on the consumer's
    ledger whose reference is the receipt number (payments.services.payment_record writes it so; the billing
    system's imported payments carry theirs). payments stands above drives, so the ledger, not the Payment
    row, is where a deposit is found; it also finds a payment made at the billing system's counter.

    The one place a deposit's receipt number is read: through core.codes' canonical form (NFKC, upper case),
    as payment_record stores it. A receipt stored before receipts were canonical is still found as it was typed.
    """
    typed = (receipt_no or "").strip()
    canonical = receipt_no_canonical(typed) or ""
    references = {canonical, typed} - {""}
    # ledger_reference_kind_unique answers this: at most one PAYMENT per reference.
    entries = LedgerEntry.objects.filter(consumer=consumer, kind=EntryKind.PAYMENT, reference__in=references)
    return min(entries, key=lambda entry: entry.reference != canonical, default=None)


def deposit_period_start(*, consumer: Consumer, raised_on: date) -> date | None:
    """The first day a deposit for a dispute raised on ``raised_on`` may have been paid: the date of the
    earliest of the last six bills that make the deposit required; None (any payment) without bills.

    Section 56(1) asks for money deposited under protest against the disputed bills. The disputed period
    is the one the average is taken over, so a payment made before the oldest of those bills was made
    before anything in dispute was billed: it paid older bills and cannot be this dispute's deposit. A
    payment made after the dispute was raised counts (a consumer may deposit later, or in instalments).
    """
    bills = bills_before(consumer=consumer, raised_on=raised_on)
    return bills[-1][0] if bills else None


def _deposit_add(*, dispute: Dispute, consumer: Consumer, receipt_no: str, field: str, user: User, source: str,
                 amount_stated: Decimal | None = None) -> DisputeDeposit:
    """Counts a payment of the consumer (locked by the caller) towards the dispute's deposit."""
    entry = deposit_payment_find(consumer=consumer, receipt_no=receipt_no)
    if entry is None:
        raise DomainError(_("no payment of this consumer has this receipt number: record the payment first"),
                          code="deposit_not_found", field=field)
    if amount_stated is not None and amount_stated != entry.amount:
        raise DomainError(_("receipt %(receipt_no)s is a payment of %(amount)s") % {
            "receipt_no": entry.reference, "amount": format_inr(entry.amount)},
            code="deposit_mismatch", field="deposit_amount")
    since = deposit_period_start(consumer=consumer, raised_on=dispute.raised_on)
    if since is not None and entry.entry_date < since:
        raise DomainError(_("paid on %(paid)s, before the disputed bills (from %(since)s)") % {
            "paid": day_text(entry.entry_date), "since": day_text(since)},
            code="deposit_too_early", field=field)
    # The consumer's lock makes this check and the insert one step; the unique ledger_entry is the backstop.
    if DisputeDeposit.objects.filter(ledger_entry=entry).exists():
        raise DomainError(_("receipt %(receipt_no)s is already counted as a dispute's deposit") % {
            "receipt_no": entry.reference}, code="deposit_used", field=field)
    deposit = DisputeDeposit.objects.create(dispute=dispute, ledger_entry=entry, amount=entry.amount,
                                            added_by=user, source=source)
    dispute.deposit_amount = paise(dispute.deposit_amount + entry.amount)
    if not dispute.deposit_receipt_no:
        dispute.deposit_receipt_no = entry.reference
    history_by(dispute, user).save(update_fields=["deposit_amount", "deposit_receipt_no"])
    return deposit


def _raised_on_checked(raised_on: date) -> date:
    raised_on = day_checked(raised_on, field="raised_on")
    earliest = india_today() - timedelta(days=settings.DISPUTE_BACKDATE_DAYS)
    if raised_on < earliest:
        raise DomainError(_("a dispute is recorded at most %(days)s days after it was raised: not before %(day)s")
                          % {"days": format_count(settings.DISPUTE_BACKDATE_DAYS), "day": day_text(earliest)},
                          code="dispute_backdated", field="raised_on")
    return raised_on


def dispute_record(*, user: User, account_no: str, raised_on: date, amount_disputed, deposit_amount=Decimal("0"),
                   deposit_receipt_no: str = "", notes: str = "", source: str = Source.WEB) -> Dispute:
    """A bill disputed by the consumer, with its first deposit when one is named. While it is open and its
    deposits add up to the deposit required (more than zero), no cut.

    ``deposit_receipt_no`` names a recorded payment of the consumer (409 deposit_not_found otherwise);
    ``deposit_amount``, when given, must be that payment's sum (409 deposit_mismatch): the whole payment is
    the deposit. Raises Consumer.DoesNotExist for an account outside the user's division.
    """
    if not may_record_dispute(user):
        raise PermissionDenied(_("only officers and IT admins record disputes"))
    raised_on = _raised_on_checked(raised_on)
    amount_disputed = amount_checked(amount_disputed, field="amount_disputed")
    deposit_amount = amount_checked(deposit_amount, field="deposit_amount", allow_zero=True)
    deposit_receipt_no = text_checked(deposit_receipt_no, field="deposit_receipt_no", limit=RECEIPT_LENGTH,
                                       code="invalid_deposit_receipt_no")
    if deposit_amount > 0 and not deposit_receipt_no:
        raise DomainError(_("give the receipt number of the deposit"), code="receipt_required",
                          field="deposit_receipt_no")
    notes = text_checked(notes, field="notes", limit=NOTES_LENGTH, code="invalid_notes")
    with transaction.atomic():
        # The consumer's row first, as a payment and a cut lock it: a deposit and a cut on one account queue.
        consumer = consumer_for_update(user, account_no)
        dispute = Dispute(
            consumer=consumer, raised_on=raised_on, amount_disputed=amount_disputed,
            deposit_required=deposit_required_for(consumer=consumer, raised_on=raised_on,
                                                  amount_disputed=amount_disputed),
            notes=notes, recorded_by=user, source=source)
        history_by(dispute, user).save()
        if deposit_receipt_no:
            _deposit_add(dispute=dispute, consumer=consumer, receipt_no=deposit_receipt_no,
                         field="deposit_receipt_no", user=user, source=source,
                         amount_stated=deposit_amount if deposit_amount > 0 else None)
    return dispute


def dispute_from_field(*, user: User, consumer: Consumer, on: date, notes: str, source: str) -> Dispute:
    """A clerk's ``disputed`` outcome: the consumer disputes the bill at the door. It opens a dispute awaiting
    the officer: raised on the day of the outcome, the arrears then as the sum disputed (what the clerk
    knows), no deposit yet, so it holds no cut until the officer counts the consumer's deposit
    (dispute_deposit_add). Called by stop_outcome_log inside its transaction, the consumer row locked."""
    dispute = Dispute(
        consumer=consumer, raised_on=on, amount_disputed=consumer.arrears,
        deposit_required=deposit_required_for(consumer=consumer, raised_on=on, amount_disputed=consumer.arrears),
        notes=notes, recorded_by=user, source=source)
    history_by(dispute, user).save()
    return dispute


def dispute_deposit_add(*, user: User, dispute: Dispute, receipt_no: str, source: str = Source.WEB) -> Dispute:
    """Counts another payment of the consumer towards an open dispute's deposit under protest (a consumer
    may deposit after raising the dispute, or in parts). The dispute holds a cut once its deposits add up to
    the deposit required. 409 deposit_not_found, deposit_too_early, deposit_used, invalid_status.

    Raises Dispute.DoesNotExist for a dispute outside the user's division.
    """
    if not may_record_dispute(user):
        raise PermissionDenied(_("only officers and IT admins add a dispute's deposit"))
    receipt_no = text_checked(receipt_no, field="receipt_no", limit=RECEIPT_LENGTH, code="invalid_receipt_no")
    if not receipt_no:
        raise DomainError(_("give the receipt number of the deposit"), code="receipt_required", field="receipt_no")
    account_no = disputes_visible_to(user).values_list("consumer__account_no", flat=True).get(pk=dispute.pk)
    with transaction.atomic():
        consumer = consumer_for_update(user, account_no)
        dispute = disputes_visible_to(user).select_for_update(of=("self",)).get(pk=dispute.pk)
        if dispute.status != DisputeStatus.OPEN:
            raise DomainError(_("the dispute is already resolved"), code="invalid_status", field="status")
        _deposit_add(dispute=dispute, consumer=consumer, receipt_no=receipt_no, field="receipt_no", user=user,
                     source=source)
    return dispute


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
