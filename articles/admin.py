"""A plain registration of every model, so imported data can be inspected.

Editorial fields are changed through ``articles.services`` so the audit trail is written.
"""

from django.contrib import admin

from . import services
from .models import Article, ArticleImage, EditorialChange, RelatedLink, SourceFile, Topic


class ArticleImageInline(admin.TabularInline):
    model = ArticleImage
    extra = 0


class RelatedLinkInline(admin.StackedInline):
    model = RelatedLink
    fk_name = "source"
    extra = 0
    autocomplete_fields = ["provider", "article"]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "provider", "published_at", "quality", "is_published", "needs_review"]
    list_filter = ["is_published", "needs_review", "schema_era"]
    list_select_related = ["provider"]
    search_fields = ["title", "excerpt"]
    autocomplete_fields = ["provider"]
    date_hierarchy = "published_at"
    show_full_result_count = False
    readonly_fields = [
        "source_key", "secured_summary", "extra", "is_draft", "import_warnings", "source_path", "content_hash",
        "first_imported_at", "imported_at", "published_set_by_editor", "quality_set_by_editor",
    ]
    exclude = ["secured"]
    inlines = [ArticleImageInline, RelatedLinkInline]

    @admin.display(description="encrypted payload")
    def secured_summary(self, article):
        size = len(article.secured.encode())
        return f"encrypted payload present ({size} bytes)" if size else "none"

    def save_model(self, request, obj, form, change):
        editorial = {name: form.cleaned_data[name] for name in ("is_published", "quality") if name in form.changed_data}
        if change:
            # Editorial fields go through the audited services, not a plain save.
            original = Article.objects.only("is_published", "quality").get(pk=obj.pk)
            obj.is_published, obj.quality = original.is_published, original.quality
        super().save_model(request, obj, form, change)
        if change and "is_published" in editorial:
            publish = services.article_publish if editorial["is_published"] else services.article_unpublish
            publish(article=obj, user=request.user, via="admin")
        if change and "quality" in editorial:
            services.article_set_quality(article=obj, quality=editorial["quality"], user=request.user, via="admin")


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(RelatedLink)
class RelatedLinkAdmin(admin.ModelAdmin):
    list_display = ["title", "source", "provider", "article"]
    list_select_related = ["source", "provider", "article"]
    search_fields = ["title", "url"]
    autocomplete_fields = ["source", "provider", "article"]


@admin.register(ArticleImage)
class ArticleImageAdmin(admin.ModelAdmin):
    list_display = ["url", "article", "position", "width", "height"]
    list_select_related = ["article"]
    autocomplete_fields = ["article"]


@admin.register(SourceFile)
class SourceFileAdmin(admin.ModelAdmin):
    list_display = ["path", "article", "imported_at"]
    list_select_related = ["article"]
    search_fields = ["path"]
    readonly_fields = ["path", "content_hash", "article", "imported_at"]


@admin.register(EditorialChange)
class EditorialChangeAdmin(admin.ModelAdmin):
    list_display = ["changed_at", "article", "field", "old_value", "new_value", "user", "via"]
    list_filter = ["field", "via"]
    list_select_related = ["article", "user"]
    readonly_fields = ["article", "field", "old_value", "new_value", "user", "via", "changed_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
