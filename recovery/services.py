"""Recovery from the permanently disconnected: the night's marking, the Form I demand notice, the recovery
certificate and its walk to the money recovered. One service per rule, each for the page, the API and the admin.

Refusals are DomainErrors with stable codes (409 in the API, form errors on the pages): not_permanently_disconnected,
invalid_served_on, invalid_service_mode, nothing_due, notice_period_running, demand_notice_not_found, rc_exists,
invalid_transition, invalid_date, amount_required, amount_not_allowed.
"""

import uuid
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import may_recover_dues
from arrears.models import ConnectionStatus
from arrears.services import consumer_for_update
from arrears.split import consumer_split
from core.dates import day_text, india_today
from core.errors import DomainError
from core.models import Source
from core.text import plain_text_checked
from payments.models import PaymentMode
from payments.services import payment_record
from recovery.models import (
    RC_CLOSED_STATUSES,
    DemandNotice,
    PermanentDisconnection,
    RCStatus,
    RecoveryCertificate,
    ServiceMode,
)
from recovery.selectors import rcs_visible_to

SERVED_TO_LENGTH = 100
PROOF_REF_LENGTH = 40
NOTES_LENGTH = 2000

# The certificate's walk: each status → the statuses it may go on to. The tehsil may return a certificate at any
# stage (the consumer not found, the dues disputed before the collector); a consumer who pays on the citation
# closes it before any attachment.
TRANSITIONS = {
    RCStatus.SENT: (RCStatus.CITATION_ISSUED, RCStatus.RETURNED),
    RCStatus.CITATION_ISSUED: (RCStatus.ATTACHMENT, RCStatus.RECOVERED, RCStatus.PARTLY_RECOVERED, RCStatus.RETURNED),
    RCStatus.ATTACHMENT: (RCStatus.RECOVERED, RCStatus.PARTLY_RECOVERED, RCStatus.RETURNED),
}
WITH_MONEY = (RCStatus.RECOVERED, RCStatus.PARTLY_RECOVERED)

# --- the night's marking ----------------------------------------------------------------------------------------

# One statement for every division: the disconnected consumers (partial index consumer_disconnected_division) with
# a cut before the cut-off instant and no later cut (index disconnection_consumer_at: the consumer's cuts, a few at
# most), and no open spell yet (pd_consumer_open_unique, which also makes a second run at the same moment insert
# nothing: ON CONFLICT). Consumer.status is kept by every cut and reconnection in the same transaction, so
# "disconnected" is "not reconnected since the last cut". The "no later cut" anti-join reads about a third of what
# a "latest cut" subquery per consumer did (0.5 s against 1.5 s over 100,000 disconnected of 1M consumers).
MARK_SQL = """
INSERT INTO recovery_permanentdisconnection
    (consumer_id, division_id, disconnection_id, disconnected_at, marked_on, source)
SELECT c.id, c.division_id, d.id, d.disconnected_at, %(on)s, %(source)s
FROM arrears_consumer c
JOIN drives_disconnection d ON d.consumer_id = c.id
WHERE c.status = %(disconnected)s AND d.disconnected_at < %(cutoff)s
  AND NOT EXISTS (SELECT 1 FROM drives_disconnection later
                  WHERE later.consumer_id = c.id
                    AND (later.disconnected_at > d.disconnected_at
                         OR (later.disconnected_at = d.disconnected_at AND later.id > d.id)))
  AND NOT EXISTS (SELECT 1 FROM recovery_permanentdisconnection p
                  WHERE p.consumer_id = c.id AND p.ended_on IS NULL)
ON CONFLICT DO NOTHING
"""
# Spells of consumers reconnected since (a reconnection order done, or an import's status) end on the night's day:
# the open spells (pd_consumer_open_unique) against their consumers' rows by primary key.
END_SQL = """
UPDATE recovery_permanentdisconnection SET ended_on = %(on)s
WHERE ended_on IS NULL AND EXISTS (
    SELECT 1 FROM arrears_consumer c WHERE c.id = recovery_permanentdisconnection.consumer_id
      AND c.status <> %(disconnected)s)
"""


def pd_cutoff(on: date) -> datetime:
    """The instant before which a cut makes a consumer permanently disconnected on ``on``: the start (India time)
    of the day PD_AFTER_DAYS − 1 before it. Cut on 1 January, PD_AFTER_DAYS 180: permanently disconnected from 30
    June (the 180th day after the cut), not on 29 June."""
    zone = timezone.get_default_timezone()
    return datetime.combine(on - timedelta(days=settings.PD_AFTER_DAYS - 1), time.min, tzinfo=zone)


def pd_first_day(spell: PermanentDisconnection) -> date:
    """The first day the spell's consumer was permanently disconnected: PD_AFTER_DAYS after the cut's day."""
    return timezone.localdate(spell.disconnected_at) + timedelta(days=settings.PD_AFTER_DAYS)


def permanent_disconnections_mark(*, on: date | None = None, source: str = Source.TASK) -> dict:
    """The night's task: marks every consumer cut at least PD_AFTER_DAYS days before ``on`` (default today in
    India) and not reconnected since as permanently disconnected on ``on``, and ends the spells of consumers
    reconnected since. Two set-based statements over every division, whatever their size: {"marked": n,
    "ended": m}. The spell's history row is the spell itself (its ``source`` and ``marked_on``)."""
    on = on or india_today()
    params = {"on": on, "source": source, "disconnected": ConnectionStatus.DISCONNECTED.value,
              "cutoff": connection.ops.adapt_datetimefield_value(pd_cutoff(on))}
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(END_SQL, params)
        ended = cursor.rowcount
        cursor.execute(MARK_SQL, params)
        marked = cursor.rowcount
    return {"marked": marked, "ended": ended}


# --- the Form I demand notice ------------------------------------------------------------------------------------

def _require(user: User) -> None:
    if not may_recover_dues(user):
        raise PermissionDenied(_("only officers and IT recover dues through the collector"))


def _open_spell(consumer) -> PermanentDisconnection:
    spell = PermanentDisconnection.objects.filter(consumer=consumer, ended_on__isnull=True).first()
    if spell is None or consumer.status != ConnectionStatus.DISCONNECTED:
        raise DomainError(_("%(account_no)s is not permanently disconnected: a demand notice and a recovery "
                            "certificate are for consumers cut %(days)s days and not reconnected")
                          % {"account_no": consumer.account_no, "days": settings.PD_AFTER_DAYS},
                          code="not_permanently_disconnected", field="account_no")
    return spell


def _text(value: str, *, field: str, length: int, one_line: bool = True) -> str:
    value = (value or "").strip()
    if len(value) > length:
        raise DomainError(_("at most %(n)s characters") % {"n": length}, code=f"invalid_{field}", field=field)
    return plain_text_checked(value, field=field, code=f"invalid_{field}", one_line=one_line)


def _reference(prefix: str, record) -> str:
    return f"{prefix}-{record.division.code}-{record.pk:06d}"


def demand_notice_issue(*, user: User, account_no: str, served_on: date, service_mode: str, served_to: str = "",
                        proof_ref: str = "", source: str = Source.WEB) -> DemandNotice:
    """Records a demand notice in Form I served on a permanently disconnected consumer of the user's division:
    the dues as of ``served_on`` split into principal and surcharge (arrears.split), served by ``service_mode``
    (registered post, by hand, fixed on the premises), on a day from the consumer's permanent disconnection to
    today. Raises Consumer.DoesNotExist outside the user's division."""
    _require(user)
    if service_mode not in ServiceMode.values:
        raise DomainError(_("one of %(choices)s") % {"choices": ", ".join(ServiceMode.values)},
                          code="invalid_service_mode", field="service_mode")
    served_to = _text(served_to, field="served_to", length=SERVED_TO_LENGTH)
    proof_ref = _text(proof_ref, field="proof_ref", length=PROOF_REF_LENGTH)
    with transaction.atomic():
        consumer = consumer_for_update(user, account_no)
        spell = _open_spell(consumer)
        first = pd_first_day(spell)
        if not first <= served_on <= india_today():
            raise DomainError(_("from %(first)s, the day the consumer became permanently disconnected, to today")
                              % {"first": day_text(first)}, code="invalid_served_on", field="served_on")
        split = consumer_split(consumer, as_of=served_on)
        if split.total <= 0:
            raise DomainError(_("nothing is due from %(account_no)s on %(day)s")
                              % {"account_no": consumer.account_no, "day": day_text(served_on)}, code="nothing_due")
        notice = DemandNotice.objects.create(
            reference=f"NEW-{uuid.uuid4().hex}"[:30], consumer=consumer, division_id=consumer.division_id,
            permanent_disconnection=spell, principal=split.principal, surcharge=split.surcharge, amount=split.total,
            served_on=served_on, service_mode=service_mode, served_to=served_to, proof_ref=proof_ref,
            issued_by=user, source=source)
        notice.reference = _reference("FORM1", notice)
        DemandNotice.objects.filter(pk=notice.pk).update(reference=notice.reference)
        return notice


# --- the recovery certificate -----------------------------------------------------------------------------------

def rc_raise(*, user: User, account_no: str, demand_notice_id: int, source: str = Source.WEB) -> RecoveryCertificate:
    """Raises a recovery certificate to the collector for a demand notice of the consumer, once RC_NOTICE_DAYS have
    passed since it was served and while the consumer is still permanently disconnected: the dues today, principal
    and surcharge, status "sent" today. One certificate per notice, one in progress per consumer. Raises
    Consumer.DoesNotExist outside the user's division."""
    _require(user)
    today = india_today()
    with transaction.atomic():
        consumer = consumer_for_update(user, account_no)
        _open_spell(consumer)
        notice = DemandNotice.objects.filter(consumer=consumer, pk=demand_notice_id).first()
        if notice is None:
            raise DomainError(_("no demand notice %(id)s of %(account_no)s")
                              % {"id": demand_notice_id, "account_no": consumer.account_no},
                              code="demand_notice_not_found", field="demand_notice_id")
        ripe_on = notice.served_on + timedelta(days=settings.RC_NOTICE_DAYS)
        if today < ripe_on:
            raise DomainError(_("the demand notice was served on %(served)s: a recovery certificate may be raised "
                                "from %(ripe)s") % {"served": day_text(notice.served_on), "ripe": day_text(ripe_on)},
                              code="notice_period_running", field="demand_notice_id")
        taken = RecoveryCertificate.objects.filter(consumer=consumer).exclude(status__in=RC_CLOSED_STATUSES).first()
        if RecoveryCertificate.objects.filter(demand_notice=notice).exists() or taken is not None:
            raise DomainError(_("a recovery certificate is already raised (%(reference)s)")
                              % {"reference": (taken or notice.recovery_certificate).reference}, code="rc_exists",
                              field="demand_notice_id")
        split = consumer_split(consumer, as_of=today)
        if split.total <= 0:
            raise DomainError(_("nothing is due from %(account_no)s today") % {"account_no": consumer.account_no},
                              code="nothing_due")
        rc = RecoveryCertificate(
            reference=f"NEW-{uuid.uuid4().hex}"[:30], consumer=consumer, division_id=consumer.division_id,
            demand_notice=notice, principal=split.principal, surcharge=split.surcharge, amount=split.total,
            sent_on=today, raised_by=user, source=source)
        rc.save()
        # The reference comes from the id: written before the history's first row is read back by anyone.
        rc.reference = _reference("RC", rc)
        RecoveryCertificate.objects.filter(pk=rc.pk).update(reference=rc.reference)
        rc.history.filter(id=rc.pk).update(reference=rc.reference)
        return rc


def _paid_at(on: date) -> datetime | None:
    """The payment's time for money recovered on ``on``: now when today, else the start of that day in India."""
    if on == india_today():
        return None
    return datetime.combine(on, time.min, tzinfo=timezone.get_default_timezone())


def rc_status_set(*, user: User, rc_id: int, status: str, on: date, amount_recovered: Decimal | None = None,
                  notes: str = "", mode: str = PaymentMode.CASH, instrument_no: str = "", bank: str = "",
                  source: str = Source.WEB) -> RecoveryCertificate:
    """Moves a certificate of the user's division one step on its walk (TRANSITIONS; 409 invalid_transition
    otherwise), dated ``on`` (not in the future, not before its last step: invalid_date). Recovered or partly
    recovered needs ``amount_recovered`` (amount_required), recorded as a payment with source ``rc`` through
    payments.payment_record (the ledger, the consumer's position, a reconnection order if it brings one about),
    its receipt number the certificate's reference; no other step takes money (amount_not_allowed). Raises
    RecoveryCertificate.DoesNotExist outside the user's division."""
    _require(user)
    if status not in RCStatus.values:
        raise DomainError(_("one of %(choices)s") % {"choices": ", ".join(RCStatus.values)}, code="invalid_status",
                          field="status")
    notes = _text(notes, field="notes", length=NOTES_LENGTH, one_line=False)
    with transaction.atomic():
        # Locked through the scoping selector: two officers' steps at once queue here; another division's is a 404.
        rc = rcs_visible_to(user).select_for_update(of=("self",)).select_related("consumer").get(pk=rc_id)
        if status not in TRANSITIONS.get(rc.status, ()):
            raise DomainError(_("a certificate %(now)s cannot be %(then)s") % {
                "now": rc.get_status_display(), "then": RCStatus(status).label}, code="invalid_transition",
                field="status")
        last = max(day for day in (rc.sent_on, rc.citation_on, rc.attachment_on) if day is not None)
        if on > india_today() or on < last:
            raise DomainError(_("from %(last)s, the certificate's last step, to today") % {"last": day_text(last)},
                              code="invalid_date", field="on")
        if status in WITH_MONEY and not amount_recovered:
            raise DomainError(_("give the amount recovered"), code="amount_required", field="amount_recovered")
        if status not in WITH_MONEY and amount_recovered:
            raise DomainError(_("money is recorded only when the certificate is recovered or partly recovered"),
                              code="amount_not_allowed", field="amount_recovered")
        if status in WITH_MONEY:
            rc.payment = payment_record(
                user=user, account_no=rc.consumer.account_no, amount=amount_recovered, mode=mode,
                receipt_no=rc.reference, paid_at=_paid_at(on), instrument_no=instrument_no, bank=bank,
                backdate_reason=_("recovered under %(reference)s") % {"reference": rc.reference}, source=Source.RC)
            rc.amount_recovered = rc.payment.amount
        if status == RCStatus.CITATION_ISSUED:
            rc.citation_on = on
        elif status == RCStatus.ATTACHMENT:
            rc.attachment_on = on
        else:
            rc.closed_on = on
        rc.status = status
        if notes:
            rc.notes = f"{rc.notes}\n{day_text(on)}: {notes}".strip()
        rc.save()
        return rc
