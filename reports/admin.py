"""Admin of revenue targets: an officer sets their division's, IT any division's, HQ reads them.

Every save goes through target_set (reports.targets), as targets.csv does through targets_import, so a
target says who set it, when and through what, and keeps its history. Nobody deletes one: a wrong
target is corrected, and the summary's past figures stay explainable.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from accounts.admin_access import RoleAccessMixin, ScopedHistoryMixin, money_column
from accounts.permissions import may_use_admin
from accounts.selectors import divisions_visible_to
from core.forms import MoneyField
from core.models import Source
from reports.models import Target
from reports.targets import FIRST_MONTH, LAST_MONTH, target_set, targets_visible_to


class TargetForm(forms.ModelForm):
    """A new target's division, month (YYYY-MM) and amount; an existing one's amount only."""

    class Meta:
        model = Target
        fields = ["division", "month", "amount"]
        field_classes = {"amount": MoneyField}  # the one grammar for money: "1e3" is no target

    def clean_month(self):
        month = self.cleaned_data["month"].replace(day=1)
        if not FIRST_MONTH <= month <= LAST_MONTH:
            raise forms.ValidationError(_("Give a month from %(first)s to %(last)s."),
                                        params={"first": f"{FIRST_MONTH:%Y-%m}", "last": f"{LAST_MONTH:%Y-%m}"})
        return month

    def clean_amount(self):
        amount = self.cleaned_data["amount"]
        if amount is not None and amount < 0:
            raise forms.ValidationError(_("A target is not negative."))
        return amount


@admin.register(Target)
class TargetAdmin(RoleAccessMixin, ScopedHistoryMixin, SimpleHistoryAdmin):
    change_action = "set_targets"
    form = TargetForm
    list_display = ["division", "month_name", "amount_inr", "updated_by", "source", "updated_at"]
    list_filter = [("division", admin.RelatedOnlyFieldListFilter), "source"]
    date_hierarchy = "month"
    list_select_related = ["division", "updated_by"]
    ordering = ["division__code", "-month"]

    amount_inr = money_column("amount", _("revenue target"))

    @admin.display(description=_("month"), ordering="month")
    def month_name(self, obj):
        return date_format(obj.month, "YEAR_MONTH_FORMAT")

    def get_queryset(self, request):
        return targets_visible_to(request.user)

    def has_add_permission(self, request, obj=None):
        return may_use_admin(request.user, self.change_action)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["division", "month", "amount"]
        # A target's division and month are what it is; a different month is another target.
        return ["division", "month_name", "amount", "updated_by", "updated_at", "source"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        editable = ["amount"] if self.has_change_permission(request, obj) else []
        return [f for f in self.get_fields(request, obj) if f not in editable]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "month":
            # A month, as targets.csv writes it: the browser's month picker, or typed.
            return forms.DateField(
                label=db_field.verbose_name, input_formats=["%Y-%m", "%Y-%m-%d"], help_text=_("YYYY-MM, e.g. 2026-04"),
                widget=forms.DateInput(format="%Y-%m", attrs={"type": "month", "placeholder": "YYYY-MM"}))
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "division":
            # An officer's own division only: another's is no choice, not a refusal after the fact.
            kwargs["queryset"] = divisions_visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        if request.user.division_id and not request.user.sees_all_divisions:
            initial.setdefault("division", request.user.division_id)
        return initial

    def save_model(self, request, obj, form, change):
        """Through target_set: attributable, locked, and the same rules as targets.csv."""
        saved = target_set(user=request.user, division=obj.division, month=obj.month, amount=obj.amount,
                           source=Source.ADMIN)
        obj.pk, obj.updated_by, obj.updated_at, obj.source = saved.pk, saved.updated_by, saved.updated_at, saved.source

    def revert_disabled(self, request, obj=None):
        return True  # a revert would write past target_set

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied  # reverting is disabled (see revert_disabled)
        return super().history_form_view(request, object_id, version_id, extra_context)
