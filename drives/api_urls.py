from django.urls import path

from drives import api

urlpatterns = [
    path("notices/", api.NoticeListCreateApi.as_view(), name="api-notices"),
    path("drives/", api.DriveListCreateApi.as_view(), name="api-drives"),
    path("drives/<int:pk>/", api.DriveDetailApi.as_view(), name="api-drive"),
    path("drives/<int:pk>/stops/", api.StopListApi.as_view(), name="api-drive-stops"),
    path("drives/<int:pk>/stops/<int:stop_id>/outcome/", api.StopOutcomeApi.as_view(), name="api-stop-outcome"),
    path("reconnections/", api.ReconnectionListApi.as_view(), name="api-reconnections"),
    path("reconnections/<int:pk>/done/", api.ReconnectionDoneApi.as_view(), name="api-reconnection-done"),
    path("disputes/", api.DisputeCreateApi.as_view(), name="api-disputes"),
    path("disputes/<int:pk>/resolve/", api.DisputeResolveApi.as_view(), name="api-dispute-resolve"),
]
