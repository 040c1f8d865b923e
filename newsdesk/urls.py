from django.contrib import admin
from django.urls import path
from django.views.generic import RedirectView

admin.site.site_header = "Newsdesk"
admin.site.site_title = "Newsdesk admin"
admin.site.index_title = "Catalogue"

urlpatterns = [
    path("admin/", admin.site.urls),
    # Until the public site exists, the catalogue lives in the admin.
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
]
