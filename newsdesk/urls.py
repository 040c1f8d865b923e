from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path

from articles.conditional import conditional_on_catalogue
from articles.sitemaps import SITEMAPS
from newsdesk import health, views

admin.site.site_header = "Newsdesk"
admin.site.site_title = "Newsdesk admin"
admin.site.index_title = "Catalogue"

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/", include("newsdesk.api.router")),
    path(
        "sitemap.xml",
        conditional_on_catalogue(sitemap_views.index),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap-section"},
        name="sitemap-index",
    ),
    path(
        "sitemap-<slug:section>.xml",
        conditional_on_catalogue(sitemap_views.sitemap),
        {"sitemaps": SITEMAPS, "template_name": "sitemap_section.xml"},
        name="sitemap-section",
    ),
    path("robots.txt", views.robots_txt, name="robots-txt"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("providers/", include("articles.provider_urls")),
    path("", include("articles.urls")),
]

handler404 = "newsdesk.views.page_not_found"
handler500 = "newsdesk.views.server_error"
