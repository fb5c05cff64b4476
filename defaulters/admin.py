"""Admin for the nightly defaulter lists: run history, the lists, and "build now".

Registered from ArrearsConfig.ready(). Access follows the role (RoleAccessMixin),
querysets start from the scoping selectors. A build asked for here goes to the
same Celery task as the nightly schedule, after the request commits.
"""

import logging
from collections.abc import Callable
from datetime import date
from decimal import Decimal

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.admin_access import RoleAccessMixin, count_column
from accounts.models import Division
from accounts.permissions import may_build_lists, may_build_lists_off_rule
from accounts.selectors import divisions_visible_to
from core.dates import india_today
from core.errors import DomainError
from core.money import format_inr
from core.outbox import task_queue_on_commit
from defaulters.models import DefaulterList, DefaulterRun, DefaulterTrigger
from defaulters.selectors import defaulter_lists_visible_to, defaulter_runs_visible_to
from defaulters.services import defaulter_build_check

logger = logging.getLogger(__name__)

BUILD_NOT_QUEUED = "could not start: the task queue is unavailable; build again later"


def defaulter_build_queue(*, user, as_of: date, threshold, division_codes: list[str],
                          report: Callable[[bool], None] | None = None) -> None:
    """Queues the build once the request's transaction has committed, then tells ``report`` whether it went.

    With the task queue down the build cannot start: each division's run is recorded failed, so the history
    says so, and the request still answers at once (settings: queueing gives up within a few seconds).
    """
    from django.utils import timezone

    from defaulters.models import DefaulterRunStatus
    from defaulters.services import defaulter_divisions, defaulter_threshold
    from defaulters.tasks import defaulter_lists_build_nightly_task

    def not_queued() -> None:
        # Redis refused or hung (core.outbox logged it): each division's run says the build did not start.
        DefaulterRun.objects.bulk_create(
            DefaulterRun(division=division, as_of=as_of, threshold=defaulter_threshold(threshold),
                         trigger=DefaulterTrigger.ADMIN, started_by=user, status=DefaulterRunStatus.FAILED,
                         finished_at=timezone.now(), error=BUILD_NOT_QUEUED)
            for division in defaulter_divisions(division_codes=division_codes, started_by=user))
        if report is not None:
            report(False)

    # In eager mode (development) the build runs in the publish; a division that failed says so on its run.
    task_queue_on_commit(
        defaulter_lists_build_nightly_task,
        kwargs={"as_of": as_of.isoformat(), "threshold": str(threshold) if threshold is not None else None,
                "division_codes": division_codes, "started_by_id": user.pk, "trigger": DefaulterTrigger.ADMIN},
        on_refused=not_queued, on_queued=(lambda: report(True)) if report is not None else None)


class DefaulterBuildForm(forms.Form):
    as_of = forms.DateField(label=_("As of"), initial=india_today, widget=forms.DateInput(attrs={"type": "date"}))
    threshold = forms.DecimalField(label=_("Threshold (₹)"), min_value=0, max_digits=14, decimal_places=2,
                                   initial=lambda: settings.DEFAULTER_THRESHOLD,
                                   help_text=_("Arrears strictly above this are listed."))
    divisions = forms.ModelMultipleChoiceField(label=_("Divisions"), queryset=Division.objects.none(),
                                               widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["divisions"].queryset = divisions_visible_to(user).order_by("code")
        self.fields["divisions"].initial = list(self.fields["divisions"].queryset)
        if not may_build_lists_off_rule(user):
            # The official list's day and threshold are the nightly rule's, not the officer's to choose.
            del self.fields["as_of"], self.fields["threshold"]
            self.fields["divisions"].help_text = _(
                "Rebuilds today's list at the official threshold of %(amount)s, as the night does. "
                "A list for another day or threshold is built by IT.") % {
                "amount": format_inr(settings.DEFAULTER_THRESHOLD)}

    def build_values(self, user) -> tuple[date, Decimal] | None:
        """The (day, threshold) to build, checked by the service's rule; None after adding its refusal."""
        try:
            return defaulter_build_check(user=user, as_of=self.cleaned_data.get("as_of"),
                                         threshold=self.cleaned_data.get("threshold"))
        except DomainError as exc:
            self.add_error(exc.field if exc.field in self.fields else None, capfirst(exc.detail))
            return None


@admin.register(DefaulterRun)
class DefaulterRunAdmin(RoleAccessMixin, admin.ModelAdmin):
    list_display = ["started_at", "division", "as_of", "status", "trigger", "started_by", "defaulters_count",
                    "total_arrears_inr", "threshold_inr", "duration", "finished_at"]
    list_filter = ["status", "trigger", ("division", admin.RelatedOnlyFieldListFilter), "as_of"]
    date_hierarchy = "started_at"
    list_select_related = ["division", "started_by"]
    readonly_fields = [f.name for f in DefaulterRun._meta.fields]
    change_list_template = "admin/defaulters/defaulterrun/change_list.html"

    defaulters_count = count_column("consumer_count", _("defaulters"))

    def get_queryset(self, request):
        return defaulter_runs_visible_to(request.user)

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("total arrears"), ordering="total_arrears")
    def total_arrears_inr(self, run):
        return format_inr(run.total_arrears) if run.total_arrears is not None else "—"

    @admin.display(description=_("threshold"), ordering="threshold")
    def threshold_inr(self, run):
        return format_inr(run.threshold)

    def get_urls(self):
        return [path("build/", self.admin_site.admin_view(self.build_view), name="defaulters_defaulterrun_build"),
                *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "may_build": may_build_lists(request.user)}
        return super().changelist_view(request, extra_context)

    def build_view(self, request):
        """Build lists now, for a chosen day, threshold and divisions."""
        if not (self.has_module_permission(request) and may_build_lists(request.user)):
            raise PermissionDenied
        form = DefaulterBuildForm(request.POST or None, user=request.user)
        if request.method == "POST" and form.is_valid() and (values := form.build_values(request.user)):
            as_of, threshold = values
            codes = [division.code for division in form.cleaned_data["divisions"]]

            def report(queued: bool) -> None:  # after the commit: whether the build went to a worker
                if queued:
                    self.message_user(request, _("Building the lists of %(divisions)s as of %(day)s above "
                                                 "%(amount)s; the runs below show the progress.")
                                      % {"divisions": ", ".join(codes), "day": as_of, "amount": format_inr(threshold)},
                                      messages.SUCCESS)
                else:
                    self.message_user(request, _("Could not start the build of %(divisions)s: the task queue is "
                                                 "unavailable. Its runs below are marked failed; build again later.")
                                      % {"divisions": ", ".join(codes)}, messages.ERROR)

            defaulter_build_queue(user=request.user, as_of=as_of, threshold=threshold, division_codes=codes,
                                  report=report)
            return redirect("admin:defaulters_defaulterrun_changelist")
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "form": form,
                   "title": _("Build defaulter lists now")}
        return TemplateResponse(request, "admin/defaulters/defaulterrun/build.html", context)


@admin.register(DefaulterList)
class DefaulterListAdmin(RoleAccessMixin, admin.ModelAdmin):
    list_display = ["as_of", "division", "defaulters_count", "total_arrears_inr", "threshold_inr", "built_at",
                    "web_page"]
    list_filter = [("division", admin.RelatedOnlyFieldListFilter), "as_of"]
    date_hierarchy = "as_of"
    list_select_related = ["division"]
    readonly_fields = [f.name for f in DefaulterList._meta.fields]
    actions = ["rebuild"]
    defaulters_count = count_column("consumer_count", _("defaulters"))

    def get_queryset(self, request):
        return defaulter_lists_visible_to(request.user)

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("total arrears"), ordering="total_arrears")
    def total_arrears_inr(self, defaulters):
        return format_inr(defaulters.total_arrears)

    @admin.display(description=_("threshold"), ordering="threshold")
    def threshold_inr(self, defaulters):
        return format_inr(defaulters.threshold)

    @admin.display(description=_("list"))
    def web_page(self, defaulters):
        return format_html('<a href="{}">{}</a>', reverse("defaulter-list", args=[defaulters.pk]),
                           pgettext_lazy("link", "open"))

    @admin.action(description=_("Rebuild the selected lists now (same day and threshold)"))
    def rebuild(self, request, queryset):
        if not may_build_lists(request.user):
            raise PermissionDenied
        queued, refused = 0, []
        for defaulters in queryset.select_related("division"):
            try:
                defaulter_build_check(user=request.user, as_of=defaulters.as_of, threshold=defaulters.threshold)
            except DomainError as exc:
                refused.append((defaulters, exc))
                continue
            defaulter_build_queue(user=request.user, as_of=defaulters.as_of, threshold=defaulters.threshold,
                                  division_codes=[defaulters.division.code])
            queued += 1
        if queued:
            self.message_user(request, _("Rebuilding %(count)d list(s).") % {"count": queued}, messages.SUCCESS)
        if refused:
            self.message_user(request, _("Not rebuilt: %(lists)s. %(reason)s") % {
                "lists": ", ".join(f"{d.division.code} {d.as_of}" for d, _exc in refused),
                "reason": capfirst(refused[0][1].detail)}, messages.ERROR)
