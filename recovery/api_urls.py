from django.urls import path

from recovery.api import rc

urlpatterns = [
    path("rc/", rc.RCListCreateApi.as_view(), name="api-rc"),
    path("rc/demand-notices/", rc.DemandNoticeCreateApi.as_view(), name="api-rc-demand-notices"),
    path("rc/<int:pk>/", rc.RCDetailApi.as_view(), name="api-rc-detail"),
    path("rc/<int:pk>/status/", rc.RCStatusApi.as_view(), name="api-rc-status"),
]
