"""Providers, each with the number of its articles (the Provider model stays in ``providers``)."""

from django.contrib import admin

from providers.models import Provider

from ..models import Article
from .changelist import ValidatedChangeListMixin, article_count_link, article_count_of
from .public_edit import PublicEditMixin


@admin.register(Provider)
class ProviderAdmin(PublicEditMixin, ValidatedChangeListMixin, admin.ModelAdmin):
    list_display = ["name", "domain", "article_count", "created_at"]
    search_fields = ["name", "domain"]
    search_help_text = "Searches names and domains."
    readonly_fields = ["created_at"]
    ordering = ["name"]
    sortable_by = ["name", "domain", "article_count", "created_at"]
    show_facets = admin.ShowFacets.NEVER

    def public_objects(self, queryset):
        return queryset.filter(pk__in=Provider.objects.with_articles_in(Article.objects.published()).values("pk"))

    def get_queryset(self, request):
        # Counted in the page's one query, only for the page's providers (see article_count_of).
        return super().get_queryset(request).annotate(article_total=article_count_of(Article, "provider"))

    @admin.display(description="articles", ordering="article_total")
    def article_count(self, provider):
        return article_count_link(provider, "provider__id__exact")
