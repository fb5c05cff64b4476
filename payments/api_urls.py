from django.urls import path

from payments import api

urlpatterns = [
    path("payments/", api.PaymentApi.as_view(), name="api-payments"),
    path("receipt-blocks/", api.ReceiptBlockApi.as_view(), name="api-receipt-blocks"),
]
