from django.urls import path

from reports import views

urlpatterns = [
    path("", views.home, name="home"),
    path("reports/summary/", views.summary_page, name="summary"),
    path("reports/summary.<str:fmt>", views.summary_export, name="summary-export"),
    path("reports/divisions/<str:code>/", views.division_page, name="summary-division"),
    path("reports/defaulters/", views.defaulters_all_page, name="defaulters-all"),
]
