"""The error answers of an API operation, documented in its schema (DESIGN.md, REST API).

The field app branches on the status and, for a 409, on its ``code``: those are promises, so each operation
lists the statuses it can answer and the codes of its refusals, and a client generated from the schema knows
them. The shapes are kesco.api.exception_handler's and DRF's, as they are sent:

- 400 ``FieldErrors``: ``{"amount": ["must be more than zero"]}``, each input named with its messages
  (``non_field_errors`` for the request as a whole: a body that is not JSON, too large, nested too deeply);
  the one shape of every 400, a query parameter's (``{"page": ["…"]}``, a NUL in ``q``) included;
- 401, 403, 404 ``Error``: ``{"detail": "…"}``;
- 409 ``<Operation>Refusal``: ``{"code": "notice_required", "detail": "…", "field": "…"}``, a business rule said
  no and nothing was written; ``code`` is one of the operation's codes, each explained in the schema.

``responses(...)`` builds the ``extend_schema(responses=...)`` dict:

    @extend_schema(responses=responses({201: NoticeOutput}, name="NoticeCreate",
                                       codes=("invalid_date", "invalid_mode"), idempotent=True))
"""

from collections.abc import Iterable

from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, inline_serializer
from rest_framework import serializers

from core.idempotency import HEADER

# The refusals core.idempotency answers for any operation that honours the header.
IDEMPOTENCY_CODES = ("idempotency_conflict", "idempotency_in_progress", "idempotency_key_invalid")

IDEMPOTENCY_KEY = OpenApiParameter(
    HEADER, OpenApiTypes.STR, OpenApiParameter.HEADER, required=False,
    description="a client-generated key (at most 200 characters): a retry with the same key and body replays the "
                "first answer (header Idempotent-Replayed: true) and writes nothing; the same key with another "
                "body is 409 idempotency_conflict")

# What each stable refusal code means: the 409's `code` enum in the schema says it beside the code.
CODE_MEANINGS = {
    "already_disconnected": "the consumer is already disconnected",
    "already_registered": "the consumer has a live registration or instalment plan already: one at a time",
    "amount_above_balance": "a notice demands more than the consumer's balance on the day it was served",
    "amount_below_arrears": "a notice demands less than the arrears on the day it was served: only an officer, "
                            "with a reason",
    "amount_not_allowed": "money is recorded only when a recovery certificate is recovered or partly recovered",
    "amount_required": "a recovery certificate recovered or partly recovered needs amount_recovered",
    "amount_too_large": "more than the most one payment may be (the PAYMENT_MAX_AMOUNT setting)",
    "amount_too_small": "a notice demands at least ₹1",
    "backdated": "dated further back than a clerk may (a payment's paid_at: PAYMENT_BACKDATE_DAYS; a notice's "
                 "served_on: NOTICE_BACKDATE_DAYS); an officer may record it with a reason (a payment's "
                 "backdate_reason; a notice's reason and proof_ref)",
    "balance_overflow": "the consumer's balance would pass what a money column holds",
    "before_drive_date": "`at` is before the drive's day in India (a drive of 3 December takes outcomes from 3 "
                         "December 00:00 IST)",
    "before_reconnection": "`at` of a cut is before the consumer's last reconnection (reconnected 3 December 16:20: "
                           "a cut from then on)",
    "demand_notice_not_found": "no Form I demand notice of this consumer has this id (POST rc/demand-notices/)",
    "deposit_mismatch": "deposit_amount is not the sum of the payment deposit_receipt_no names (the whole payment "
                        "is the deposit; leave deposit_amount out to take it as it is)",
    "deposit_required": "the scheme's quote asks a registration deposit: record it as a payment (POST payments/) "
                        "and give its receipt number",
    "deposit_short": "the payment named as the registration deposit is less than the deposit the quote asks",
    "deposit_not_found": "the deposit must be money the consumer paid (for a dispute, s. 56(1)): no recorded "
                         "payment of this consumer has this receipt number (for a registration: none since the "
                         "scheme opened)",
    "deposit_too_early": "the payment was made before the disputed bills (the last six before the dispute was "
                         "raised): it cannot be this dispute's deposit",
    "deposit_used": "this payment is already counted as a dispute's (or a registration's) deposit: one payment "
                    "backs one dispute or one registration",
    "dispute_backdated": "raised_on is further back than DISPUTE_BACKDATE_DAYS (default 30 days)",
    "dispute_pending": "s. 56(1): a bill dispute is open with its deposit under protest made; no disconnection",
    "drive_closed": "the drive of this stop is closed: a payment may not name its stops (record it without the "
                    "stop)",
    "drive_date_past": "a drive is planned for today or later",
    "drive_date_far": "a drive is planned at most DRIVE_AHEAD_DAYS (default 14) days ahead: on 3 December, by 17 "
                      "December",
    "drive_not_today": "the stop's drive is of another day than the payment's (a clerk's payment is today's): a "
                       "payment names a stop of the drive of the day it is paid",
    "duplicate_reference": "this reference is already on a ledger as an adjustment (a theft assessment's reference "
                           "goes on the ledger): references are unique across KESCO",
    "duplicate_receipt": "this receipt number is already recorded; receipt numbers are unique across KESCO",
    "idempotency_conflict": "this Idempotency-Key was used with another request",
    "idempotency_in_progress": "a request with this Idempotency-Key is still being processed; retry shortly",
    "idempotency_key_invalid": "the Idempotency-Key header is longer than 200 characters",
    "instrument_required": "the mode needs its details: instrument_no for upi, cheque and dd; bank for cheque "
                           "and dd",
    "invalid_amount": "more than the consumer owes (a promise to pay is at most the balance)",
    "invalid_bank": "the bank's name is too long or has other than letters, digits and signs",
    "invalid_clerk": "no clerk given, or one who is not a clerk of the drive's division",
    "invalid_date": "a date in the future, before KESCO's ledger begins, or before the record it follows",
    "invalid_deposit_receipt_no": "the deposit receipt number is too long",
    "invalid_drive_stop": "no open (or just cut) stop of this consumer with this id in your division",
    "invalid_instalments": "a plan's number of instalments is out of range, or so many that one would be under "
                           "₹0.01",
    "invalid_kind": "not a kind of field record (outcome, payment or reconnection)",
    "invalid_payload": "the refused request handed over is not a JSON object, or is over 8 KB",
    "invalid_refusal": "the refusal's code is over 50 characters or its detail over 500",
    "invalid_fir_number": "the FIR number is blank, over 40 characters or not one line",
    "invalid_found": "not a finding: direct_hooking, meter_bypass, meter_tampering or other",
    "invalid_instrument_no": "the UPI reference or cheque/DD number is too long or has other than letters, "
                             "digits and signs",
    "invalid_max_stops": "max_stops out of range",
    "invalid_method": "not a disconnection method",
    "invalid_mode": "not a mode of this operation",
    "invalid_name": "the name is blank or too long",
    "invalid_meter_seal": "not a meter seal's state: intact, broken or missing",
    "invalid_notes": "the notes are too long",
    "invalid_outcome": "not an outcome",
    "invalid_paid_at": "paid_at is before KESCO's ledger begins or not a time a payment can have",
    "invalid_photo": ("the photo is over STOP_PHOTO_MAX_BYTES, declares more than STOP_PHOTO_MAX_PIXELS or does not "
                      "decode whole as a JPEG, PNG or WebP picture"),
    "invalid_position": "latitude and longitude must come together, each in range",
    "invalid_plan": "not a plan the scheme's quote offers this consumer today (GET schemes/{id}/eligibility/)",
    "invalid_police_station": "the police station is blank, over 100 characters or not one line",
    "invalid_proof_ref": "the proof of service's reference is too long or has other than letters, digits and signs",
    "invalid_reason": "the reason (a payment's backdate_reason, a notice's reason) is too long or has other than "
                      "letters, digits and signs",
    "invalid_receipt_no": "the receipt number is not canonical: after Unicode NFKC and upper case, only A-Z, 0-9, "
                          "- and /, at most 40 characters",
    "invalid_reference": "the reference is over 40 characters",
    "invalid_resolution": "the resolution is blank or too long",
    "invalid_served_on": "a Form I's served_on is before the day the consumer became permanently disconnected "
                         "(PD_AFTER_DAYS after the cut) or in the future",
    "invalid_served_to": "the name of who took the notice is over 100 characters or not one line",
    "invalid_service_mode": "not a mode of service of a Form I: registered_post, by_hand or affixed",
    "invalid_status": "the record is no longer in a state that allows this (already done, closed or resolved)",
    "method_required": "a disconnection needs its method",
    "invalid_transition": "a recovery certificate's step off its walk: sent → citation_issued → attachment → "
                          "recovered, partly_recovered or returned (citation_issued may close it; any open step "
                          "may be returned; a closed one takes no step)",
    "no_defaulter_list": "the division has no defaulter list yet; build one first",
    "no_mobile_number": "a notice served by sms needs the consumer's mobile number (none, or not a mobile): serve "
                        "it by hand or by post",
    "no_stops": "no defaulter on the latest list matches the drive's minimum and locality",
    "not_eligible": "the consumer meets none of the scheme's eligibility rules, or no plan of today's phase fits "
                    "them (detail says which bound)",
    "nothing_due": "nothing is owed (up to the scheme's dues cut-off; for a plan, today; for a Form I, on the day it "
                   "was served; for a recovery certificate, today)",
    "notes_required": "the notes are required: say what happened",
    "not_permanently_disconnected": "the consumer is not permanently disconnected (cut PD_AFTER_DAYS, default 180, "
                                    "and not reconnected, as the night's task marks them)",
    "notice_period_running": "the Form I was served less than RC_NOTICE_DAYS ago: the detail says from which day "
                             "the recovery certificate may be raised",
    "notice_required": "s. 56: no notice served at least 15 clear days before (a notice of 1 March permits a "
                       "disconnection from 17 March)",
    "notice_satisfied": "the consumer has paid the sum the notice demanded since it was served: the notice is "
                        "spent, a new one is needed before a cut",
    "unknown_message": "a delivery receipt names a gateway message id no message has (yet): retry it later",
    "paid_in_future": "paid_at is in the future",
    "payment_required": "an outcome of paid is logged only by a payment at the stop that closes it (POST payments/ "
                        "with drive_stop), never by hand",
    "plan_conflict": "another drive was planned with some of the same consumers at the same moment; plan again "
                     "(a consumer is on at most one open stop)",
    "promise_open": "the consumer has an open promise to pay already: one at a time",
    "protected_consumer": "a protected consumer (hospital, essential service) is never disconnected",
    "reference_required": "the assessment's reference is required: it goes on the ledger entry",
    "reason_required": "say why: a plan outside a scheme, a promise to pay and a reversal need a reason",
    "rc_exists": "a recovery certificate is already raised on this notice, or one is in progress for the consumer",
    "receipt_reserved": "the receipt number is reserved to another user (POST receipt-blocks/); use one of "
                        "your own",
    "receipt_required": "a receipt number is required (for a dispute: when a deposit was made)",
    "scheme_closed": "the scheme is not open for registration today (outside its dates or phases, or closed)",
    "series_full": "the division's receipt series for the year has fewer free numbers than asked",
    "settled": "the consumer has paid: arrears are no longer over the threshold",
    "settlement_current": "while a settlement is kept, no cut: the consumer is registered in a One Time Settlement "
                          "scheme or on an instalment plan (live), or has promised to pay by a day not yet past; "
                          "the detail names the registration's reference or the promise's day",
    "stop_closed": "the stop already has its outcome, or its drive is closed",
    "stop_not_yours": "the stop is another clerk's: a clerk's payment names only their own stops (an officer or IT "
                      "may name any stop of the division)",
    "theft_case_exists": "this stop has its theft case already: one case per stop",
    "wrong_user": "header X-Field-User names another user than the one logged in: a record queued on the phone is "
                  "sent only as the user who made it (any operation; log in as that user)",
}

_DESCRIPTIONS = {
    401: "Not logged in: no token, or a bad one. Get one from POST /api/v1/auth/token/.",
    403: "Logged in, but your role may not do this (e.g. a clerk planning a drive).",
    404: "No such record in your division: records of another division answer 404, not 403.",
}

_EXAMPLES = {
    401: {"detail": "Authentication credentials were not provided."},
    403: {"detail": "You do not have permission to perform this action."},
    404: {"detail": "Not found."},
}


class FieldErrors(serializers.Serializer):
    """The body of a 400 (DRF's): each input named with its messages. Documented by the extension below, since
    its keys are the operation's input names."""


class FieldErrorsExtension(OpenApiSerializerExtension):
    target_class = FieldErrors

    def get_name(self, auto_schema, direction):
        return "FieldErrors"

    def map_serializer(self, auto_schema, direction):
        return {
            "type": "object",
            "description": "Invalid input; nothing was written. The shape of every 400 of every operation: each "
                           "key is an input's name, a field of the body or a query parameter (`amount`, "
                           "`paid_at`, `page`, …), with the list of what is wrong with it; `non_field_errors` is "
                           "about the request as a whole (a body that is not JSON, too large or nested too "
                           "deeply). A list input names the item by its index (`{\"clerks\": {\"1\": [\"…\"]}}`). "
                           "An amount of zero or less is one of these, on the amount's own field, never a 409; a "
                           "page that is not one (`?page=0`, past the last) is one on `page`.",
            "properties": {
                "non_field_errors": {"type": "array", "items": {"type": "string"},
                                     "description": "what is wrong with the request as a whole"},
            },
            "additionalProperties": {
                "description": "the input of this name: its messages, in the caller's language",
                "oneOf": [{"type": "array", "items": {"type": "string"}}, {"type": "object"}],
            },
        }


class Error(serializers.Serializer):
    detail = serializers.CharField(help_text="what went wrong, a sentence to show as it is")


def _refusal_description(codes: list[str]) -> str:
    lines = "\n".join(f"- `{code}`: {CODE_MEANINGS.get(code, code.replace('_', ' '))}" for code in codes)
    return ("Refused by a business rule: nothing was written. `code` is stable (branch on it); `detail` is the "
            "sentence to show; `field` names the input it is about, when there is one. The codes of this "
            f"operation:\n\n{lines}")


def responses(success: dict, *, name: str, codes: Iterable[str] = (), idempotent: bool = False,
              statuses: Iterable[int] = (400, 401, 403, 404), invalid: dict | None = None,
              refused: dict | None = None) -> dict:
    """``success`` ({201: Output}) plus the operation's error answers: ``statuses`` among 400/401/403/404 and,
    when there are refusal ``codes`` (plus the idempotency ones if ``idempotent``), a 409 whose ``code`` is
    one of them. ``name`` names the 409 body in the schema's components ("<name>Refusal"). ``invalid`` and
    ``refused`` are example bodies of the 400 and the 409 (realistic: what the operation really answers)."""
    documented = dict(success)
    for status in statuses:
        if status == 400:
            documented[400] = OpenApiResponse(FieldErrors, description="Invalid input: nothing was written.",
                                              examples=_examples(400, invalid))
        else:
            documented[status] = OpenApiResponse(Error, description=_DESCRIPTIONS[status],
                                                 examples=_examples(status, _EXAMPLES[status]))
    codes = sorted({*codes, *(IDEMPOTENCY_CODES if idempotent else ())})
    if codes:
        refusal = inline_serializer(name=f"{name}Refusal", fields={
            "code": serializers.ChoiceField(
                choices=[(code, CODE_MEANINGS.get(code, code)) for code in codes],
                help_text="the stable code of the rule that refused: branch on it"),
            "detail": serializers.CharField(help_text="the whole sentence, to show as it is"),
            "field": serializers.CharField(required=False, help_text="the input it is about; absent when none"),
        })
        documented[409] = OpenApiResponse(refusal, description=_refusal_description(codes),
                                          examples=_examples(409, refused))
    return documented


def _examples(status: int, body: dict | None) -> list[OpenApiExample]:
    if body is None:
        return []
    return [OpenApiExample(f"{status}", value=body, response_only=True, status_codes=[str(status)])]


_PAGE_FIELDS = {
    "count": "how many records in all, over every page",
    "next": "the URL of the next page; null on the last",
    "previous": "the URL of the previous page; null on the first",
    "results": "this page's records (at most 50)",
}


_BAD_PAGE = {"page": ["must be a whole number, 1 or more"]}
_BAD_QUERY = {"q": ["must not hold a NUL character"]}


def describe_pagination(result, generator, request, public):
    """POSTPROCESSING_HOOKS: DRF's page envelope (count, next, previous, results) described like every other
    field, in examples a page that is the only one (drf-spectacular's sample links point to example.org), and
    the one 400 on every operation: any request can be unreadable (a NUL in its query string, core.middleware),
    and on a paginated list a page that is not one is a 400 on `page` (core.pagination)."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            _document_bad_input(operation)
    for name, component in result.get("components", {}).get("schemas", {}).items():
        if name.startswith("Paginated"):
            for field, description in _PAGE_FIELDS.items():
                if field in component.get("properties", {}):
                    component["properties"][field].setdefault("description", description)
    schemas = result.get("components", {}).get("schemas", {})
    for name, description in (("BlankEnum", "blank: none given"), ("NullEnum", "null: none")):
        if name in schemas:
            schemas[name].setdefault("description", description)
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for answer in (operation.get("responses") or {}).values() if isinstance(operation, dict) else ():
                for example in answer.get("content", {}).get("application/json", {}).get("examples", {}).values():
                    page = example.get("value")
                    if isinstance(page, dict) and {"count", "next", "previous", "results"} <= set(page):
                        page.update(count=len(page["results"]), next=None, previous=None)
    return result


def _document_bad_input(operation: dict) -> None:
    answers = operation.setdefault("responses", {})
    answer = answers.setdefault("400", {
        "description": "The request can't be read (a NUL character in its query string, a body too large): "
                       "nothing was written.",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/FieldErrors"},
                                          "examples": {"400": {"value": _BAD_QUERY}}}},
    })
    if any(p.get("in") == "query" and p.get("name") == "page" for p in operation.get("parameters", ())):
        answer["description"] = answer["description"].rstrip(".") + "; a page that is not one is a 400 on `page`."
        examples = answer["content"]["application/json"].setdefault("examples", {})
        examples.setdefault("page", {"value": _BAD_PAGE, "summary": "a page that is not one (?page=0)"})
