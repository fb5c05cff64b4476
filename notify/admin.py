from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from accounts.admin_access import ReadOnlyAdmin
from notify.models import Message
from notify.selectors import messages_visible_to


@admin.register(Message)
class MessageAdmin(ReadOnlyAdmin):
    """Read-only: messages are written by the services that send them, their status by the gateway's receipts.
    The texts as sent are here; the templates themselves are notify/texts.py."""

    list_display = ["created_at", "consumer_account", "phone", "channel", "template", "belongs_to_kind",
                    "belongs_to_id", "status", "sent_at", "delivered_at", "attempts"]
    list_filter = ["status", "channel", "template", "belongs_to_kind"]
    search_fields = ["=consumer__account_no", "=phone", "=gateway_message_id"]
    date_hierarchy = "created_at"
    list_select_related = ["consumer"]

    @admin.display(description=_("account no."), ordering="consumer__account_no")
    def consumer_account(self, obj):
        return obj.consumer.account_no

    def get_readonly_fields(self, request, obj=None):
        # The variables are the text's parts (shown whole in `text`), keyed by the template's English names.
        return [f.name for f in self.model._meta.fields if f.name != "variables"]

    def get_fields(self, request, obj=None):
        return self.get_readonly_fields(request, obj)

    def get_queryset(self, request):
        return messages_visible_to(request.user)
