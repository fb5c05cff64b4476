from django.urls import path  # noqa: F401

# The settlements pages (the list, a settlement, the slip, registering from the consumer page).
urlpatterns = []
