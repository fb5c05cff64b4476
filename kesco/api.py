from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from kesco.errors import DomainError


def exception_handler(exc, context):
    """DRF's handler, plus business-rule refusals as 409 {code, detail}."""
    if isinstance(exc, DomainError):
        set_rollback()  # a refusal writes nothing, like any other error
        return Response({"code": exc.code, "detail": exc.detail}, status=status.HTTP_409_CONFLICT)
    return drf_exception_handler(exc, context)
