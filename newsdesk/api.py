"""The REST API: one router for every resource (see issue 6)."""

from django.urls import path

urlpatterns: list = []
