from django.urls import path  # noqa: F401

# The settlements API (GET schemes/, eligibility, settlements/, promises/): settlements/api/.
urlpatterns = []
