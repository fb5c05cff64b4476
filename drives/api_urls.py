"""Filled by the drives issue; included by kesco/urls.py."""

urlpatterns = []
