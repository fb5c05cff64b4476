"""`Idempotency-Key` for POSTs that create money or field records (DESIGN.md, REST API).

The same key and body replays the first answer and writes nothing; the same key
with another body is 409 `idempotency_conflict`. The key row is inserted before
the work, in the request's transaction: a concurrent twin blocks on the unique
index until the first commits, then replays its answer instead of paying twice.
A request that fails is rolled back with its key, so it may be retried.
"""

import hashlib
import json
from collections.abc import Callable

from django.core.files.uploadedfile import UploadedFile
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.response import Response

from core.errors import DomainError
from core.models import IdempotencyKey

HEADER = "Idempotency-Key"


def _file_digest(value) -> str:
    """An uploaded file by its name and the SHA-256 of its bytes: json's default=str would give its name alone,
    and the same name with another photo would replay the first answer."""
    digest = hashlib.sha256()
    value.seek(0)
    for chunk in value.chunks():
        digest.update(chunk)
    value.seek(0)
    return f"file:{value.name}:sha256:{digest.hexdigest()}"


def _fingerprint(operation: str, data) -> str:
    if hasattr(data, "lists"):
        # A multipart or form body (a QueryDict, files among its values): every value of each key (json.dumps
        # would read the last alone), a file by its bytes.
        data = {key: [_file_digest(v) if isinstance(v, UploadedFile) else v for v in values]
                for key, values in data.lists()}
    body = json.dumps(data, sort_keys=True, cls=DjangoJSONEncoder, default=str)
    return hashlib.sha256(f"{operation}\n{body}".encode()).hexdigest()


def _key_claimed(*, user, key: str, operation: str, fingerprint: str) -> IdempotencyKey | None:
    """The key's row, inserted for this request; None when it is another's. ON CONFLICT DO NOTHING, not an INSERT
    in a savepoint caught on IntegrityError: the same wait on the unique index for a twin still in flight, two
    statements fewer on every request."""
    now = timezone.now()
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {q(IdempotencyKey._meta.db_table)} ({q('user_id')}, {q('key')},"
                       f" {q('operation')}, {q('request_hash')}, {q('created_at')}) VALUES (%s, %s, %s, %s, %s)"
                       f" ON CONFLICT ({q('user_id')}, {q('key')}) DO NOTHING RETURNING {q('id')}",
                       [user.pk, key, operation, fingerprint, now])
        row = cursor.fetchone()
    if row is None:
        return None
    return IdempotencyKey(pk=row[0], user=user, key=key, operation=operation, request_hash=fingerprint,
                          created_at=now)


def idempotent(request, *, operation: str, handler: Callable[[], Response]) -> Response:
    key = request.headers.get(HEADER, "").strip()
    if not key:
        return handler()
    if len(key) > 200:
        # The input it is about is the header.
        raise DomainError(_("at most %(n)s characters") % {"n": 200}, code="idempotency_key_invalid", field=HEADER)
    fingerprint = _fingerprint(operation, request.data)
    record = _key_claimed(user=request.user, key=key, operation=operation, fingerprint=fingerprint)
    if record is None:
        record = IdempotencyKey.objects.get(user=request.user, key=key)
        if record.request_hash != fingerprint:
            raise DomainError(_("%(header)s %(key)r was used with another request") % {"header": HEADER, "key": key},
                              code="idempotency_conflict") from None
        if record.response_status is None:
            raise DomainError(_("a request with %(header)s %(key)r is still being processed")
                              % {"header": HEADER, "key": key}, code="idempotency_in_progress") from None
        return Response(record.response_body, status=record.response_status, headers={"Idempotent-Replayed": "true"})
    response = handler()
    record.response_status = response.status_code
    record.response_body = json.loads(json.dumps(response.data, cls=DjangoJSONEncoder))
    record.save(update_fields=["response_status", "response_body"])
    return response
