"""The error answers of an API operation, documented in its schema (DESIGN.md, REST API).

The field app branches on the status and, for a 409, on its ``code``: those are promises, so each operation
lists the statuses it can answer and the codes of its refusals, and a client generated from the schema knows
them. ``responses(...)`` builds the ``extend_schema(responses=...)`` dict:

    @extend_schema(responses=responses({201: NoticeOutput}, name="NoticeCreate",
                                       codes=("invalid_date", "invalid_amount"), idempotent=True))
"""

from collections.abc import Iterable

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, inline_serializer
from rest_framework import serializers

from core.idempotency import HEADER

# The refusals core.idempotency answers for any operation that honours the header.
IDEMPOTENCY_CODES = ("idempotency_conflict", "idempotency_in_progress", "idempotency_key_invalid")

IDEMPOTENCY_KEY = OpenApiParameter(
    HEADER, OpenApiTypes.STR, OpenApiParameter.HEADER, required=False,
    description="a client-generated key (at most 200 characters): a retry with the same key and body replays the "
                "first answer (header Idempotent-Replayed: true) and writes nothing; the same key with another "
                "body is 409 idempotency_conflict")


class DetailOutput(serializers.Serializer):
    detail = serializers.CharField()


_DESCRIPTIONS = {
    400: "Invalid input: each field named with its messages ({\"field\": [\"message\", …]}).",
    401: "Not logged in: no or a bad token.",
    403: "Your role may not do this.",
    404: "No such record in your division.",
}


def responses(success: dict, *, name: str, codes: Iterable[str] = (), idempotent: bool = False,
              statuses: Iterable[int] = (400, 401, 403, 404)) -> dict:
    """``success`` ({201: Output}) plus the operation's error answers: ``statuses`` among 400/401/403/404 and,
    when there are refusal ``codes`` (plus the idempotency ones if ``idempotent``), a 409 whose ``code`` is
    one of them. ``name`` names the 409 body in the schema's components ("<name>Refusal")."""
    documented = dict(success)
    for status in statuses:
        body = OpenApiTypes.OBJECT if status == 400 else DetailOutput
        documented[status] = OpenApiResponse(body, description=_DESCRIPTIONS[status])
    codes = [*codes, *(IDEMPOTENCY_CODES if idempotent else ())]
    if codes:
        refusal = inline_serializer(name=f"{name}Refusal", fields={
            "code": serializers.ChoiceField(choices=sorted(set(codes))),
            "detail": serializers.CharField(help_text="the whole sentence, to show as it is"),
            "field": serializers.CharField(required=False, help_text="the input it is about; absent when none"),
        })
        documented[409] = OpenApiResponse(refusal, description="Refused by a business rule: nothing was written.")
    return documented
