from django.urls import path

import core.converters  # noqa: F401  registers <account_no:…>, 8 to 12 digits
from payments import views

urlpatterns = [
    path("consumers/<account_no:account_no>/", views.consumer_detail, name="consumer-detail"),
    path("consumers/<account_no:account_no>/pay/", views.payment_take, name="payment-take"),
    path("payments/<int:pk>/receipt/", views.payment_receipt, name="payment-receipt"),
]

# The field clerk's money pages (payments/field_views.py).
from payments import field_views  # noqa: E402

urlpatterns += [
    path("field/stops/<int:stop>/pay/", field_views.field_pay, name="field-pay"),
    path("field/receipts/<int:pk>/", field_views.field_receipt, name="field-receipt"),
    path("field/collections/", field_views.field_collections, name="field-collections"),
]
