"""The field clerk's outbox page, /field/outbox/: a shell the field app fills from the phone's IndexedDB
(static/js/field/app.js), since the records it lists are on the phone until the server has them: those that need
the clerk's attention (the server's reason, and the actions that fit), those waiting to be sent, and the ones the
clerk deleted or handed over (kept 30 days on the phone)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.permissions import may_log_outcome, may_reconnect, may_take_payment


@require_GET
@login_required
def field_outbox(request):
    user = request.user
    if not (may_log_outcome(user) or may_take_payment(user) or may_reconnect(user)):
        raise PermissionDenied
    return render(request, "drives/field/outbox.html")
