"""Theft cases (Electricity Act 2003, s. 126 and 135): reported from the field, worked by the officer.

A case's life: reported (a clerk's ``theft_detected`` outcome, or a report through the API or the page) →
assessed (the sum assessed goes on the consumer's ledger as a charge, under the assessment's reference) →
FIR lodged → settled (paid in full since the assessment, or closed by the officer with a note) or in court.
An FIR may be lodged before the assessment. Each service locks the case, checks its state, writes it with its
history (who, when, through what); the web page, the API and the admin call the same ones.
"""

from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import may_report_theft, may_work_theft_case
from arrears.models import Consumer, EntryKind
from arrears.services import code_checked, consumer_for_update, ledger_entry_add, reference_taken, taken_error
from arrears.signals import credited_by
from core.dates import day_text, india_today
from core.errors import DomainError
from core.models import Source
from core.money import amount_checked
from drives.checks import NOTES_LENGTH, at_checked, day_checked, history_by, text_checked
from drives.models import (
    THEFT_OPEN_STATUSES,
    MeterSeal,
    Outcome,
    Stop,
    StopStatus,
    TheftCase,
    TheftFinding,
    TheftSection,
    TheftStatus,
)
from drives.selectors import stops_visible_to, theft_case_paid, theft_cases_visible_to
from drives.services import stop_outcome_log

FIR_LENGTH = 40  # TheftCase.fir_number
POLICE_STATION_LENGTH = 100  # TheftCase.police_station


def _choice_checked(value: str, *, choices, field: str, code: str, required: bool = False) -> str:
    value = (value or "").strip()
    if (value or required) and value not in choices.values:
        raise DomainError(_("one of %(choices)s") % {"choices": ", ".join(str(c) for c in choices.values)},
                          code=code, field=field)
    return value


def _inspection_checked(found: str, meter_seal: str, notes: str) -> tuple[str, str, str]:
    return (_choice_checked(found, choices=TheftFinding, field="found", code="invalid_found"),
            _choice_checked(meter_seal, choices=MeterSeal, field="meter_seal", code="invalid_meter_seal"),
            text_checked(notes, field="notes", limit=NOTES_LENGTH, code="invalid_notes"))


def theft_case_open(*, user: User, consumer: Consumer, stop: Stop | None = None, found: str = "",
                    meter_seal: str = "", notes: str = "", at: datetime | None = None,
                    source: str = Source.WEB) -> TheftCase:
    """Opens a case for ``consumer`` (locked by the caller, inside its transaction), counted for the consumer's
    division as it is now. Called by theft_case_report and by drives.services.stop_outcome_log."""
    found, meter_seal, notes = _inspection_checked(found, meter_seal, notes)
    case = TheftCase(consumer=consumer, division_id=consumer.division_id, stop=stop, found=found,
                     meter_seal=meter_seal, notes=notes, opened_by=user, opened_at=at or timezone.now(),
                     source=source)
    history_by(case, user).save()
    return case


def theft_case_report(*, user: User, account_no: str, drive_stop: int | None = None, found: str = "",
                      meter_seal: str = "", notes: str = "", at: datetime | None = None,
                      source: str = Source.WEB) -> TheftCase:
    """Theft found at a consumer's premises, reported by a clerk from the field, an officer or IT.

    ``drive_stop`` names the stop it was found at, a stop of this consumer the user may reach (a clerk: their
    own; 409 invalid_drive_stop otherwise). An open stop gets its outcome, ``theft_detected``, logged as in the
    field (stop_outcome_log, with its checks of the time and the drive), which opens the case; a stop already
    closed with another outcome (cut, then theft found) is named by the case as it is. One case per stop (409
    theft_case_exists). Raises Consumer.DoesNotExist for an account outside the user's division.
    """
    if not may_report_theft(user):
        raise PermissionDenied(_("only clerks, officers and IT admins report theft"))
    found, meter_seal, notes = _inspection_checked(found, meter_seal, notes)
    at = at_checked(at)
    stop = None
    if drive_stop is not None:
        stop = stops_visible_to(user).filter(pk=drive_stop, consumer__account_no=account_no).first()
        if stop is None:
            raise DomainError(_("no stop of this consumer with this id in your division"),
                              code="invalid_drive_stop", field="drive_stop")
        if TheftCase.objects.filter(stop=stop).exists():
            raise DomainError(_("this stop has its theft case already"), code="theft_case_exists",
                              field="drive_stop")
        if stop.status == StopStatus.OPEN:
            stop = stop_outcome_log(user=user, stop=stop, outcome=Outcome.THEFT_DETECTED, notes=notes, at=at,
                                    found=found, meter_seal=meter_seal, source=source)
            return stop.theft_case
    with transaction.atomic():
        consumer = consumer_for_update(user, account_no)
        try:
            with transaction.atomic():
                return theft_case_open(user=user, consumer=consumer, stop=stop, found=found, meter_seal=meter_seal,
                                       notes=notes, at=at, source=source)
        except IntegrityError:
            # The same stop reported twice at the same moment: the second loses.
            raise DomainError(_("this stop has its theft case already"), code="theft_case_exists",
                              field="drive_stop") from None


def _worked(user: User, case: TheftCase) -> TheftCase:
    """The case locked for the officer's work on it; TheftCase.DoesNotExist outside the user's division."""
    if not may_work_theft_case(user):
        raise PermissionDenied(_("only officers and IT admins work theft cases"))
    return theft_cases_visible_to(user).select_for_update(of=("self",)).get(pk=case.pk)


def _open_checked(case: TheftCase) -> None:
    if case.status not in THEFT_OPEN_STATUSES:
        raise DomainError(_("the case is closed (%(status)s)") % {"status": case.get_status_display()},
                          code="invalid_status", field="status")


def _since_reported(day: date, case: TheftCase, *, field: str) -> date:
    day = day_checked(day, field=field)
    reported = timezone.localdate(case.opened_at)
    if day < reported:
        raise DomainError(_("cannot be before the case was reported, %(day)s") % {"day": day_text(reported)},
                          code="invalid_date", field=field)
    return day


def theft_case_inspection_record(*, user: User, case: TheftCase, found: str, meter_seal: str, notes: str,
                                 source: str = Source.WEB) -> TheftCase:
    """The officer's record of what the inspection found and the meter seal's state, and notes (an open case)."""
    found, meter_seal, notes = _inspection_checked(found, meter_seal, notes)
    with transaction.atomic():
        case = _worked(user, case)
        _open_checked(case)
        case.found, case.meter_seal, case.notes = found, meter_seal, notes
        history_by(case, user).save()
    return case


def theft_case_assess(*, user: User, case: TheftCase, amount, section: int, assessed_on: date, reference: str,
                      source: str = Source.WEB) -> TheftCase:
    """The officer's assessment: ``amount`` under ``section`` (126 or 135), made on ``assessed_on`` with its
    ``reference``. The sum goes on the consumer's ledger as a charge, a positive ADJUSTMENT dated
    ``assessed_on`` (due that day) under the reference, and the consumer's cached position with it (the
    consumer's row locked, as a payment locks it). A case is assessed once (409 invalid_status); a reference is
    unique across KESCO's adjustments (409 duplicate_reference). Raises TheftCase.DoesNotExist outside the
    user's division."""
    amount = amount_checked(amount, field="amount")
    if section not in TheftSection.values:
        raise DomainError(_("one of %(choices)s") % {"choices": "126, 135"}, code="invalid_section", field="section")
    reference = code_checked(reference, field="reference", required_code="reference_required")
    account_no = theft_cases_visible_to(user).values_list("consumer__account_no", flat=True).get(pk=case.pk)
    try:
        with transaction.atomic():
            consumer = consumer_for_update(user, account_no)
            case = _worked(user, case)
            _open_checked(case)
            if case.assessment_amount is not None:
                raise DomainError(_("the case is assessed already"), code="invalid_status", field="status")
            assessed_on = _since_reported(assessed_on, case, field="assessed_on")
            if reference_taken(kind=EntryKind.ADJUSTMENT, reference=reference):
                raise taken_error("reference", reference, "duplicate_reference")
            case.assessment_entry = ledger_entry_add(consumer=consumer, kind=EntryKind.ADJUSTMENT, amount=amount,
                                                     entry_date=assessed_on, reference=reference, user=user,
                                                     source=source)
            case.assessment_amount, case.section, case.assessed_on = amount, section, assessed_on
            case.assessment_reference = reference
            if case.status == TheftStatus.REPORTED:
                case.status = TheftStatus.ASSESSED
            history_by(case, user).save()
    except IntegrityError:
        # Two assessments with one reference at the same moment: the second loses.
        raise taken_error("reference", reference, "duplicate_reference") from None
    return case


def theft_case_fir_lodge(*, user: User, case: TheftCase, fir_number: str, police_station: str, lodged_on: date,
                         source: str = Source.WEB) -> TheftCase:
    """The FIR lodged with the police (s. 135): its number, the police station and the day. Once per case (409
    invalid_status); it may come before the assessment. Raises TheftCase.DoesNotExist outside the division."""
    fir_number = text_checked(fir_number, field="fir_number", limit=FIR_LENGTH, code="invalid_fir_number",
                              one_line=True)
    if not fir_number:
        raise DomainError(_("give the FIR number"), code="invalid_fir_number", field="fir_number")
    police_station = text_checked(police_station, field="police_station", limit=POLICE_STATION_LENGTH,
                                  code="invalid_police_station", one_line=True)
    if not police_station:
        raise DomainError(_("give the police station"), code="invalid_police_station", field="police_station")
    with transaction.atomic():
        case = _worked(user, case)
        _open_checked(case)
        if case.fir_number:
            raise DomainError(_("the FIR is lodged already: %(fir)s") % {"fir": case.fir_number},
                              code="invalid_status", field="status")
        case.fir_lodged_on = _since_reported(lodged_on, case, field="lodged_on")
        case.fir_number, case.police_station, case.status = fir_number, police_station, TheftStatus.FIR_LODGED
        history_by(case, user).save()
    return case


CLOSING_STATUSES = (TheftStatus.SETTLED, TheftStatus.IN_COURT)


def theft_case_close(*, user: User, case: TheftCase, status: str, closed_on: date, note: str,
                     source: str = Source.WEB) -> TheftCase:
    """The officer ends a case: ``settled`` (from any open state, or from court) or ``in_court`` (an open case
    the consumer contests in court), on ``closed_on``, with a note saying why (409 notes_required). A settled
    case stays settled (409 invalid_status)."""
    status = _choice_checked(status, choices=TheftStatus, field="status", code="invalid_status", required=True)
    if status not in CLOSING_STATUSES:
        raise DomainError(_("one of %(choices)s") % {"choices": ", ".join(CLOSING_STATUSES)}, code="invalid_status",
                          field="status")
    note = text_checked(note, field="note", limit=NOTES_LENGTH, code="invalid_notes")
    if not note:
        raise DomainError(_("say why"), code="notes_required", field="note")
    with transaction.atomic():
        case = _worked(user, case)
        allowed = THEFT_OPEN_STATUSES + ((TheftStatus.IN_COURT,) if status == TheftStatus.SETTLED else ())
        if case.status not in allowed:
            raise DomainError(_("the case is %(status)s") % {"status": case.get_status_display()},
                              code="invalid_status", field="status")
        case.closed_on = _since_reported(closed_on, case, field="closed_on")
        case.status = status
        case.closing_note = f"{case.closing_note}\n{note}".strip()
        history_by(case, user).save()
    return case


def theft_cases_settle_paid(*, consumer_ids: list[int] | None, user: User | None = None) -> int:
    """Settles the assessed cases (no FIR: that one the officer closes) whose consumer has paid the sum assessed
    since the assessment (credits dated on or after assessed_on). The number settled."""
    cases = TheftCase.objects.filter(status=TheftStatus.ASSESSED)
    if consumer_ids is not None:
        cases = cases.filter(consumer_id__in=consumer_ids)
    settled = 0
    for case in cases.select_for_update(of=("self",)).order_by("pk"):
        if theft_case_paid(case) >= (case.assessment_amount or Decimal("0.00")):
            case.status, case.closed_on = TheftStatus.SETTLED, india_today()
            if user is not None:
                history_by(case, user)
            case.save(update_fields=["status", "closed_on"])
            settled += 1
    return settled


def ledger_credited_receive(sender, *, consumer_ids: list[int] | None, user_id: int | None = None,
                            user: User | None = None, **kwargs) -> None:
    """arrears.signals.ledger_credited: a credit may pay an assessed case off (theft_cases_settle_paid). In a
    savepoint of its own: a failure rolls back only this and is logged by the sender; the credit stands. Few
    consumers have an assessed case: one read finds that, before any lock or savepoint."""
    if consumer_ids is not None and not TheftCase.objects.filter(
            consumer_id__in=consumer_ids, status=TheftStatus.ASSESSED).exists():
        return
    user = credited_by(user, user_id)
    with transaction.atomic():
        theft_cases_settle_paid(consumer_ids=consumer_ids, user=user)
