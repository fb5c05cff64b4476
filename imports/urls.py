from django.urls import path

from imports import views

urlpatterns = [
    path("imports/", views.import_job_list, name="import-job-list"),
    path("imports/upload/", views.import_upload, name="import-upload"),
    path("imports/<int:pk>/", views.import_job_detail, name="import-job-detail"),
    path("imports/<int:pk>/status.json", views.import_job_status, name="import-job-status"),
]
