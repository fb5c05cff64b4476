from django.urls import path

from arrears import api

urlpatterns = [
    path("consumers/", api.ConsumerListApi.as_view(), name="api-consumers"),
    path("consumers/<str:account_no>/", api.ConsumerDetailApi.as_view(), name="api-consumer"),
    path("consumers/<str:account_no>/ledger/", api.ConsumerLedgerApi.as_view(), name="api-consumer-ledger"),
    path("payments/", api.PaymentCreateApi.as_view(), name="api-payments"),
]
