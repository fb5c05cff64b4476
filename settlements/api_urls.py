from django.urls import path

from settlements.api import promises, schemes, settlements

urlpatterns = [
    path("schemes/", schemes.SchemeListApi.as_view(), name="api-schemes"),
    path("schemes/<int:pk>/eligibility/", schemes.SchemeEligibilityApi.as_view(), name="api-scheme-eligibility"),
    path("settlements/", settlements.SettlementListCreateApi.as_view(), name="api-settlements"),
    path("settlements/<int:pk>/", settlements.SettlementDetailApi.as_view(), name="api-settlement"),
    path("promises/", promises.PromiseListCreateApi.as_view(), name="api-promises"),
]
