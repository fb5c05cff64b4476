"""Money taken from a consumer: one service for the web page, the API and the admin."""

import logging
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Division, User
from accounts.permissions import may_backdate_payment, may_reserve_receipts, may_take_payment
from arrears.models import ConnectionStatus, EntryKind
from arrears.services import (
    EARLIEST_ENTRY_DATE,
    consumer_for_update,
    ledger_entry_add,
    reference_taken,
    taken_error,
)
from arrears.signals import ledger_credited_send
from core.codes import receipt_no_checked
from core.dates import day_text
from core.errors import DomainError
from core.models import Source
from core.money import amount_checked, format_count, format_inr
from drives.reconnections import last_cut_order, reconnection_short_by, stop_for_payment, stop_payment_log
from notify.services import payment_message_queue
from payments.models import Payment, PaymentMode, ReceiptNumber
from payments.selectors import receipt_series_free, receipt_series_prefix

logger = logging.getLogger(__name__)


# Ids of rows elsewhere (a drive stop) are positive and far below this; a larger one is no id.
MAX_ID = 2**31 - 1


BACKDATE_REASON_LENGTH = 200
INSTRUMENT_NO_LENGTH = 40
BANK_LENGTH = 100

# The modes whose money is matched later against the bank's statement by what the instrument says: a UPI
# payment by its reference, a cheque or DD by its number and the bank it is drawn on.
NEEDS_INSTRUMENT_NO = (PaymentMode.UPI, PaymentMode.CHEQUE, PaymentMode.DD)
NEEDS_BANK = (PaymentMode.CHEQUE, PaymentMode.DD)


def _detail_checked(value: str, *, mode: str, field: str, needed_by: tuple, length: int, what: str) -> str:
    """One of the mode's details: given when the mode needs it (409 instrument_required), at most ``length``
    characters. A detail the mode does not use is dropped, not refused: a form where the clerk typed a cheque
    number and then chose cash records the cash."""
    if mode not in needed_by:
        return ""
    value = " ".join((value or "").split())  # a reference pasted from a message keeps no line break or tab
    if not value:
        raise DomainError(_("give the %(what)s") % {"what": what}, code="instrument_required", field=field)
    if len(value) > length:
        raise DomainError(_("at most %(n)s characters") % {"n": format_count(length)}, code=f"invalid_{field}",
                          field=field)
    if not value.isprintable():
        raise DomainError(_("letters, digits and signs only"), code=f"invalid_{field}", field=field)
    return value


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
        raise DomainError(_("not a date and time a payment can have"), code="invalid_paid_at",
                          field="paid_at") from None
    if paid_at > now + timedelta(minutes=5):
        raise DomainError(_("cannot be in the future"), code="paid_in_future", field="paid_at")
    if paid_on < EARLIEST_ENTRY_DATE:
        raise DomainError(_("cannot be before %(day)s") % {"day": day_text(EARLIEST_ENTRY_DATE)},
                          code="invalid_paid_at", field="paid_at")
    days = settings.PAYMENT_BACKDATE_DAYS
    if paid_at < now - timedelta(days=days):
        if not may_backdate_payment(user):
            raise DomainError(_("a payment may be dated at most %(days)s days back; an officer can record an older "
                                "one, with a reason") % {"days": format_count(days)}, code="backdated", field="paid_at")
        if not backdate_reason:
            raise DomainError(_("give the reason for dating a payment more than %(days)s days back")
                              % {"days": format_count(days)}, code="backdated", field="backdate_reason")
    return paid_at


def payment_record(*, user: User, account_no: str, amount, mode: str, receipt_no: str,
                   paid_at: datetime | None = None, drive_stop_id: int | None = None, backdate_reason: str = "",
                   instrument_no: str = "", bank: str = "", source: str = Source.WEB) -> Payment:
    """Takes money from a consumer: a PAYMENT on the ledger, a receipt, the new position.

    The one service behind the web page, the API and the admin, so its bounds hold
    everywhere: at most PAYMENT_MAX_AMOUNT, dated at most PAYMENT_BACKDATE_DAYS back
    unless an officer gives ``backdate_reason``. Raises Consumer.DoesNotExist when the
    account is outside the user's division. ``drive_stop_id``: the stop of this consumer where the money
    was taken, on an open drive of the day it is paid, the clerk's own (drives.reconnections.stop_for_payment
    says which and its refusals: invalid_drive_stop, drive_closed, drive_not_today, stop_not_yours); the
    payment closes it as paid or leaves it part-paid (``stop_outcome``). Sets ``reconnection_order`` to the
    order the payment brought about, if any, and ``reconnection_short_by`` to what a disconnected consumer
    without an order still owes towards the reconnection minimum. The mode's details: ``instrument_no``
    (the UPI reference, or the cheque or DD number) for upi, cheque and dd, and ``bank`` for cheque and dd
    (409 instrument_required without them); cash, card and online keep neither (given ones are dropped).
    """
    if not may_take_payment(user):
        raise PermissionDenied(_("only clerks, officers and IT admins take payments"))
    amount = amount_checked(amount)
    if amount > settings.PAYMENT_MAX_AMOUNT:
        raise DomainError(_("more than %(most)s, the most one payment may be")
                          % {"most": format_inr(settings.PAYMENT_MAX_AMOUNT)}, code="amount_too_large", field="amount")
    if mode not in PaymentMode.values:
        raise DomainError(_("one of %(choices)s") % {"choices": ", ".join(PaymentMode.values)}, code="invalid_mode",
                          field="mode")
    receipt_no = receipt_no_checked(receipt_no)
    instrument_no = _detail_checked(instrument_no, mode=mode, field="instrument_no", needed_by=NEEDS_INSTRUMENT_NO,
                                    length=INSTRUMENT_NO_LENGTH,
                                    what=_("UPI reference") if mode == PaymentMode.UPI else _("cheque or DD number"))
    bank = _detail_checked(bank, mode=mode, field="bank", needed_by=NEEDS_BANK, length=BANK_LENGTH,
                           what=_("bank the cheque or DD is drawn on"))
    if drive_stop_id is not None and not 1 <= drive_stop_id <= MAX_ID:
        raise DomainError(_("no drive stop %(id)s") % {"id": drive_stop_id}, code="invalid_drive_stop",
                          field="drive_stop")
    backdate_reason = (backdate_reason or "").strip()
    if len(backdate_reason) > BACKDATE_REASON_LENGTH:
        raise DomainError(_("at most %(n)s characters") % {"n": format_count(BACKDATE_REASON_LENGTH)},
                          code="invalid_reason", field="backdate_reason")
    paid_at = _paid_at_checked(paid_at, user=user, backdate_reason=backdate_reason, now=timezone.now())

    try:
        with transaction.atomic():
            consumer = consumer_for_update(user, account_no)
            # One read for both: every payment's ledger entry is a PAYMENT under its receipt number (written
            # below), so the ledger's key (ledger_reference_kind_unique) holds this app's receipts and the billing
            # system's imported ones alike. Asked before the stop and the reservation are, so a retried payment
            # is answered duplicate_receipt, not by what it did to its stop; a twin at the same moment fails on
            # the keys below (IntegrityError).
            if reference_taken(kind=EntryKind.PAYMENT, reference=receipt_no):
                raise taken_error("receipt_no", receipt_no, "duplicate_receipt")
            reserved = _reserved_number_held(user=user, receipt_no=receipt_no)
            stop = None
            if drive_stop_id is not None:
                stop = stop_for_payment(user=user, consumer=consumer, stop_id=drive_stop_id,
                                        paid_on=timezone.localdate(paid_at))
            # Only a disconnected consumer can be ordered reconnected: the order of their last cut, before.
            disconnected = consumer.status == ConnectionStatus.DISCONNECTED
            arrears_before, order_before = consumer.arrears, last_cut_order(consumer) if disconnected else None
            # The payment takes effect at once. The stop it names first: paid on the spot or part-paid, decided
            # on the arrears before and after it. Then the credit is announced (arrears.signals.ledger_credited),
            # as ledger_entry_add announces every other credit: drives settles every open stop of the consumer
            # when the arrears are now at most the threshold, so no team cuts someone who has just paid, and
            # orders a disconnected consumer who has now paid the minimum reconnected. One path for a payment,
            # an adjustment and an import, so nothing is settled or ordered twice; ledger_entry_add holds its
            # own announcement (announce=False) only so that the named stop is logged paid before the listener
            # would settle it, and the order this payment brought about is read back (last_cut_order).
            entry = ledger_entry_add(consumer=consumer, kind=EntryKind.PAYMENT, amount=amount,
                                     entry_date=timezone.localdate(paid_at), reference=receipt_no,
                                     user=user, source=source, announce=False)
            stop_outcome = None
            if stop is not None:
                stop_outcome = stop_payment_log(stop=stop, consumer=consumer, amount=amount,
                                                arrears_before=arrears_before, user=user, at=paid_at, source=source)
            ledger_credited_send(sender=Payment, consumer_ids=[consumer.pk], user_id=user.pk, source=source,
                                 user=user, consumers=[consumer])
            order = last_cut_order(consumer) if disconnected else None
            if order is not None and order == order_before:
                order = None  # the cut's order was there before this payment
            payment = Payment.objects.create(
                consumer=consumer, division_id=consumer.division_id, ledger_entry=entry, amount=amount, mode=mode,
                receipt_no=receipt_no,
                paid_at=paid_at, drive_stop=stop, reconnection_order=order, backdate_reason=backdate_reason,
                instrument_no=instrument_no, bank=bank, stop_outcome=stop_outcome or "",
                reconnection_short_by=reconnection_short_by(consumer=consumer),
                balance_after=consumer.balance, arrears_after=consumer.arrears, taken_by=user, source=source,
            )
            _reserved_number_use(reserved, payment)
            # The receipt on the consumer's phone, sent once this commits (none if it rolls back).
            payment_message_queue(consumer=consumer, payment_id=payment.pk, amount=amount, receipt_no=receipt_no,
                                  paid_at=paid_at, outstanding=payment.arrears_after, created_by=user)
            return payment
    except IntegrityError:
        # Two requests with one receipt number at the same moment: the second loses.
        raise taken_error("receipt_no", receipt_no, "duplicate_receipt") from None


# --- receipt numbers reserved to a user (DESIGN.md: a clerk's field receipts come from blocks) ----------------

RECEIPT_BLOCK_MAX = 100
# The block a pay page reserves when its user has no number left to propose.
PAGE_BLOCK = 10
# A number a pay page proposed is not proposed again for this long: a second page opened meanwhile (another
# tab, the next stop) proposes the next one. After it, an unused number is proposed again.
PROPOSAL_HOLD = timedelta(minutes=30)


def _reserved_number_held(*, user: User, receipt_no: str) -> ReceiptNumber | None:
    """The reservation of ``receipt_no``, locked, when it is ``user``'s (the payment will use it); None when the
    number is reserved to nobody. 409 receipt_reserved when it is someone else's."""
    reserved = ReceiptNumber.objects.select_for_update().filter(number=receipt_no).first()
    if reserved is None:
        return None
    if reserved.reserved_by_id != user.pk:
        raise DomainError(_("receipt number %(value)s is reserved to another user; use one of your own")
                          % {"value": receipt_no}, code="receipt_reserved", field="receipt_no")
    if reserved.payment_id is not None:
        # A twin request used it while this one waited for the lock.
        raise taken_error("receipt_no", receipt_no, "duplicate_receipt")
    return reserved


def _reserved_number_use(reserved: ReceiptNumber | None, payment: Payment) -> None:
    if reserved is not None:
        reserved.payment = payment
        reserved.save(update_fields=["payment"])


def receipt_block_reserve(*, user: User, count: int, division: Division | None = None,
                          source: str = Source.API) -> list[ReceiptNumber]:
    """Reserves ``count`` (1 to RECEIPT_BLOCK_MAX) numbers of the division's series to ``user`` until payments of
    theirs use them: unique across KESCO, never proposed or reserved to anyone else. A clerk's or officer's own
    division; ``division`` for IT, who belongs to none (a pay page proposes from the consumer's division). The
    division's row lock makes two reservations at once take different numbers."""
    if not may_take_payment(user) or (division is None and not may_reserve_receipts(user)):
        raise PermissionDenied(_("only clerks and officers reserve receipt numbers"))
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= RECEIPT_BLOCK_MAX:
        raise DomainError(_("from 1 to %(most)s") % {"most": format_count(RECEIPT_BLOCK_MAX)}, code="invalid_count",
                          field="count")
    division_id = user.division_id if division is None else division.pk
    if division_id is None:
        raise PermissionDenied(_("only clerks and officers reserve receipt numbers"))
    with transaction.atomic():
        division = Division.objects.select_for_update(no_key=True).filter(pk=division_id).get()
        numbers = receipt_series_free(division=division, count=count)
        if len(numbers) < count:
            raise DomainError(_("the division's receipt series for the year has fewer than %(count)s numbers "
                                "left") % {"count": format_count(count)}, code="series_full", field="count")
        now = timezone.now()
        return ReceiptNumber.objects.bulk_create(
            ReceiptNumber(number=number, division=division, reserved_by=user, reserved_at=now, source=source)
            for number in numbers)


def receipt_no_propose(*, user: User, division: Division) -> str:
    """The receipt number a pay page proposes to ``user`` (the field clerk's at a stop, an officer's at the
    counter): the first of their own unused numbers of this year's series that a page reserved (the field app's
    blocks are its own) and that no page proposed in the last PROPOSAL_HOLD; a new block of PAGE_BLOCK when none
    is left. So two pages open at once, the same user's or two users', never propose the same number."""
    now = timezone.now()
    with transaction.atomic():
        proposed = (ReceiptNumber.objects.select_for_update(skip_locked=True)
                    .filter(reserved_by=user, division=division, source=Source.WEB, payment__isnull=True,
                            number__startswith=receipt_series_prefix(division))
                    .exclude(proposed_at__gte=now - PROPOSAL_HOLD).order_by("pk").first())
        if proposed is None:
            proposed = receipt_block_reserve(user=user, count=PAGE_BLOCK, division=division, source=Source.WEB)[0]
        proposed.proposed_at = now
        proposed.save(update_fields=["proposed_at"])
        return proposed.number
