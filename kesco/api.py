from django.http import JsonResponse
from django.views import defaults
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from core.errors import DomainError


def exception_handler(exc, context):
    """DRF's handler, plus business-rule refusals as 409 {code, detail, field}.

    ``detail`` stays the whole sentence ("amount: must be more than zero"), as clients that show it alone
    read it; ``field`` names the input for those that place the message, and is left out when there is none.
    """
    if isinstance(exc, DomainError):
        set_rollback()  # a refusal writes nothing, like any other error
        body = {"code": exc.code, "detail": str(exc)}
        if exc.field:
            body["field"] = exc.field
        return Response(body, status=status.HTTP_409_CONFLICT)
    return drf_exception_handler(exc, context)


def _is_api(request) -> bool:
    return request.path_info.startswith("/api/")


def bad_request(request, exception):
    """handler400 (a body over DATA_UPLOAD_MAX_MEMORY_SIZE, a bad Host…): JSON under /api/."""
    if _is_api(request):
        return JsonResponse({"detail": "Bad request."}, status=status.HTTP_400_BAD_REQUEST)
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
