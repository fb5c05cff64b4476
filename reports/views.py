from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from accounts.permissions import may_see_list_status, role_of
from defaulters.selectors import defaulter_status_for
from drives.field_views import stops_page

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
    if role_of(request.user) == Role.CLERK:
        # A clerk's day is the drive: the home page is today's stops in walking order.
        return stops_page(request, title=HOME_TITLES[Role.CLERK])
    context = {"home_title": HOME_TITLES.get(request.user.role, _("Home"))}
    if may_see_list_status(request.user):
        statuses = defaulter_status_for(request.user)
        context.update(defaulter_status=statuses, defaulter_warnings=sum(not s.ok for s in statuses))
    return render(request, "accounts/home.html", context)
