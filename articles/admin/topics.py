"""Topics, each with the number of its articles (counted for the page's rows only)."""

from __future__ import annotations

from django.contrib import admin

from ..models import Article, TaggedTopic, Topic
from .changelist import ValidatedChangeListMixin, article_count_link, article_count_of
from .public_edit import PublicEditMixin


@admin.register(Topic)
class TopicAdmin(PublicEditMixin, ValidatedChangeListMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "article_count"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    show_facets = admin.ShowFacets.NEVER

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_total=article_count_of(TaggedTopic, "tag"))

    def public_objects(self, queryset):
        return queryset.filter(pk__in=Topic.objects.with_articles_in(Article.objects.published()).values("pk"))

    @admin.display(description="articles", ordering="article_total")
    def article_count(self, topic):
        return article_count_link(topic, "topic__id__exact")
