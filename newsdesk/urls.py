from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Newsdesk"
admin.site.site_title = "Newsdesk admin"
admin.site.index_title = "Catalogue"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("newsdesk.api")),
    path("providers/", include("providers.urls")),
    path("", include("articles.urls")),
]
