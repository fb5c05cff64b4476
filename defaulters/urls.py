from django.urls import path

from defaulters import views as defaulter_views

urlpatterns = [
    path("defaulters/", defaulter_views.defaulter_list_latest_page, name="defaulter-list-latest"),
    path("defaulters/<int:pk>/", defaulter_views.defaulter_list_page, name="defaulter-list"),
    path("defaulters/<int:pk>/print/", defaulter_views.defaulter_list_print, name="defaulter-list-print"),
    path("defaulters/<int:pk>/defaulters.csv", defaulter_views.defaulter_list_csv, name="defaulter-list-csv"),
    path("defaulters/<int:pk>/defaulters.xlsx", defaulter_views.defaulter_list_xlsx, name="defaulter-list-xlsx"),
]
