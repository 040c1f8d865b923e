from django.urls import path

from providers import views

app_name = "providers"

urlpatterns = [
    path("<slug:slug>/", views.provider_detail, name="detail"),
]
