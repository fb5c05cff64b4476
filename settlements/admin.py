"""Admin of settlements: schemes (IT enters them, the others read), registrations and plans, promises to pay.

A scheme is data IT keeps here or loads with ``import_schemes``: its phases, eligibility rules, terms and the
divisions' targets as inlines. Once a consumer has registered under it, its dates, phases, rules and terms are
read-only (a registration's terms must not change under it; schemes_load refuses it too): only the targets
may still be set. Settlements and promises are written by the services (the pages, the API) and read here,
scoped to the division, with their history; IT alone may reverse a completed settlement's waiver credit, with a
reason, through settlements.services.settlement_credit_reverse.
"""

from django import forms
from django.contrib import admin, messages
from django.db.models import Count
from django.forms.models import BaseInlineFormSet
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import DeletedObject
from simple_history.template_utils import HistoricalRecordContextHelper

from accounts.admin_access import AdminFormViewMixin, RoleAccessMixin, ScopedHistoryMixin, money_column
from accounts.permissions import may_reverse_settlement_credit, may_use_admin
from accounts.selectors import division_scope
from arrears.tariffs import CATEGORY_GROUPS
from core.errors import DomainError
from core.forms import DomainErrorForm, plain_text
from settlements.models import (
    Instalment,
    Promise,
    Scheme,
    SchemePhase,
    SchemeRule,
    SchemeTarget,
    SchemeTerm,
    Settlement,
    SettlementStatus,
)
from settlements.selectors import promises_visible_to, settlements_visible_to
from settlements.services import REASON_LENGTH, settlement_credit_reverse

MANAGE_SCHEMES = "manage_schemes"


class ReadableChanges(HistoricalRecordContextHelper):
    """A history's changes as the pages show them: a status by its label (in the reader's language), nothing as
    "—", not Python's None."""

    def prepare_delta_change_value(self, change, value):
        field = self.model._meta.get_field(change.field)
        if value is None or value == "" or (isinstance(value, DeletedObject) and value.pk is None):
            return "—"  # a link not yet made (simple_history calls it a deleted object with pk None)
        if field.choices:
            return dict(field.flatchoices).get(value, value)
        return super().prepare_delta_change_value(change, value)


class ReadableHistoryMixin:
    def get_historical_record_context_helper(self, request, historical_record):
        return ReadableChanges(self.model, historical_record)


def _in_use(scheme) -> bool:
    """Consumers have registered under it: its terms are fixed for them."""
    return scheme is not None and scheme.pk is not None and scheme.settlements.exists()


def _may_edit_terms(request, scheme) -> bool:
    return may_use_admin(request.user, MANAGE_SCHEMES) and not _in_use(scheme)


# --- schemes ------------------------------------------------------------------------------------------------------

class BoundsForm(forms.ModelForm):
    """A rule's or a term's bounds: the rate schedules as the billing system writes them (schemes_load's rule)."""

    def clean_categories(self):
        categories = self.cleaned_data.get("categories") or []
        if not isinstance(categories, list) or any(c not in CATEGORY_GROUPS for c in categories):
            raise forms.ValidationError(_("a list of rate schedules, e.g. [\"LMV-1\", \"LMV-2\"]"))
        return categories


class PhasesFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        scheme = self.instance
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if not data or data.get("DELETE") or not data.get("starts_on") or not data.get("ends_on"):
                continue
            if not (scheme.starts_on and scheme.ends_on
                    and scheme.starts_on <= data["starts_on"] <= data["ends_on"] <= scheme.ends_on):
                form.add_error(None, _("a phase lies within the scheme's dates"))


class SchemeTermsInline(RoleAccessMixin, admin.TabularInline):
    """Phases, rules and terms: IT edits them until someone registers under the scheme."""

    extra = 0

    def in_scope(self, request, obj):
        return True  # asked about the scheme, which every staff member may read

    def has_view_permission(self, request, obj=None):
        return may_use_admin(request.user)

    def has_change_permission(self, request, obj=None):
        return _may_edit_terms(request, obj)

    def has_add_permission(self, request, obj=None):
        return _may_edit_terms(request, obj)

    def has_delete_permission(self, request, obj=None):
        return _may_edit_terms(request, obj)


class SchemePhaseInline(SchemeTermsInline):
    model = SchemePhase
    formset = PhasesFormSet
    fields = ["number", "starts_on", "ends_on"]


class SchemeRuleInline(SchemeTermsInline):
    model = SchemeRule
    form = BoundsForm
    fields = ["categories", "load_min_kw", "load_max_kw", "principal_min", "principal_max", "connection"]


class SchemeTermInline(SchemeTermsInline):
    model = SchemeTerm
    form = BoundsForm
    fields = ["phase", "plan", "position", "surcharge_waiver_pct", "principal_rebate_pct", "instalments",
              "instalment_amount", "deposit_pct", "deposit_fixed", "categories", "load_min_kw", "load_max_kw",
              "principal_min", "principal_max", "connection"]

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        phase = formset.form.base_fields.get("phase")
        if phase is not None:
            # This scheme's phases only (saved ones: save the phases first, then the terms that name them).
            phase.queryset = obj.phases.all() if obj is not None and obj.pk else SchemePhase.objects.none()
        return formset


class SchemeTargetInline(SchemeTermsInline):
    """A division's target under the scheme: an officer sees their division's; IT sets any, even once people
    have registered (a target is no term of anyone's registration)."""

    model = SchemeTarget
    fields = ["division", "registrations", "amount"]

    def get_queryset(self, request):
        return division_scope(super().get_queryset(request).select_related("division"), request.user)

    def has_change_permission(self, request, obj=None):
        return may_use_admin(request.user, MANAGE_SCHEMES)

    def has_add_permission(self, request, obj=None):
        return may_use_admin(request.user, MANAGE_SCHEMES)

    def has_delete_permission(self, request, obj=None):
        return may_use_admin(request.user, MANAGE_SCHEMES)


@admin.register(Scheme)
class SchemeAdmin(ReadableHistoryMixin, RoleAccessMixin, ScopedHistoryMixin, SimpleHistoryAdmin):
    change_action = MANAGE_SCHEMES
    list_display = ["code", "name_en", "starts_on", "ends_on", "dues_cutoff", "is_active", "registrations"]
    list_filter = ["is_active"]
    search_fields = ["code", "name_en", "name_hi"]
    date_hierarchy = "starts_on"
    inlines = [SchemePhaseInline, SchemeRuleInline, SchemeTermInline, SchemeTargetInline]
    fields = ["code", "name_en", "name_hi", "starts_on", "ends_on", "dues_cutoff", "instalment_months",
              "lump_sum_days", "is_active"]

    def get_queryset(self, request):
        return Scheme.objects.annotate(registration_count=Count("settlements"))

    @admin.display(description=_("registrations"), ordering="registration_count")
    def registrations(self, obj):
        return obj.registration_count

    def has_add_permission(self, request, obj=None):
        return may_use_admin(request.user, MANAGE_SCHEMES)

    def has_delete_permission(self, request, obj=None):
        return may_use_admin(request.user, MANAGE_SCHEMES) and not _in_use(obj)

    def get_readonly_fields(self, request, obj=None):
        if _in_use(obj):
            return list(self.fields)
        return []

    def revert_disabled(self, request, obj=None):
        return True  # a revert would bring back old terms without their phases and rules


# --- settlements and promises -----------------------------------------------------------------------------------

class ReadOnlyHistoryAdmin(ReadableHistoryMixin, RoleAccessMixin, ScopedHistoryMixin, SimpleHistoryAdmin):
    """A record whose status changes: shown with its history, never edited here."""

    def has_change_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def revert_disabled(self, request, obj=None):
        return True


class InstalmentInline(RoleAccessMixin, admin.TabularInline):
    model = Instalment
    fields = ["number", "due_on", "amount", "paid", "paid_on"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def in_scope(self, request, obj):
        return True  # asked about the settlement, which the settlement admin's scoped queryset already found


class ReverseCreditForm(DomainErrorForm):
    reason = forms.CharField(label=_("reason"), max_length=REASON_LENGTH, widget=forms.Textarea(attrs={"rows": 3}),
                             validators=[plain_text(one_line=False)],
                             help_text=_("why the waiver and rebate are taken back: kept on the ledger's history "
                                         "and the settlement's"))


@admin.register(Settlement)
class SettlementAdmin(AdminFormViewMixin, ReadOnlyHistoryAdmin):
    list_display = ["reference", "consumer_account", "division", "kind", "scheme", "plan", "status", "payable_inr",
                    "paid_inr", "registered_at", "registered_by"]
    list_filter = ["status", "kind", "plan", "scheme", ("division", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["=reference", "=consumer__account_no", "=deposit_receipt_no"]
    date_hierarchy = "registered_at"
    list_select_related = ["consumer", "division", "scheme", "registered_by"]
    inlines = [InstalmentInline]

    payable_inr = money_column("payable", _("to pay"))
    paid_inr = money_column("paid", _("paid towards it"))

    @admin.display(description=_("account no."), ordering="consumer__account_no")
    def consumer_account(self, obj):
        return obj.consumer.account_no

    def get_queryset(self, request):
        return settlements_visible_to(request.user)

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if may_reverse_settlement_credit(request.user):
            return ["reverse_credit", *fields]
        return fields

    @admin.display(description=_("waiver credit"))
    def reverse_credit(self, obj):
        if not isinstance(obj, Settlement) or obj.status != SettlementStatus.COMPLETED or not obj.credit_entry_id:
            return self.get_empty_value_display()
        return format_html('<a class="button" href="{}">{}</a>',
                           reverse("admin:settlements_settlement_reverse_credit", args=[obj.pk]),
                           _("Reverse the waiver credit"))

    def get_urls(self):
        return [path("<int:pk>/reverse-credit/", self.admin_site.admin_view(self.reverse_credit_view),
                     name="settlements_settlement_reverse_credit"), *super().get_urls()]

    def reverse_credit_view(self, request, pk: int):
        self._require(request, may_reverse_settlement_credit)
        settlement = get_object_or_404(settlements_visible_to(request.user), pk=pk)
        form = ReverseCreditForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                settlement = settlement_credit_reverse(user=request.user, settlement=settlement,
                                                       reason=form.cleaned_data["reason"])
            except DomainError as exc:
                form.add_domain_error(exc)
            else:
                messages.success(request, _("The waiver credit of %(reference)s is reversed; the settlement is "
                                            "cancelled.") % {"reference": settlement.reference})
                return redirect(reverse("admin:settlements_settlement_change", args=[settlement.pk]))
        return self._render_form(request, form, f"{_('Reverse the waiver credit')} · {settlement.reference}")


@admin.register(Promise)
class PromiseAdmin(ReadOnlyHistoryAdmin):
    list_display = ["due_on", "consumer_account", "division", "amount_inr", "status", "paid_inr", "created_by",
                    "created_at"]
    list_filter = ["status", ("division", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["=consumer__account_no"]
    date_hierarchy = "due_on"
    list_select_related = ["consumer", "division", "created_by"]

    amount_inr = money_column("amount", _("amount"))
    paid_inr = money_column("paid", _("paid since"))

    @admin.display(description=_("account no."), ordering="consumer__account_no")
    def consumer_account(self, obj):
        return obj.consumer.account_no

    def get_queryset(self, request):
        return promises_visible_to(request.user)
