from django.urls import path

import core.converters  # noqa: F401  registers <account_no:…>, 8 to 12 digits
from arrears import api

urlpatterns = [
    path("consumers/", api.ConsumerListApi.as_view(), name="api-consumers"),
    path("consumers/<account_no:account_no>/", api.ConsumerDetailApi.as_view(), name="api-consumer"),
    path("consumers/<account_no:account_no>/ledger/", api.ConsumerLedgerApi.as_view(), name="api-consumer-ledger"),
]
