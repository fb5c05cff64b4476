from django.urls import path

from reports import api as reports_api

urlpatterns = [
    path("reports/summary/", reports_api.SummaryApi.as_view(), name="api-reports-summary"),
]
