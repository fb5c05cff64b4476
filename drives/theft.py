"""Theft cases opened in the field: the officer's assessment, FIR and status."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import may_plan_drive
from core.errors import DomainError
from core.money import amount_checked
from drives.checks import (
    NOTES_LENGTH,
    history_by,
    text_checked,
)
from drives.models import (
    TheftCase,
    TheftStatus,
)
from drives.selectors import theft_cases_visible_to

FIR_LENGTH = 40  # TheftCase.fir_number


def theft_case_update(*, user: User, case: TheftCase, assessment_amount=None, fir_number: str | None = None,
                      status: str | None = None, notes: str | None = None) -> TheftCase:
    """The officer's work on a theft case: the assessment, the FIR, its status. A closed case stays closed.
    The case's history keeps each change with who made it."""
    if not may_plan_drive(user):  # whoever runs the division's drives follows up what they found
        raise PermissionDenied(_("only officers and IT admins work theft cases"))
    if status is not None and status not in TheftStatus.values:
        raise DomainError(_("one of %(choices)s") % {"choices": ", ".join(TheftStatus.values)}, code="invalid_status",
                          field="status")
    with transaction.atomic():
        case = theft_cases_visible_to(user).select_for_update(of=("self",)).get(pk=case.pk)
        if case.status == TheftStatus.CLOSED:
            raise DomainError(_("the case is closed"), code="invalid_status", field="status")
        if assessment_amount is not None:
            case.assessment_amount = amount_checked(assessment_amount, field="assessment_amount", allow_zero=True)
        if fir_number is not None:
            case.fir_number = text_checked(fir_number, field="fir_number", limit=FIR_LENGTH, code="invalid_fir_number")
        if status is not None:
            if status == TheftStatus.FIR_FILED and not case.fir_number:
                raise DomainError(_("give the FIR number"), code="fir_required", field="fir_number")
            case.status = status
        if notes is not None:
            case.notes = text_checked(notes, field="notes", limit=NOTES_LENGTH, code="invalid_notes")
        history_by(case, user).save()
    return case
