"""Django admin for division officers and IT.

Officers are staff but hold no Django model permissions: access follows the
role (RoleAccessMixin), and every queryset starts from the scoping selectors,
so another division's records cannot be reached by URL either. The ledger is
append-only: corrections go through adjustment_add, payments through
payment_record, never through a model form.
"""

from datetime import timedelta
from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from accounts.admin_access import (
    AdminFormViewMixin,
    ReadOnlyAdmin,
    RoleAccessMixin,
    ScopedHistoryMixin,
    count_column,
    money_column,
)
from accounts.permissions import may_adjust_ledger, user_may
from arrears.forms import AdjustmentForm
from arrears.models import Consumer, LedgerEntry, PositionCheck
from arrears.selectors import consumers_visible_to, ledger_visible_to
from arrears.services import adjustment_add
from core.errors import DomainError
from core.forms import plain_text
from core.models import Source
from core.money import format_inr

# What an officer may correct on a consumer; the billing import owns the rest,
# and balance, arrears and status change only through the ledger and drives.
OFFICER_EDITABLE_FIELDS = ("phone", "meter_no", "address", "is_protected")
ADMIN_EDITABLE_FIELDS = ("name", "category", "sanctioned_load_kw", *OFFICER_EDITABLE_FIELDS)
POSITION_FIELDS = ("balance", "arrears", "oldest_due_date")


class LedgerInline(RoleAccessMixin, admin.TabularInline):
    model = LedgerEntry
    fields = ["entry_date", "kind", "reference", "due_date", "debit_inr", "credit_inr", "source", "created_by"]
    readonly_fields = fields
    ordering = ["-entry_date", "-id"]
    extra = 0
    can_delete = False
    show_change_link = False
    verbose_name_plural = _("ledger (last two years; the full ledger is under Ledger entries)")

    debit_inr = money_column("debit", _("debit"))
    credit_inr = money_column("credit", _("credit"))

    def in_scope(self, request, obj) -> bool:
        # An inline is asked about its parent: the consumer, already found through ConsumerAdmin's scoped queryset.
        return True

    def get_queryset(self, request):
        # A long-standing consumer has hundreds of lines; the page shows recent ones.
        since = self._today() - timedelta(days=731)
        return ledger_visible_to(request.user).filter(entry_date__gte=since)

    @staticmethod
    def _today():
        from django.utils import timezone

        return timezone.localdate()


class ConsumerAdminForm(forms.ModelForm):
    """The editable text by core.text's rule, as the consumers import checks it: no control or format
    character (a U+202E would show the name reversed on every page and export); an address may span lines."""

    TEXT = {"name": True, "meter_no": True, "address": False}  # field: one line

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, one_line in self.TEXT.items():
            if name in self.fields:  # an officer's form lacks the name (read-only)
                self.fields[name].validators.append(plain_text(one_line=one_line))


@admin.register(Consumer)
class ConsumerAdmin(RoleAccessMixin, ScopedHistoryMixin, SimpleHistoryAdmin):
    change_action = "edit_consumer"
    form = ConsumerAdminForm
    # Arrears right after the name, so the figure users look for first stays on a laptop's screen;
    # the balance and the category group are on the consumer's own page and in the filters.
    # (Protected is a filter; the consumer's page says it.)
    list_display = ["account_no", "name", "arrears_inr", "oldest_due_date", "status", "category", "division"]
    # By group, not by code: seventeen rate schedules and six words would be a long list
    # where an officer asks for "the industrial consumers"; the code is in each row.
    list_filter = [("division", admin.RelatedOnlyFieldListFilter), "category_group", "status", "is_protected"]
    # account_no, phone and meter_no are matched exactly (indexed); the name by part.
    search_fields = ["=account_no", "name", "=phone", "=meter_no"]
    list_select_related = ["division"]
    ordering = ["-arrears", "account_no"]  # the biggest arrears first
    inlines = [LedgerInline]
    list_per_page = 50

    balance_inr = money_column("balance", _("balance"))
    arrears_inr = money_column("arrears", _("arrears"))

    def get_queryset(self, request):
        return consumers_visible_to(request.user)

    def get_fields(self, request, obj=None):
        return ["account_no", "name", "division", "address", "category", "category_group", "sanctioned_load_kw",
                "phone", "meter_no", "is_protected", "status", *POSITION_FIELDS, "ledger_actions"]

    def get_readonly_fields(self, request, obj=None):
        editable = (ADMIN_EDITABLE_FIELDS if user_may(request.user, "edit_consumer_billing_fields")
                    else OFFICER_EDITABLE_FIELDS)
        if not self.has_change_permission(request, obj):
            editable = ()
        return [f for f in self.get_fields(request, obj) if f not in editable]

    @admin.display(description=_("ledger"))
    def ledger_actions(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        query = urlencode({"consumer__account_no": obj.account_no})
        ledger = reverse("admin:arrears_ledgerentry_changelist") + f"?{query}"
        adjust = reverse("admin:arrears_ledgerentry_adjustment") + "?" + urlencode({"account_no": obj.account_no})
        page = reverse("consumer-detail", args=[obj.account_no])
        return format_html('<a href="{}">{}</a> · <a href="{}">{}</a> · <a href="{}">{}</a>',
                           ledger, _("full ledger"), adjust, _("add an adjustment"), page, _("consumer page"))

    def save_model(self, request, obj, form, change):
        if change:
            # Only the fields the form changed: a full save would write back the
            # balance and arrears read when the page opened, undoing a payment
            # taken since.
            fields = [f for f in form.changed_data if f in ADMIN_EDITABLE_FIELDS]
            if fields:
                obj.save(update_fields=[*fields, "updated_at"])
            return
        super().save_model(request, obj, form, change)

    def revert_disabled(self, request, obj=None):
        return True  # a history row lacks the cached balance; reverting would zero it

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied  # reverting is disabled (see revert_disabled)
        return super().history_form_view(request, object_id, version_id, extra_context)


@admin.register(LedgerEntry)
class LedgerEntryAdmin(AdminFormViewMixin, ReadOnlyAdmin):
    list_display = ["entry_date", "consumer_account", "kind", "reference", "amount_inr", "due_date", "source",
                    "created_by"]
    list_filter = ["kind", "source", ("consumer__division", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["=consumer__account_no", "=reference"]
    ordering = ["-entry_date", "-id"]
    change_list_template = "arrears/admin/ledgerentry_change_list.html"
    list_per_page = 100

    amount_inr = money_column("amount", _("amount"))

    @admin.display(description=_("account no."), ordering="consumer__account_no")
    def consumer_account(self, obj):
        return obj.consumer.account_no

    def get_queryset(self, request):
        return ledger_visible_to(request.user)

    def lookup_allowed(self, lookup, value, request=None):
        # The consumer page's "full ledger" link filters by account number; the queryset is
        # already the user's division, so the filter reaches nothing else.
        return lookup == "consumer__account_no" or super().lookup_allowed(lookup, value, request)

    def get_urls(self):
        view = self.admin_site.admin_view(self.adjustment_view)
        return [path("adjustment/", view, name="arrears_ledgerentry_adjustment"), *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "may_adjust": may_adjust_ledger(request.user)}
        return super().changelist_view(request, extra_context)

    def adjustment_view(self, request):
        """Corrects a ledger the only way it may be: a signed ADJUSTMENT entry."""
        self._require(request, may_adjust_ledger)
        initial = {"account_no": request.GET.get("account_no", "")}
        form = AdjustmentForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                entry = adjustment_add(user=request.user, account_no=data["account_no"], amount=data["amount"],
                                       entry_date=data["entry_date"], reference=data["reference"],
                                       source=Source.ADMIN)
            except Consumer.DoesNotExist:
                form.add_error("account_no", _("No consumer with this account number in your division."))
            except DomainError as exc:
                form.add_domain_error(exc)
            else:
                messages.success(request, _("Adjustment %(reference)s of %(amount)s added to %(account)s.") % {
                    "reference": entry.reference, "amount": format_inr(entry.amount),
                    "account": entry.consumer.account_no})
                return redirect(reverse("admin:arrears_consumer_change", args=[entry.consumer_id]))
        return self._render_form(request, form, _("Add a ledger adjustment"))


@admin.register(PositionCheck)
class PositionCheckAdmin(ReadOnlyAdmin):
    # The nightly proof spans every division: HQ and IT only.
    view_action = "admin_view_all_divisions"
    list_display = ["started_at", "finished_at", "consumers_checked_count", "mismatches_count", "source"]
    consumers_checked_count = count_column("consumers_checked", _("consumers checked"))
    mismatches_count = count_column("mismatches", _("mismatches"))
