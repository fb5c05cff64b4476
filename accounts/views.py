from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from accounts.models import Role

# Each role lands on its own page: a clerk on today's work, an officer on the
# division dashboard, HQ on the summary. Later issues fill these pages in.
HOME_TITLES = {
    Role.CLERK: _("Today's work"),
    Role.OFFICER: _("Division dashboard"),
    Role.MD: _("Division summary"),
    Role.ADMIN: _("Administration"),
}


@login_required
def home(request):
    return render(request, "accounts/home.html", {"home_title": HOME_TITLES.get(request.user.role, _("Home"))})
