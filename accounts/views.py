"""The language switch: Django's, and the choice remembered on the user."""

from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from accounts.services import user_language_set
from core.errors import DomainError


@require_POST
def language_switch(request):
    """Django's set_language (cookie, safe redirect), and for a logged-in user the choice kept on them."""
    response = set_language(request)
    if request.user.is_authenticated:
        try:
            user_language_set(user=request.user, language=request.POST.get("language", ""))
        except DomainError:
            pass  # an unknown language: set_language ignored it too
    return response
