from django.urls import path

import core.converters  # noqa: F401  registers <account_no:…>, 8 to 12 digits
from payments import views

urlpatterns = [
    path("consumers/<account_no:account_no>/", views.consumer_detail, name="consumer-detail"),
    path("consumers/<account_no:account_no>/pay/", views.payment_take, name="payment-take"),
    path("payments/<int:pk>/receipt/", views.payment_receipt, name="payment-receipt"),
]
