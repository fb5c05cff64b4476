"""Section 56 notices: recording one served on a consumer, or many at once.

A notice is a legal record: a cut rests on it (15 clear days), so the rules of DESIGN.md on who records it,
how far back and for what sum hold here, for the web, the API, the admin and the demo alike:

- served at most NOTICE_BACKDATE_DAYS back; an older one only by an officer (or IT) who gives a reason and
  the proof's reference (post dispatch number, signed acknowledgement), both kept (409 ``backdated``);
- demanding at least ₹1 (``amount_too_small``) and at most the balance on the day of service
  (``amount_above_balance``); less than the arrears on that day only by an officer with a reason
  (``amount_below_arrears``).

Whether a notice still permits a cut (not spent: the consumer has not paid its demand since) is
drives.selectors' ``notices_permitting``.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import may_backdate_notice, may_demand_below_arrears, may_record_notice
from arrears.ledger import positions_on, time_barred_amount, time_barred_amounts
from arrears.models import Consumer
from arrears.selectors import consumers_visible_to
from core.dates import india_today
from core.errors import DomainError
from core.models import Source
from core.money import amount_checked, format_count, format_inr
from drives.checks import (
    consumer_get,
    day_checked,
    text_checked,
)
from drives.models import (
    NOTICE_CLEAR_DAYS,
    Notice,
    NoticeMode,
)
from drives.selectors import notices_unspent
from notify.models import Message
from notify.services import (
    messages_queue_bulk,
    mobile_number,
    notice_message_queue,
    notice_message_spec,
    notice_reminder_spec,
)

# The least a notice may demand: a notice for paise is no demand (and one paisa paid would spend it).
MIN_DEMAND = Decimal("1.00")
REASON_LENGTH = 200
PROOF_REF_LENGTH = 100
NOTHING = (Decimal("0.00"), Decimal("0.00"))


def _text(value: str, *, field: str, limit: int) -> str:
    value = text_checked(value, field=field, limit=limit, code=f"invalid_{field}")
    if not value.isprintable():
        raise DomainError(_("letters, digits and signs only"), code=f"invalid_{field}", field=field)
    return value


def _notice_checks(*, user: User, served_on: date, mode: str, reason: str, proof_ref: str) -> tuple[date, str, str]:
    """Who records, how, and the day of service: at most NOTICE_BACKDATE_DAYS back unless an officer gives
    the reason and the proof's reference. Returns (served_on, reason, proof_ref) cleaned."""
    if not may_record_notice(user):
        raise PermissionDenied(_("only clerks, officers and IT admins record notices"))
    if mode not in NoticeMode.values:
        raise DomainError(_("one of %(choices)s") % {"choices": ", ".join(NoticeMode.values)}, code="invalid_mode",
                          field="mode")
    reason = _text(reason, field="reason", limit=REASON_LENGTH)
    proof_ref = _text(proof_ref, field="proof_ref", limit=PROOF_REF_LENGTH)
    served_on = day_checked(served_on, field="served_on")
    days = settings.NOTICE_BACKDATE_DAYS
    if served_on < india_today() - timedelta(days=days):
        if not may_backdate_notice(user):
            raise DomainError(_("a notice is recorded at most %(days)s days after it was served; an officer can "
                                "record an older one, with a reason and the proof of service")
                              % {"days": format_count(days)}, code="backdated", field="served_on")
        if not reason:
            raise DomainError(_("give the reason for recording a notice served more than %(days)s days ago")
                              % {"days": format_count(days)}, code="backdated", field="reason")
        if not proof_ref:
            raise DomainError(_("give the reference of the proof of service (post dispatch number, signed "
                                "acknowledgement)"), code="backdated", field="proof_ref")
    return served_on, reason, proof_ref


def _demand_checked(amount: Decimal, *, user: User, balance: Decimal, arrears: Decimal, reason: str,
                    field: str = "amount_demanded") -> Decimal:
    """The sum a notice demands against the consumer's balance and arrears on the day of service."""
    if amount < MIN_DEMAND:
        raise DomainError(_("a notice demands at least %(min)s") % {"min": format_inr(MIN_DEMAND)},
                          code="amount_too_small", field=field)
    if amount > balance:
        raise DomainError(_("more than the balance of %(balance)s on the day of service")
                          % {"balance": format_inr(balance)}, code="amount_above_balance", field=field)
    if amount < arrears:
        if not may_demand_below_arrears(user):
            raise DomainError(_("less than the arrears of %(arrears)s on the day of service; only an officer may "
                                "demand less, with a reason") % {"arrears": format_inr(arrears)},
                              code="amount_below_arrears", field=field)
        if not reason:
            raise DomainError(_("give the reason for demanding less than the arrears of %(arrears)s")
                              % {"arrears": format_inr(arrears)}, code="amount_below_arrears", field="reason")
    return amount


def notice_record(*, user: User, account_no: str, served_on: date, mode: str, amount_demanded, reason: str = "",
                  proof_ref: str = "", source: str = Source.WEB) -> Notice:
    """Records a section 56 notice served on a consumer, under the rules above.

    Raises Consumer.DoesNotExist when the account is outside the user's division.
    """
    served_on, reason, proof_ref = _notice_checks(user=user, served_on=served_on, mode=mode, reason=reason,
                                                  proof_ref=proof_ref)
    amount_demanded = amount_checked(amount_demanded, field="amount_demanded")
    consumer = consumer_get(user, account_no)
    balance, arrears = positions_on(consumer_ids=[consumer.pk], on=served_on).get(consumer.pk, NOTHING)
    _demand_checked(amount_demanded, user=user, balance=balance, arrears=arrears, reason=reason)
    if mode == NoticeMode.SMS:
        _mobile_checked([consumer])
    notice = Notice.objects.create(
        consumer=consumer, division_id=consumer.division_id, served_on=served_on, mode=mode,
        amount_demanded=amount_demanded, reason=reason, proof_ref=proof_ref,
        time_barred_amount=time_barred_amount(consumer=consumer, on=served_on), recorded_by=user, source=source)
    if mode == NoticeMode.SMS:
        # Served by SMS: the message is the notice's delivery record, sent once the notice commits.
        notice_message_queue(consumer=consumer, notice_id=notice.pk, served_on=notice.served_on,
                             lawful_from=notice.lawful_from, amount=amount_demanded, created_by=user)
    return notice


def _mobile_checked(consumers: list[Consumer]) -> None:
    """A notice served by SMS needs a mobile number to serve it on (409 ``no_mobile_number`` otherwise)."""
    without = [c.account_no for c in consumers if not mobile_number(c.phone)]
    if without:
        raise DomainError(_("%(account_no)s has no mobile number to serve a notice by SMS on (%(count)s without "
                            "one); serve those by hand or by post") % {"account_no": without[0],
                                                                       "count": format_count(len(without))},
                          code="no_mobile_number", field="mode")


def notices_record_bulk(*, user: User, account_nos: list[str], served_on: date, mode: str, reason: str = "",
                        proof_ref: str = "", source: str = Source.WEB) -> list[Notice]:
    """Notices served on many consumers at once, each demanding its arrears on the day of service (read from
    the ledger for them all at once), under the rules above; a back-dated batch carries one reason and one
    proof reference (the dispatch register's). All or nothing: one account outside the division or owing
    less than ₹1 that day refuses the whole batch."""
    served_on, reason, proof_ref = _notice_checks(user=user, served_on=served_on, mode=mode, reason=reason,
                                                  proof_ref=proof_ref)
    account_nos = list(dict.fromkeys(a.strip() for a in account_nos if a and a.strip()))
    if not account_nos:
        raise DomainError(_("name at least one account"), code="invalid_account_nos", field="account_nos")
    consumers = {c.account_no: c for c in consumers_visible_to(user).filter(account_no__in=account_nos)}
    missing = [a for a in account_nos if a not in consumers]
    if missing:
        raise Consumer.DoesNotExist(_("no consumer %(account_no)s in your division") % {"account_no": missing[0]})
    positions = positions_on(consumer_ids=[c.pk for c in consumers.values()], on=served_on)
    demands = {}
    for account_no in account_nos:
        balance, arrears = positions.get(consumers[account_no].pk, NOTHING)
        if arrears < MIN_DEMAND:
            raise DomainError(_("%(account_no)s had no arrears to demand on that day")
                              % {"account_no": account_no}, code="invalid_amount", field="account_nos")
        demands[account_no] = _demand_checked(arrears, user=user, balance=balance, arrears=arrears, reason=reason,
                                              field="account_nos")
    if mode == NoticeMode.SMS:
        _mobile_checked([consumers[a] for a in account_nos])
    barred = time_barred_amounts(consumer_ids=[c.pk for c in consumers.values()], on=served_on)
    notices = Notice.objects.bulk_create([
        Notice(consumer=consumers[a], division_id=consumers[a].division_id, served_on=served_on, mode=mode,
               amount_demanded=demands[a], reason=reason, proof_ref=proof_ref,
               time_barred_amount=barred.get(consumers[a].pk, Decimal("0.00")), recorded_by=user, source=source)
        for a in account_nos])
    if mode == NoticeMode.SMS:
        messages_queue_bulk(specs=[notice_message_spec(consumer=n.consumer, notice_id=n.pk, served_on=n.served_on,
                                                       lawful_from=n.lawful_from, amount=n.amount_demanded)
                                   for n in notices], created_by=user)
    return notices


def notice_reminders_send(*, on: date) -> int:
    """Reminds, by SMS, every consumer whose notice permits a cut NOTICE_REMINDER_DAYS after ``on`` and is not
    spent (they have not paid what it demanded), once per notice (the day picks it: served on ``on`` + N − 16).
    Returns how many messages were queued (consumers without a mobile number get none)."""
    days = settings.NOTICE_REMINDER_DAYS
    if days <= 0:
        return 0
    lawful_from = on + timedelta(days=days)
    served_on = lawful_from - timedelta(days=NOTICE_CLEAR_DAYS + 1)
    reminded = Message.objects.filter(template="notice_reminder", belongs_to_kind="notice").values("belongs_to_id")
    # notice_served_on: the day's notices; _unspent reads each one's credits since service.
    notices = (notices_unspent(Notice.objects.filter(served_on=served_on)).exclude(pk__in=reminded)
               .select_related("consumer"))
    return len(messages_queue_bulk(specs=[
        notice_reminder_spec(consumer=n.consumer, notice_id=n.pk, lawful_from=n.lawful_from,
                             amount=n.consumer.arrears) for n in notices if n.consumer.arrears > 0]))
