"""Admin of drives: notices, drives, stops, disconnections, reconnection orders, disputes, theft cases and field
handovers.

Read-only, scoped by division through the drives selectors: the pages, the API and the services write these
records (each through its rule); the admin is where an officer or IT looks one up and reads its history. A theft
case is also worked here (its assessment, FIR, closing), through the same services as its page.
"""

from functools import partial

from django.contrib import admin, messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from accounts.admin_access import (
    AdminFormViewMixin,
    ReadOnlyAdmin,
    RoleAccessMixin,
    ScopedHistoryMixin,
    money_column,
)
from accounts.permissions import may_work_theft_case
from core.errors import DomainError
from core.models import Source
from drives.models import (
    Disconnection,
    Dispute,
    DisputeDeposit,
    Drive,
    FieldHandover,
    Notice,
    ReconnectionOrder,
    Stop,
    TheftCase,
)
from drives.selectors import (
    disconnections_visible_to,
    disputes_visible_to,
    drives_visible_to,
    handovers_visible_to,
    notices_visible_to,
    reconnections_visible_to,
    stops_visible_to,
    theft_cases_visible_to,
)
from drives.theft import (
    theft_case_assess,
    theft_case_close,
    theft_case_fir_lodge,
    theft_case_inspection_record,
)
from drives.theft_forms import TheftAssessmentForm, TheftCloseForm, TheftFirForm, TheftInspectionForm


class ReadOnlyHistoryAdmin(RoleAccessMixin, ScopedHistoryMixin, SimpleHistoryAdmin):
    """A record whose status changes: shown with its history, never edited here."""

    def has_change_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def revert_disabled(self, request, obj=None):
        return True


def _account(obj) -> str:
    return obj.consumer.account_no


@admin.register(Notice)
class NoticeAdmin(ReadOnlyAdmin):
    """Read-only: a notice is recorded through drives.notices (the API, the officer's page), under its rules."""

    list_display = ["served_on", "consumer_account", "mode", "amount_demanded_inr", "time_barred_inr", "lawful_from",
                    "recorded_by", "proof_ref", "source"]
    list_filter = ["mode", "source", ("consumer__division", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["=consumer__account_no"]
    date_hierarchy = "served_on"
    list_select_related = ["consumer", "recorded_by"]

    amount_demanded_inr = money_column("amount_demanded", _("amount demanded"))
    time_barred_inr = money_column("time_barred_amount", _("first due over two years ago"))

    @admin.display(description=_("account no."), ordering="consumer__account_no")
    def consumer_account(self, obj):
        return _account(obj)

    @admin.display(description=_("disconnection lawful from"))
    def lawful_from(self, obj):
        return obj.lawful_from

    def get_queryset(self, request):
        return notices_visible_to(request.user)


class StopInline(RoleAccessMixin, admin.TabularInline):
    model = Stop
    fields = ["sequence", "clerk", "consumer", "locality", "arrears", "status", "outcome", "method", "outcome_at"]
    readonly_fields = fields
    ordering = ["clerk", "sequence"]
    extra = 0
    can_delete = False
    show_change_link = True

    def in_scope(self, request, obj):
        return True  # asked about the drive, which the drive admin's scoped queryset already found


@admin.register(Drive)
class DriveAdmin(ReadOnlyHistoryAdmin):
    list_display = ["date", "name", "division", "officer", "status", "max_stops", "min_arrears_inr", "closed_at"]
    list_filter = ["status", ("division", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name"]
    date_hierarchy = "date"
    list_select_related = ["division", "officer"]
    inlines = [StopInline]

    min_arrears_inr = money_column("min_arrears", _("minimum arrears"))

    def get_queryset(self, request):
        return drives_visible_to(request.user)


@admin.register(Stop)
class StopAdmin(ReadOnlyHistoryAdmin):
    list_display = ["drive", "sequence", "clerk", "consumer_account", "locality", "arrears_inr", "status", "outcome",
                    "method", "outcome_at", "paid_amount_inr"]
    list_filter = ["status", "outcome", "method", ("drive__division", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["=consumer__account_no", "locality"]
    list_select_related = ["drive", "clerk", "consumer"]

    arrears_inr = money_column("arrears", _("arrears when planned"))
    # Money taken at the stop: on an open stop, part-paid.
    paid_amount_inr = money_column("paid_amount", _("paid at the stop"))

    @admin.display(description=_("account no."), ordering="consumer__account_no")
    def consumer_account(self, obj):
        return _account(obj)

    def get_queryset(self, request):
        return stops_visible_to(request.user)

    exclude = ["photo"]  # shown as photo_link

    def get_readonly_fields(self, request, obj=None):
        # The photo as a link to where it is served (drives.photo_views), not its stored name.
        return ["photo_link" if name == "photo" else name for name in super().get_readonly_fields(request, obj)]

    @admin.display(description=_("photo"))
    def photo_link(self, obj):
        photo = getattr(obj, "photo", None)  # a history version has none: the photo is not in the history
        if not photo:
            return self.get_empty_value_display()
        return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', photo.url, _("Open the photo"))


@admin.register(Disconnection)
class DisconnectionAdmin(ReadOnlyAdmin):
    list_display = ["disconnected_at", "consumer_account", "method", "arrears_inr", "by", "source"]
    list_filter = ["method", "source", ("consumer__division", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["=consumer__account_no"]
    date_hierarchy = "disconnected_at"
    list_select_related = ["consumer", "by"]

    arrears_inr = money_column("arrears_at_disconnection", _("arrears when cut"))

    @admin.display(description=_("account no."), ordering="consumer__account_no")
    def consumer_account(self, obj):
        return _account(obj)

    def get_queryset(self, request):
        return disconnections_visible_to(request.user)


@admin.register(ReconnectionOrder)
class ReconnectionOrderAdmin(ReadOnlyHistoryAdmin):
    list_display = ["due_at", "consumer_account", "status", "minimum_inr", "paid_inr", "approved_by", "done_at",
                    "done_by"]
    list_filter = ["status", ("consumer__division", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["=consumer__account_no"]
    list_select_related = ["consumer", "approved_by", "done_by"]

    minimum_inr = money_column("minimum", _("reconnection minimum"))
    paid_inr = money_column("paid", _("paid since the cut"))

    @admin.display(description=_("account no."), ordering="consumer__account_no")
    def consumer_account(self, obj):
        return _account(obj)

    def get_queryset(self, request):
        return reconnections_visible_to(request.user)


class DisputeDepositInline(RoleAccessMixin, admin.TabularInline):
    """The payments counted as the dispute's deposit: shown, never added here (drives.disputes checks each is
    a payment of the consumer, not too old and not another dispute's)."""

    model = DisputeDeposit
    fields = ["ledger_entry", "amount", "added_by", "added_at", "source"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def in_scope(self, request, obj):
        return True  # asked about the dispute, which the dispute admin's scoped queryset already found


@admin.register(Dispute)
class DisputeAdmin(ReadOnlyHistoryAdmin):
    list_display = ["raised_on", "consumer_account", "status", "amount_disputed_inr", "deposit_inr",
                    "deposit_required_inr", "resolved_on"]
    list_filter = ["status", ("consumer__division", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["=consumer__account_no", "=deposit_receipt_no"]
    list_select_related = ["consumer"]
    inlines = [DisputeDepositInline]

    amount_disputed_inr = money_column("amount_disputed", _("amount disputed"))
    deposit_inr = money_column("deposit_amount", _("deposit under protest"))
    deposit_required_inr = money_column("deposit_required", _("deposit required"))

    @admin.display(description=_("account no."), ordering="consumer__account_no")
    def consumer_account(self, obj):
        return _account(obj)

    def get_queryset(self, request):
        return disputes_visible_to(request.user)


class TheftCaseWork:
    """A step of a theft case's work in the admin: its form (drives.theft_forms) and its service (drives.theft)."""

    def __init__(self, name: str, title, form_class, call):
        self.name, self.title, self.form_class, self.call = name, title, form_class, call


THEFT_WORK = [
    TheftCaseWork("inspection", _("Record the inspection"), TheftInspectionForm,
                  lambda user, case, d: theft_case_inspection_record(user=user, case=case, found=d["found"],
                                                                     meter_seal=d["meter_seal"], notes=d["notes"],
                                                                     source=Source.ADMIN)),
    TheftCaseWork("assessment", _("Assess and charge the ledger"), TheftAssessmentForm,
                  lambda user, case, d: theft_case_assess(user=user, case=case, amount=d["amount"],
                                                          section=d["section"], assessed_on=d["assessed_on"],
                                                          reference=d["reference"], source=Source.ADMIN)),
    TheftCaseWork("fir", _("Record the FIR"), TheftFirForm,
                  lambda user, case, d: theft_case_fir_lodge(user=user, case=case, fir_number=d["fir_number"],
                                                             police_station=d["police_station"],
                                                             lodged_on=d["lodged_on"], source=Source.ADMIN)),
    TheftCaseWork("close", _("Settle, or mark in court"), TheftCloseForm,
                  lambda user, case, d: theft_case_close(user=user, case=case, status=d["status"],
                                                         closed_on=d["closed_on"], note=d["note"],
                                                         source=Source.ADMIN)),
]


@admin.register(TheftCase)
class TheftCaseAdmin(AdminFormViewMixin, ReadOnlyHistoryAdmin):
    """Read as a record; worked (officers of the division and IT) through the same services as the case page:
    a page per step, linked from the case (``work``), each a form calling drives.theft."""

    list_display = ["opened_at", "consumer_account", "division", "status", "found", "assessment_inr", "fir_number",
                    "opened_by"]
    list_filter = ["status", "found", ("division", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["=consumer__account_no", "=fir_number", "=assessment_reference"]
    list_select_related = ["consumer", "division", "opened_by"]

    assessment_inr = money_column("assessment_amount", _("amount assessed"))

    @admin.display(description=_("account no."), ordering="consumer__account_no")
    def consumer_account(self, obj):
        return _account(obj)

    def get_queryset(self, request):
        return theft_cases_visible_to(request.user)

    def get_readonly_fields(self, request, obj=None):
        return ["work", *super().get_readonly_fields(request, obj)]

    @admin.display(description=_("work the case"))
    def work(self, obj):
        if getattr(obj, "pk", None) is None or not isinstance(obj, TheftCase):
            return self.get_empty_value_display()
        links = [(reverse(f"admin:drives_theftcase_{step.name}", args=[obj.pk]), step.title) for step in THEFT_WORK]
        links.append((reverse("theft-case", args=[obj.pk]), _("case page")))
        return format_html_join(" · ", '<a href="{}">{}</a>', links)

    def get_urls(self):
        urls = [path(f"<int:pk>/{step.name}/", self.admin_site.admin_view(partial(self.work_view, step=step)),
                     name=f"drives_theftcase_{step.name}") for step in THEFT_WORK]
        return [*urls, *super().get_urls()]

    def work_view(self, request, pk: int, *, step: TheftCaseWork):
        self._require(request, may_work_theft_case)
        case = get_object_or_404(theft_cases_visible_to(request.user), pk=pk)
        form = step.form_class(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                case = step.call(request.user, case, form.cleaned_data)
            except DomainError as exc:
                form.add_domain_error(exc)
            else:
                messages.success(request, _("Theft case of %(account_no)s: %(status)s.") % {
                    "account_no": case.consumer.account_no, "status": case.get_status_display()})
                return redirect(reverse("admin:drives_theftcase_change", args=[case.pk]))
        return self._render_form(request, form, f"{step.title} · {case.consumer.account_no}")


@admin.register(FieldHandover)
class FieldHandoverAdmin(ReadOnlyHistoryAdmin):
    """Read-only: a clerk hands a refused field record over through the API (drives.handovers); the officer
    resolves it on the handovers page."""

    list_display = ["created_at", "consumer_account", "kind", "status", "refusal_code", "by", "resolved_by"]
    list_filter = ["status", "kind", ("consumer__division", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["=consumer__account_no", "=refusal_code"]
    list_select_related = ["consumer", "by", "resolved_by"]

    @admin.display(description=_("account no."), ordering="consumer__account_no")
    def consumer_account(self, obj):
        return _account(obj)

    def get_queryset(self, request):
        return handovers_visible_to(request.user)
