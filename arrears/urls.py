from django.urls import path

import core.converters  # noqa: F401  registers <account_no:…>, 8 to 12 digits
from arrears import views

urlpatterns = [
    path("consumers/", views.consumer_list, name="consumer-list"),
    path("consumers/<account_no:account_no>/", views.consumer_detail, name="consumer-detail"),
    path("consumers/<account_no:account_no>/pay/", views.payment_take, name="payment-take"),
    path("payments/<int:pk>/receipt/", views.payment_receipt, name="payment-receipt"),
    path("imports/", views.import_job_list, name="import-job-list"),
    path("imports/upload/", views.import_upload, name="import-upload"),
    path("imports/<int:pk>/", views.import_job_detail, name="import-job-detail"),
    path("imports/<int:pk>/status.json", views.import_job_status, name="import-job-status"),
]
