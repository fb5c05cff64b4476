from django.urls import path

from defaulters import api as defaulter_api

urlpatterns = [
    path("defaulter-lists/", defaulter_api.DefaulterListListApi.as_view(), name="api-defaulter-lists"),
    path("defaulter-lists/<int:pk>/", defaulter_api.DefaulterListDetailApi.as_view(), name="api-defaulter-list"),
    path("defaulter-lists/<int:pk>/entries/", defaulter_api.DefaulterEntryListApi.as_view(),
         name="api-defaulter-list-entries"),
]
