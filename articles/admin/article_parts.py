"""An article's parts on lists of their own: related links, images, and the files it was imported from."""

from __future__ import annotations

from django.contrib import admin

from ..models import Article, ArticleImage, RelatedLink, SourceFile
from .changelist import CappedCountAdminMixin, ValidatedChangeListMixin
from .public_edit import PublicEditMixin


@admin.register(RelatedLink)
class RelatedLinkAdmin(PublicEditMixin, ValidatedChangeListMixin, CappedCountAdminMixin, admin.ModelAdmin):
    list_display = ["title", "source", "provider", "article"]
    list_select_related = ["source", "provider", "article"]
    search_fields = ["title", "url"]
    autocomplete_fields = ["source", "provider", "article"]
    ordering = ["-id"]

    def public_objects(self, queryset):
        return queryset.filter(source__in=Article.objects.published())


@admin.register(ArticleImage)
class ArticleImageAdmin(PublicEditMixin, ValidatedChangeListMixin, CappedCountAdminMixin, admin.ModelAdmin):
    list_display = ["url", "article", "position", "width", "height"]
    list_select_related = ["article"]
    autocomplete_fields = ["article"]
    ordering = ["-id"]

    def public_objects(self, queryset):
        return queryset.filter(article__in=Article.objects.published())


@admin.register(SourceFile)
class SourceFileAdmin(ValidatedChangeListMixin, CappedCountAdminMixin, admin.ModelAdmin):
    list_display = ["path", "article", "imported_at"]
    list_select_related = ["article"]
    search_fields = ["path"]
