from django.urls import path

from drives.api import disputes, drives, handovers, notices, reconnections, stops, theft

urlpatterns = [
    path("notices/", notices.NoticeListCreateApi.as_view(), name="api-notices"),
    path("drives/", drives.DriveListCreateApi.as_view(), name="api-drives"),
    path("drives/<int:pk>/", drives.DriveDetailApi.as_view(), name="api-drive"),
    path("drives/<int:pk>/stops/", stops.StopListApi.as_view(), name="api-drive-stops"),
    path("drives/<int:pk>/stops/<int:stop_id>/outcome/", stops.StopOutcomeApi.as_view(), name="api-stop-outcome"),
    path("reconnections/", reconnections.ReconnectionListApi.as_view(), name="api-reconnections"),
    path("reconnections/<int:pk>/done/", reconnections.ReconnectionDoneApi.as_view(), name="api-reconnection-done"),
    path("disputes/", disputes.DisputeCreateApi.as_view(), name="api-disputes"),
    path("disputes/<int:pk>/deposits/", disputes.DisputeDepositApi.as_view(), name="api-dispute-deposits"),
    path("disputes/<int:pk>/resolve/", disputes.DisputeResolveApi.as_view(), name="api-dispute-resolve"),
    path("theft-cases/", theft.TheftCaseListCreateApi.as_view(), name="api-theft-cases"),
    path("theft-cases/<int:pk>/", theft.TheftCaseDetailApi.as_view(), name="api-theft-case"),
    path("theft-cases/<int:pk>/assessment/", theft.TheftCaseAssessmentApi.as_view(), name="api-theft-case-assessment"),
    path("theft-cases/<int:pk>/fir/", theft.TheftCaseFirApi.as_view(), name="api-theft-case-fir"),
    path("field-handovers/", handovers.HandoverListCreateApi.as_view(), name="api-field-handovers"),
    path("field-handovers/<int:pk>/resolve/", handovers.HandoverResolveApi.as_view(),
         name="api-field-handover-resolve"),
]
