"""The provider pages, at /providers/ (newsdesk/urls.py), in their own ``providers`` namespace."""

from django.urls import path

from articles import views

app_name = "providers"

urlpatterns = [
    path("<slug:slug>/", views.provider_detail, name="detail"),
]
