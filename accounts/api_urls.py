from django.urls import path

from accounts import api

urlpatterns = [
    path("auth/token/", api.TokenApi.as_view(), name="api-token"),
    path("divisions/", api.DivisionListApi.as_view(), name="api-divisions"),
]
