"""The field clerk's pages (drives/field_views.py, the offline parts drives/field_pwa.py); the payment at a stop is
in payments/urls.py."""

from django.urls import path

from drives import field_outbox_views, field_pwa, field_views

urlpatterns = [
    path("field/", field_views.field_stops, name="field-stops"),
    path("field/stops/<int:pk>/", field_views.field_stop, name="field-stop"),
    path("field/stops/<int:pk>/outcome/", field_views.field_stop_outcome, name="field-stop-outcome"),
    path("field/outbox/", field_outbox_views.field_outbox, name="field-outbox"),
    path("field/reconnections/", field_views.field_reconnections, name="field-reconnections"),
    path("field/reconnections/<int:pk>/done/", field_views.field_reconnection_done, name="field-reconnection-done"),
    # The offline field app (drives/field_pwa.py); its service worker is at the site's root (kesco/urls.py).
    path("field/manifest.webmanifest", field_pwa.manifest, name="field-manifest"),
    path("field/receipts/pending/", field_pwa.pending_receipt, name="field-pending-receipt"),
    path("field/offline/", field_pwa.offline, name="field-offline"),
]
