"""Field handovers: a record the field app could not send, handed over by the clerk to the officer.

The field app keeps every record until the server has it. One the server refuses (a duplicate receipt, a closed
drive, a rule) waits on the phone for the clerk's fix; when there is none the clerk hands it over with a note:
the refused request is kept here as it was sent, with the refusal, and waits on the officer's home page until
the officer resolves it (records it by hand, refunds, or decides nothing is owed). Nothing done in the field is
lost, and each handover says who made it, when and through what, with its history.
"""

import json
import uuid
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import may_log_outcome, may_plan_drive
from core.errors import DomainError
from core.models import Source
from core.money import format_count
from drives.checks import at_checked, consumer_get, history_by, text_checked
from drives.models import FieldHandover, HandoverKind, HandoverStatus
from drives.selectors import handovers_visible_to, stops_visible_to

PAYLOAD_BYTES = 8 * 1024
REFUSAL_CODE_LENGTH = 50
REFUSAL_DETAIL_LENGTH = 500
HANDOVER_NOTES_LENGTH = 1000


def _payload_checked(payload) -> dict:
    if not isinstance(payload, dict):
        raise DomainError(_("the refused request must be a JSON object"), code="invalid_payload", field="payload")
    size = len(json.dumps(payload, ensure_ascii=False, default=str).encode())
    if size > PAYLOAD_BYTES:
        raise DomainError(_("the refused request is at most %(n)s bytes") % {"n": format_count(PAYLOAD_BYTES)},
                          code="invalid_payload", field="payload")
    return payload


def _notes_checked(notes: str, *, field: str = "notes") -> str:
    notes = text_checked(notes, field=field, limit=HANDOVER_NOTES_LENGTH, code="invalid_notes")
    if not notes:
        raise DomainError(_("say what happened, for the officer"), code="notes_required", field=field)
    return notes


def handover_record(*, user: User, key: uuid.UUID, kind: str, account_no: str, payload: dict,
                    notes: str, at: datetime | None = None, drive_stop_id: int | None = None,
                    refusal_code: str = "", refusal_detail: str = "",
                    source: str = Source.API) -> tuple[FieldHandover, bool]:
    """A refused field record handed over to the officer by a clerk (or an officer or IT) of the consumer's
    division. ``key`` is the record's idempotency key: the same key from the same user answers the handover
    already made (returned with False). Returns (handover, created).

    409 invalid_kind, invalid_payload (not an object, over 8 KB), invalid_refusal (a code over 50 characters or
    a detail over 500), invalid_notes / notes_required (the clerk's notes, at most 1000 characters, required),
    invalid_date (``at`` in the future), invalid_drive_stop (not a stop of this consumer of the user's).
    Raises Consumer.DoesNotExist for an account outside the user's division (the view's 404).
    """
    if not may_log_outcome(user):
        raise PermissionDenied(_("only clerks, officers and IT hand over field records"))
    existing = handovers_visible_to(user).filter(by=user, key=key).first()
    if existing is not None:
        return existing, False
    if kind not in HandoverKind.values:
        raise DomainError(_("not a kind of field record"), code="invalid_kind", field="kind")
    consumer = consumer_get(user, account_no)
    payload = _payload_checked(payload)
    refusal_code = text_checked(refusal_code, field="refusal_code", limit=REFUSAL_CODE_LENGTH,
                                code="invalid_refusal", one_line=True)
    refusal_detail = text_checked(refusal_detail, field="refusal_detail", limit=REFUSAL_DETAIL_LENGTH,
                                  code="invalid_refusal")
    notes = _notes_checked(notes)
    at = at_checked(at)
    stop = None
    if drive_stop_id is not None:
        stop = stops_visible_to(user).filter(pk=drive_stop_id, consumer=consumer).first()
        if stop is None:
            raise DomainError(_("no drive stop %(id)s of yours for this consumer") % {"id": drive_stop_id},
                              code="invalid_drive_stop", field="drive_stop")
    handover = FieldHandover(key=key, kind=kind, consumer=consumer, stop=stop, payload=payload,
                             refusal_code=refusal_code, refusal_detail=refusal_detail, notes=notes, at=at, by=user,
                             source=source)
    try:
        with transaction.atomic():
            history_by(handover, user).save()
    except IntegrityError:  # the same record handed over twice at once: the first one stands
        return FieldHandover.objects.get(by=user, key=key), False
    return handover, True


def handover_resolve(*, user: User, handover: FieldHandover, notes: str,
                     source: str = Source.WEB) -> FieldHandover:
    """The officer (or IT) has dealt with a handover: what was done, who and when. 409 invalid_status if already
    resolved, notes_required / invalid_notes. Raises FieldHandover.DoesNotExist outside the user's division."""
    if not may_plan_drive(user):
        raise PermissionDenied(_("only officers and IT resolve handovers"))
    notes = _notes_checked(notes)
    with transaction.atomic():
        handover = handovers_visible_to(user).select_for_update(of=("self",)).get(pk=handover.pk)
        if handover.status != HandoverStatus.OPEN:
            raise DomainError(_("the handover is already resolved"), code="invalid_status", field="status")
        handover.status, handover.resolved_by, handover.resolved_at = HandoverStatus.RESOLVED, user, timezone.now()
        handover.resolution = notes
        history_by(handover, user).save()
    return handover
