"""Admin of payments: the list, a payment's page, and money at the counter."""

from django.contrib import admin
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext_lazy as _

from accounts.admin_access import AdminFormViewMixin, ReadOnlyAdmin, money_column
from accounts.permissions import may_take_payment
from arrears.models import Consumer
from core.errors import DomainError
from core.models import Source
from payments.forms import AdminPaymentForm
from payments.models import Payment, ReceiptNumber
from payments.selectors import payments_visible_to, receipt_numbers_visible_to
from payments.services import payment_record, receipt_no_propose


@admin.register(Payment)
class PaymentAdmin(AdminFormViewMixin, ReadOnlyAdmin):
    list_display = ["paid_at", "receipt_no", "consumer_account", "amount_inr", "mode", "instrument_no", "bank",
                    "taken_by", "source"]
    list_filter = ["mode", "source", ("consumer__division", admin.RelatedOnlyFieldListFilter)]
    # A cheque, DD or UPI reference is how the bank's statement names a payment: searchable too.
    search_fields = ["=receipt_no", "=consumer__account_no", "=instrument_no"]
    date_hierarchy = "paid_at"
    change_list_template = "payments/admin/payment_change_list.html"

    amount_inr = money_column("amount", _("amount"))

    @admin.display(description=_("account no."), ordering="consumer__account_no")
    def consumer_account(self, obj):
        return obj.consumer.account_no

    def get_queryset(self, request):
        return payments_visible_to(request.user)

    def get_urls(self):
        view = self.admin_site.admin_view(self.take_view)
        return [path("take/", view, name="payments_payment_take"), *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "may_take": may_take_payment(request.user)}
        return super().changelist_view(request, extra_context)

    def take_view(self, request):
        """Money at the counter: the same payment_record as the web page and the API."""
        self._require(request, may_take_payment)
        initial = {"account_no": request.GET.get("account_no", "")}
        if request.method != "POST" and request.user.division is not None:
            # An officer's counter: a number of the division's series reserved to them (IT belongs to none).
            initial["receipt_no"] = receipt_no_propose(user=request.user, division=request.user.division)
        form = AdminPaymentForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                payment = payment_record(user=request.user, account_no=data["account_no"], amount=data["amount"],
                                         mode=data["mode"], receipt_no=data["receipt_no"], paid_at=data["paid_at"],
                                         backdate_reason=data["backdate_reason"],
                                         instrument_no=data["instrument_no"], bank=data["bank"], source=Source.ADMIN)
            except Consumer.DoesNotExist:
                form.add_error("account_no", _("No consumer with this account number in your division."))
            except DomainError as exc:
                form.add_domain_error(exc)
            else:
                return redirect("payment-receipt", pk=payment.pk)
        return self._render_form(request, form, _("Take a payment"))


@admin.register(ReceiptNumber)
class ReceiptNumberAdmin(ReadOnlyAdmin):
    """Receipt numbers reserved to clerks (the field app's blocks) and to pay pages: who holds which, and which
    payment used it. Read-only: the numbers are reserved by POST receipt-blocks/ and the pay pages."""

    list_display = ["number", "reserved_by", "reserved_at", "source", "payment", "division"]
    list_filter = ["source", ("payment", admin.EmptyFieldListFilter), ("division", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["=number", "reserved_by__username"]
    date_hierarchy = "reserved_at"

    def get_queryset(self, request):
        return receipt_numbers_visible_to(request.user)
