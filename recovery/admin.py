"""Admin of recovery: permanent disconnections, Form I demand notices and recovery certificates, read here scoped to
the division with their history. They are written by recovery.services only (the night's task, the pages, the API):
a legal record and money are not edited in the admin."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from accounts.admin_access import ReadOnlyAdmin, RoleAccessMixin, ScopedHistoryMixin, money_column
from accounts.selectors import division_scope
from recovery.models import DemandNotice, PermanentDisconnection, RecoveryCertificate
from recovery.selectors import demand_notices_visible_to, rcs_visible_to


class ReadOnlyHistoryAdmin(RoleAccessMixin, ScopedHistoryMixin, SimpleHistoryAdmin):
    """A record whose status changes: shown with its history, never edited here."""

    def has_change_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]


class AccountColumn:
    @admin.display(description=_("account no."), ordering="consumer__account_no")
    def consumer_account(self, obj):
        return obj.consumer.account_no


@admin.register(PermanentDisconnection)
class PermanentDisconnectionAdmin(AccountColumn, ReadOnlyHistoryAdmin):
    list_display = ["consumer_account", "division", "disconnected_at", "marked_on", "ended_on"]
    list_filter = [("division", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["=consumer__account_no"]
    list_select_related = ["consumer", "division"]

    def get_queryset(self, request):
        return division_scope(PermanentDisconnection.objects.select_related("consumer", "division"), request.user)


@admin.register(DemandNotice)
class DemandNoticeAdmin(AccountColumn, ReadOnlyAdmin):
    list_display = ["reference", "consumer_account", "division", "served_on", "service_mode", "amount_inr",
                    "issued_by"]
    list_filter = ["service_mode", ("division", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["=reference", "=consumer__account_no"]
    date_hierarchy = "served_on"
    amount_inr = money_column("amount", _("amount demanded"))

    def get_queryset(self, request):
        return demand_notices_visible_to(request.user)


@admin.register(RecoveryCertificate)
class RecoveryCertificateAdmin(AccountColumn, ReadOnlyHistoryAdmin):
    list_display = ["reference", "consumer_account", "division", "status", "sent_on", "amount_inr",
                    "recovered_inr", "closed_on"]
    list_filter = ["status", ("division", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["=reference", "=consumer__account_no"]
    date_hierarchy = "sent_on"
    amount_inr = money_column("amount", _("dues certified"))
    recovered_inr = money_column("amount_recovered", _("amount recovered"))

    def get_queryset(self, request):
        return rcs_visible_to(request.user)
