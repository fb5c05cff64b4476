from django.urls import path

import core.converters  # noqa: F401  registers <account_no:…>, 8 to 12 digits
from settlements import views

# The settlements pages (settlements/views.py): the list, a settlement, its slip, a consumer's settlements and
# the schemes open to them (registering, an officer's plan or promise).
urlpatterns = [
    path("settlements/", views.settlement_list, name="settlement-list"),
    path("settlements/<int:pk>/", views.settlement_detail, name="settlement-detail"),
    path("settlements/<int:pk>/slip/", views.settlement_slip, name="settlement-slip"),
    path("settlements/consumer/<account_no:account_no>/", views.consumer_settlements, name="settlement-consumer"),
    path("settlements/consumer/<account_no:account_no>/register/", views.settlement_register_page,
         name="settlement-register"),
    path("settlements/consumer/<account_no:account_no>/plan/", views.plan_grant_page, name="settlement-plan"),
    path("settlements/consumer/<account_no:account_no>/promise/", views.promise_record_page,
         name="settlement-promise"),
]
