"""The field clerk's pages (drives/field_views.py); the payment at a stop is in payments/urls.py."""

from django.urls import path

from drives import field_outbox_views, field_views

urlpatterns = [
    path("field/", field_views.field_stops, name="field-stops"),
    path("field/stops/<int:pk>/", field_views.field_stop, name="field-stop"),
    path("field/stops/<int:pk>/outcome/", field_views.field_stop_outcome, name="field-stop-outcome"),
    path("field/outbox/", field_outbox_views.field_outbox, name="field-outbox"),
    path("field/reconnections/", field_views.field_reconnections, name="field-reconnections"),
    path("field/reconnections/<int:pk>/done/", field_views.field_reconnection_done, name="field-reconnection-done"),
]
