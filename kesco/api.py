from django.http import JsonResponse
from django.views import defaults
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from core.errors import DomainError


def whole_request_error(message: str) -> dict:
    """The one shape of every 400 (core.api_docs.FieldErrors) for bad input that is no one field's."""
    return {api_settings.NON_FIELD_ERRORS_KEY: [message]}


def exception_handler(exc, context):
    """DRF's handler, plus business-rule refusals as 409 {code, detail, field}.

    ``detail`` stays the whole sentence ("amount: must be more than zero"), as clients that show it alone
    read it; ``field`` names the input for those that place the message, and is left out when there is none.
    Every 400 has one shape, the field errors' (`{"amount": ["…"]}`): DRF's other 400s (a body that is not
    JSON, nested too deeply) say `{"detail": "…"}`, so theirs moves under `non_field_errors`.
    """
    if isinstance(exc, DomainError):
        set_rollback()  # a refusal writes nothing, like any other error
        body = {"code": exc.code, "detail": str(exc)}
        if exc.field:
            body["field"] = exc.field
        return Response(body, status=status.HTTP_409_CONFLICT)
    response = drf_exception_handler(exc, context)
    if (response is not None and response.status_code == 400 and not isinstance(exc, ValidationError)
            and isinstance(response.data, dict) and set(response.data) == {"detail"}):
        response.data = whole_request_error(response.data["detail"])
    return response


def _is_api(request) -> bool:
    return request.path_info.startswith("/api/")


def bad_request(request, exception):
    """handler400 (a body over DATA_UPLOAD_MAX_MEMORY_SIZE, a bad Host…): JSON under /api/, in the 400s' shape."""
    if _is_api(request):
        return JsonResponse(whole_request_error("Bad request."), status=status.HTTP_400_BAD_REQUEST)
    return defaults.bad_request(request, exception)


def permission_denied(request, exception):
    """handler403: JSON under /api/, the site's page (templates/403.html) elsewhere."""
    if _is_api(request):
        return JsonResponse({"detail": "You do not have permission to perform this action."},
                            status=status.HTTP_403_FORBIDDEN)
    return defaults.permission_denied(request, exception)


def not_found(request, exception):
    """handler404: JSON under /api/ (an unknown path is not a page), the site's page (404.html) elsewhere."""
    if _is_api(request):
        return JsonResponse({"detail": "Not found."}, status=status.HTTP_404_NOT_FOUND)
    return defaults.page_not_found(request, exception)


def server_error(request):
    """handler500: JSON under /api/, the site's page elsewhere. Says nothing about the error.

    500.html is rendered without a request or context (the failure may be the database), so it stands alone.
    """
    if _is_api(request):
        return JsonResponse({"detail": "Server error."}, status=status.HTTP_500_INTERNAL_SERVER_ERROR)
    return defaults.server_error(request)
