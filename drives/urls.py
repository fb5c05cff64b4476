"""The division officer's drive pages (drives.views); the clerk's are in drives/field_urls.py. Stop photos at
their MEDIA_URL address (drives.photo_views)."""

from django.conf import settings
from django.urls import path

from drives import handover_views, photo_views, reconnection_views, theft_views, views

urlpatterns = [
    path("drives/", views.drive_list, name="drive-list"),
    path("drives/plan/", views.drive_plan_page, name="drive-plan"),
    path("drives/<int:pk>/", views.drive_detail, name="drive-detail"),
    path("drives/<int:pk>/progress.json", views.drive_progress_json, name="drive-progress"),
    path("drives/<int:pk>/start/", views.drive_start_page, name="drive-start"),
    path("drives/<int:pk>/close/", views.drive_close_page, name="drive-close"),
    path("drives/<int:pk>/notices/", views.drive_notices, name="drive-notices"),
    path("drives/<int:pk>/letters/", views.drive_letters, name="drive-letters"),
    path("drives/<int:pk>/sheet/", views.drive_stop_sheet, name="drive-stop-sheet"),
    path("reconnections/", reconnection_views.reconnections_page, name="reconnections"),
    path("reconnections/overdue/", reconnection_views.reconnections_overdue, name="reconnections-overdue"),
    path("reconnections/approve/", reconnection_views.reconnection_approve_page, name="reconnection-approve"),
    path("disputes/", views.dispute_list, name="dispute-list"),
    path("disputes/<int:pk>/deposits/", views.dispute_deposit_page, name="dispute-deposits"),
    path("disputes/<int:pk>/resolve/", views.dispute_resolve_page, name="dispute-resolve"),
    path("handovers/", handover_views.handover_list, name="handover-list"),
    path("handovers/<int:pk>/resolve/", handover_views.handover_resolve_page, name="handover-resolve"),
    path("theft-cases/", theft_views.theft_case_list, name="theft-cases"),
    path("theft-cases/<int:pk>/", theft_views.theft_case_detail, name="theft-case"),
    path("theft-cases/<int:pk>/inspection/", theft_views.theft_case_inspection_page, name="theft-case-inspection"),
    path("theft-cases/<int:pk>/assessment/", theft_views.theft_case_assessment_page, name="theft-case-assessment"),
    path("theft-cases/<int:pk>/fir/", theft_views.theft_case_fir_page, name="theft-case-fir"),
    path("theft-cases/<int:pk>/close/", theft_views.theft_case_close_page, name="theft-case-close"),
    # Where Stop.photo's url points (upload_to "stops/…"): the only media served, after the division check.
    path(f"{settings.MEDIA_URL.lstrip('/')}stops/<path:name>", photo_views.stop_photo, name="stop-photo"),
]
