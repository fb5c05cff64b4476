from django.urls import path

import core.converters  # noqa: F401  registers <account_no:…>, 8 to 12 digits
from recovery import views

# The officer's recovery pages (recovery/views.py): the permanently disconnected, a consumer's notices and
# certificates, the certificates, one certificate, and the two letters to print.
urlpatterns = [
    path("recovery/", views.pd_list, name="recovery-pd-list"),
    path("recovery/consumer/<account_no:account_no>/", views.recovery_consumer, name="recovery-consumer"),
    path("recovery/consumer/<account_no:account_no>/form-i/", views.demand_notice_issue_page,
         name="recovery-form-i-issue"),
    path("recovery/consumer/<account_no:account_no>/rc/", views.rc_raise_page, name="recovery-rc-raise"),
    path("recovery/form-i/<int:pk>/", views.demand_notice_letter, name="recovery-form-i"),
    path("recovery/rc/", views.rc_list, name="recovery-rc-list"),
    path("recovery/rc/<int:pk>/", views.rc_detail, name="recovery-rc-detail"),
    path("recovery/rc/<int:pk>/status/", views.rc_status_page, name="recovery-rc-status"),
    path("recovery/rc/<int:pk>/letter/", views.rc_letter, name="recovery-rc-letter"),
]
