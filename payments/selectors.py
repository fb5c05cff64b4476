"""Reads of payments, always for the user who asks."""

from django.db.models import QuerySet

from accounts.models import User
from accounts.selectors import division_scope
from payments.models import Payment


def payments_visible_to(user: User) -> QuerySet[Payment]:
    return division_scope(Payment.objects.select_related("consumer", "taken_by"), user,
                          field="consumer__division")
