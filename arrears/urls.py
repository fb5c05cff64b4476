from django.urls import path

import core.converters  # noqa: F401  registers <account_no:…>, 8 to 12 digits
from arrears import views

urlpatterns = [
    path("consumers/", views.consumer_list, name="consumer-list"),
]
