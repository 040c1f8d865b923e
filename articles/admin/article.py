"""The editorial admin: find, publish, score and schedule articles among 100,000+, with an audit trail.

Who may change what (see also the README):
- Non-superusers change only the Editorial fields (published, quality, scheduled publication),
  the list's quality/published columns and the bulk actions, and only with both
  ``articles.change_article`` and ``articles.change_article_editorial`` (``permissions.can_curate``: the
  Editors group).
- Content and source fields come from the pipeline (a re-import rewrites them): read-only to
  everyone but superusers. The identity and provenance fields are read-only to everyone.
Every editorial write goes through ``articles.services`` and is audited (``EditorialChange``); so
is a superuser's content correction, which lasts until the next import of the article's file.

Every list costs a fixed number of queries: counts are capped (``CappedCountPaginator``), the date
hierarchy uses index lookups instead of a DISTINCT over every row, and the provider and topic
filters list only what matches a search.
"""

from __future__ import annotations

import json
from collections import defaultdict

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.admin.options import IS_POPUP_VAR
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import router, transaction
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join

from .. import services
from ..models import NEWEST_FIRST, OLDEST_FIRST, Article, ArticleImage, EditorialChange, RelatedLink, TaggedTopic
from ..permissions import can_curate
from .audit import audit_value
from .changelist import (
    ArticleChangeList,
    CappedCountAdminMixin,
    CappedCountPaginator,
    ValidatedChangeListMixin,
)
from .filters import (
    NeedsReviewFilter,
    ProviderFilter,
    PublicationFilter,
    QualityBandFilter,
    StoryCompanyFilter,
    TopicFilter,
)
from .public_edit import PublicEditMixin
from .widgets import ArticleListForm, ArticleListFormSet, PlainCheckboxInput, PlainNumberInput

EDITORIAL_FIELDS = ("is_published", "quality", "scheduled_publish_at")
# The pipeline's: editable by superusers only (the next import of the article's file restores them).
CONTENT_FIELDS = (
    "title",
    "excerpt",
    "body",
    "original_url",
    "amp_url",
    "cdn_amp_url",
    "provider",
    "published_at",
    "category",
    "article_type",
    "heat",
    "topics",
)
# Identity and provenance: nobody edits them here.
ALWAYS_READONLY = (
    "editorial_locks",
    "url",
    "slug",
    "source_key",
    "schema_era",
    "is_draft",
    "needs_review",
    "warnings_display",
    "secured_summary",
    "extra_display",
    "source_path",
    "content_hash",
    "first_imported_at",
    "imported_at",
    "editorial_history",
)


def _http_url(url: str) -> str:
    url = (url or "").strip()
    return url if url.lower().startswith(("http://", "https://")) else ""


class ArticleAdminForm(forms.ModelForm):
    class Meta:
        model = Article
        exclude = ["secured"]  # noqa: DJ006  (the fieldsets choose the fields; the form keeps only the payload out)

    def clean(self):
        cleaned = super().clean()
        if "scheduled_publish_at" in self.changed_data and cleaned.get("scheduled_publish_at"):
            when = cleaned["scheduled_publish_at"]
            published = cleaned.get("is_published", self.instance.is_published)
            if when <= timezone.now():
                self.add_error("scheduled_publish_at", "Choose a time in the future.")
            elif published:
                self.add_error(
                    "scheduled_publish_at",
                    "A published article cannot be scheduled: unpublish it, or clear the publication time.",
                )
        return cleaned


class SetQualityForm(forms.Form):
    quality = forms.IntegerField(
        min_value=0, max_value=100, help_text="A whole number from 0 to 100, given to every selected article."
    )


# --- Inlines -----------------------------------------------------------------------------------


class ArticleImageInline(admin.TabularInline):
    model = ArticleImage
    extra = 0
    fields = ["position", "preview", "url", "width", "height", "is_cached", "title"]
    readonly_fields = ["preview"]
    ordering = ["position"]

    @admin.display(description="image")
    def preview(self, image):
        src = _http_url(image.url)
        if not src:
            return "—"
        return format_html('<img src="{}" alt="" class="nd-thumb" loading="lazy" referrerpolicy="no-referrer">', src)


class RelatedLinkInline(admin.TabularInline):
    """What the pipeline found related; it comes from the file, so it is shown, not edited."""

    model = RelatedLink
    fk_name = "source"
    extra = 0
    can_delete = False
    fields = ["position", "title", "link", "provider", "published_at", "quality", "article"]
    readonly_fields = fields
    ordering = ["position"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("provider", "article")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="URL")
    def link(self, related):
        url = _http_url(related.url)
        return format_html('<a href="{}" rel="noopener noreferrer">{}</a>', url, url) if url else related.url


# --- Articles ----------------------------------------------------------------------------------


@admin.register(Article)
class ArticleAdmin(PublicEditMixin, ValidatedChangeListMixin, CappedCountAdminMixin, admin.ModelAdmin):
    form = ArticleAdminForm
    list_display = [
        "thumbnail",
        "headline",
        "provider",
        "published",
        "quality",
        "is_published",
        "topic_names",
    ]
    list_display_links = ["headline"]
    list_editable = ["quality", "is_published"]
    list_filter = [
        PublicationFilter,
        QualityBandFilter,
        ProviderFilter,
        TopicFilter,
        NeedsReviewFilter,
        StoryCompanyFilter,
    ]
    list_select_related = ["provider", "story"]
    # 50 rows with thumbnails and editable cells render in well under 100 ms; "Show all" goes to 200.
    list_per_page = 50
    list_max_show_all = 200
    # Only orders an index can serve: the list stays as fast at 1,000,000 rows.
    sortable_by = ["published", "quality"]
    ordering = NEWEST_FIRST
    date_hierarchy = "published_at"
    search_fields = ["title", "excerpt", "provider__name", "provider__domain"]
    search_help_text = "Searches titles, excerpts, and provider names and domains."
    autocomplete_fields = ["provider"]
    actions = ["publish_selected", "unpublish_selected", "set_quality"]
    inlines = [ArticleImageInline, RelatedLinkInline]
    fieldsets = [
        (
            "Editorial",
            {
                "fields": [("is_published", "quality"), "scheduled_publish_at", "editorial_locks"],
                "description": "Every change here is recorded in the audit trail below.",
            },
        ),
        ("Content", {"fields": ["title", "excerpt", "body"]}),
        (
            "Source",
            {
                "fields": [
                    "url",
                    "original_url",
                    "amp_url",
                    "cdn_amp_url",
                    "provider",
                    "published_at",
                    "category",
                    "article_type",
                    "heat",
                    "topics",
                    "schema_era",
                    "is_draft",
                    "needs_review",
                    "warnings_display",
                    "secured_summary",
                    "extra_display",
                    "slug",
                    "source_key",
                    "source_path",
                    "content_hash",
                    "first_imported_at",
                    "imported_at",
                ],
                "description": "As imported from the pipeline's file; the next import rewrites it from the file when either has changed.",
                "classes": ["collapse"],
            },
        ),
        ("Audit trail", {"fields": ["editorial_history"]}),
    ]

    class Media:
        css = {"all": ["newsdesk_admin/admin.css"]}

    # Permissions

    def has_editorial_permission(self, request, obj=None) -> bool:
        return can_curate(request.user)

    def has_add_permission(self, request):
        # Articles come from the importer.
        return False

    def public_objects(self, queryset):
        return queryset.published()

    def get_readonly_fields(self, request, obj=None):
        readonly = list(ALWAYS_READONLY)
        if not self.has_editorial_permission(request, obj):
            readonly += EDITORIAL_FIELDS
        if not request.user.is_superuser:
            readonly += [*CONTENT_FIELDS, "topic_list"]
        return readonly

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return fieldsets
        # A read-only TaggableManager would be shown through an extra query, unordered.
        return [
            (name, {**options, "fields": ["topic_list" if f == "topics" else f for f in options["fields"]]})
            for name, options in fieldsets
        ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("provider", "story")

    def get_changelist(self, request, **kwargs):
        return ArticleChangeList

    def lookup_allowed(self, lookup, value, request):
        # Only what the list's filters and date drill-down read: Django would take any lookup on the
        # article's columns, each a scan of the whole table.
        field = self.date_hierarchy
        drill_down = {f"{field}__{part}" for part in ("year", "month", "day", "gte", "lt")}
        filters = {
            name for spec in self.list_filter for name in (spec.parameter_name, getattr(spec, "search_parameter", None))
        }
        return lookup in drill_down or lookup in filters

    def get_changelist_form(self, request, **kwargs):
        widgets = {"quality": PlainNumberInput(), "is_published": PlainCheckboxInput()}
        return super().get_changelist_form(request, form=ArticleListForm, widgets=widgets, **kwargs)

    def get_changelist_formset(self, request, **kwargs):
        return super().get_changelist_formset(request, formset=ArticleListFormSet, **kwargs)

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        if not self.has_editorial_permission(request):
            changelist.list_editable = ()
        return changelist

    def get_actions(self, request):
        actions = super().get_actions(request)
        # Deleting thousands of articles is not an editorial act (a superuser can delete one from its page).
        actions.pop("delete_selected", None)
        return actions

    def action_checkbox(self, article):
        # Django's markup, without a template render per row (see PlainRenderMixin).
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            article.pk,
            f"Select this object for an action - {article}",
        )

    def view_on_site(self, article):
        # The article page previews unpublished articles to users who may view them in the admin.
        return article.get_absolute_url()

    # List columns

    # Sorted with undated articles last in either direction, on either database, as the API sorts
    # (the changelist's get_ordering; a plain field column would put them first on PostgreSQL).
    @admin.display(description=Article._meta.get_field("published_at").verbose_name, ordering=OLDEST_FIRST[0])
    def published(self, article):
        return article.published_at

    @admin.display(description="title")
    def headline(self, article):
        """The title, with what an editor should notice under it: a pending schedule, a needed review, its story."""
        flags = []
        if article.scheduled_publish_at:
            when = formats.date_format(timezone.localtime(article.scheduled_publish_at), "SHORT_DATETIME_FORMAT")
            flags.append(format_html('<span class="nd-flag nd-flag-scheduled">scheduled {}</span>', when))
        if article.needs_review:
            flags.append(format_html('<span class="nd-flag nd-flag-review">{}</span>', "needs review"))
        # Under the title, not a column of its own: the list already takes a 1366 px screen's width.
        if article.story_id and article.story.size > 1:
            size = formats.number_format(article.story.size, force_grouping=True)
            flags.append(format_html('<span class="nd-flag nd-flag-story">in a story of {}</span>', size))
        # Shown in three lines at most (admin.css); the whole title stays in the text and the tooltip.
        title = format_html('<span class="nd-title" title="{}">{}</span>', article.title, article.title)
        return format_html("{}{}", title, format_html_join("", " {}", ((flag,) for flag in flags)))

    @admin.display(description="topics")
    def topic_names(self, article):
        names = ", ".join(topic.name for topic in article.ordered_topics)
        return format_html('<span class="nd-topics" title="{}">{}</span>', names, names) if names else ""

    @admin.display(description="topics")
    def topic_list(self, article):
        tagged = TaggedTopic.objects.filter(content_object=article).select_related("tag").order_by("position")
        return ", ".join(row.tag.name for row in tagged) or "none"

    @admin.display(description="image")
    def thumbnail(self, article):
        image = article.lead_image
        src = _http_url(image.url) if image else ""
        if not src:
            return ""
        return format_html('<img src="{}" alt="" class="nd-thumb" loading="lazy" referrerpolicy="no-referrer">', src)

    # Read-only displays

    @admin.display(description="protected from re-import")
    def editorial_locks(self, article):
        locked = [
            label
            for label, flag in (
                ("published", article.published_set_by_editor),
                ("quality", article.quality_set_by_editor),
            )
            if flag
        ]
        return ", ".join(locked) if locked else "nothing yet (imports may still change published and quality)"

    @admin.display(description="encrypted payload")
    def secured_summary(self, article):
        size = len(article.secured.encode())
        return f"encrypted payload present ({size} bytes)" if size else "none"

    @admin.display(description="unknown keys")
    def extra_display(self, article):
        if not article.extra:
            return "none"
        return format_html('<pre class="nd-json">{}</pre>', json.dumps(article.extra, indent=2, ensure_ascii=False))

    @admin.display(description="import warnings")
    def warnings_display(self, article):
        if not article.import_warnings:
            return "none"
        return format_html(
            '<ul class="nd-warnings">{}</ul>',
            format_html_join("", "<li>{}</li>", ((str(w),) for w in article.import_warnings)),
        )

    @admin.display(description="recent changes, newest first")
    def editorial_history(self, article):
        if article.pk is None:
            return "—"
        changes = list(article.editorial_changes.select_related("user").order_by("-changed_at", "-id")[:20])
        full_list = reverse("admin:articles_editorialchange_changelist") + f"?article__id__exact={article.pk}"
        if not changes:
            return "No editorial change yet."
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    formats.date_format(timezone.localtime(c.changed_at), "SHORT_DATETIME_FORMAT"),
                    c.get_field_display(),
                    audit_value(c.old_value),
                    audit_value(c.new_value),
                    c.user or "—",
                    c.get_via_display(),
                )
                for c in changes
            ),
        )
        return format_html(
            '<table class="nd-history"><thead><tr><th scope="col">when</th><th scope="col">field</th>'
            '<th scope="col">from</th><th scope="col">to</th><th scope="col">who</th><th scope="col">via</th>'
            '</tr></thead><tbody>{}</tbody></table><p><a href="{}">All editorial changes of this article</a></p>',
            rows,
            full_list,
        )

    # Saving: editorial fields go through the audited services, never through a plain save; a
    # superuser's content correction is audited too (``save_related``).

    def save_model(self, request, obj, form, change):
        if not change:
            return super().save_model(request, obj, form, change)
        editorial = {name: form.cleaned_data[name] for name in EDITORIAL_FIELDS if name in form.changed_data}
        if not editorial:
            return
        if not self.has_editorial_permission(request, obj):
            raise PermissionDenied
        user, via = request.user, EditorialChange.Via.ADMIN
        try:
            if "is_published" in editorial:
                publish = services.article_publish if editorial["is_published"] else services.article_unpublish
                publish(article=obj, user=user, via=via)
            if "scheduled_publish_at" in editorial and not editorial.get("is_published"):
                services.article_schedule_publication(
                    article=obj, publish_at=editorial["scheduled_publish_at"], user=user, via=via
                )
            if "quality" in editorial:
                services.article_set_quality(article=obj, quality=editorial["quality"], user=user, via=via)
        except ValidationError as error:
            # The form checked these; this is a race with another editor. Roll back and say so.
            raise PermissionDenied("; ".join(error.messages)) from error

    def save_related(self, request, form, formsets, change):
        content = [name for name in form.changed_data if name not in EDITORIAL_FIELDS and name != "topics"]
        corrected = content or "topics" in form.changed_data or any(formset.has_changed() for formset in formsets)
        if not change or not corrected:
            return super().save_related(request, form, formsets, change)
        # Each changed field is audited, and the next import of the article's file restores the file's version.
        with services.articles_content_update(
            articles=[form.instance.pk], user=request.user, via=EditorialChange.Via.ADMIN
        ):
            if content:
                # Only what the form changed: a concurrent import's other fields stay as written.
                form.instance.save(update_fields=content)
            super().save_related(request, form, formsets, change)

    def changelist_view(self, request, extra_context=None):
        if request.method == "POST" and "_save" in request.POST and IS_POPUP_VAR not in request.GET:
            response = self._save_list_edits(request)
            if response is not None:
                return response
        return super().changelist_view(request, extra_context)

    def _save_list_edits(self, request):
        """The list's quality/published columns, saved set-based through the services (audited, via "admin").

        Returns None when the formset is invalid: the stock view then shows the errors.
        """
        if not self.has_editorial_permission(request):
            raise PermissionDenied
        FormSet = self.get_changelist_formset(request)
        queryset = self._get_list_editable_queryset(request, FormSet.get_default_prefix())
        formset = FormSet(request.POST, request.FILES, queryset=queryset)
        if not formset.is_valid():
            return None
        publish, unpublish, quality = set(), set(), defaultdict(set)
        changed_forms = [form for form in formset.forms if form.has_changed() and form.instance.pk]
        for form in changed_forms:
            pk = form.instance.pk
            if "is_published" in form.changed_data:
                (publish if form.cleaned_data["is_published"] else unpublish).add(pk)
            if "quality" in form.changed_data:
                quality[form.cleaned_data["quality"]].add(pk)
        user, via = request.user, EditorialChange.Via.ADMIN
        with transaction.atomic(using=router.db_for_write(Article)):
            if publish:
                services.articles_publish(articles=publish, user=user, via=via)
            if unpublish:
                services.articles_unpublish(articles=unpublish, user=user, via=via)
            for value, pks in quality.items():
                services.articles_set_quality(articles=pks, quality=value, user=user, via=via)
            by_message = defaultdict(list)
            for form in changed_forms:
                by_message[json.dumps(self.construct_change_message(request, form, None))].append(form.instance)
            for message, objects in by_message.items():
                LogEntry.objects.log_actions(request.user.pk, objects, CHANGE, json.loads(message))
        if changed_forms:
            count = len(changed_forms)
            self.message_user(
                request, f"{count} article{'s were' if count != 1 else ' was'} changed successfully.", messages.SUCCESS
            )
        return HttpResponseRedirect(request.get_full_path())

    # Bulk actions: one set-based service call each, whatever the selection's size.

    @admin.action(description="Publish selected articles", permissions=["editorial"])
    def publish_selected(self, request, queryset):
        result = services.articles_publish(articles=queryset, user=request.user, via=EditorialChange.Via.BULK)
        self.message_user(request, _result_message("Published", result, "already published"), messages.SUCCESS)

    @admin.action(description="Unpublish selected articles", permissions=["editorial"])
    def unpublish_selected(self, request, queryset):
        result = services.articles_unpublish(articles=queryset, user=request.user, via=EditorialChange.Via.BULK)
        self.message_user(request, _result_message("Unpublished", result, "already unpublished"), messages.SUCCESS)

    @admin.action(description="Set quality of selected articles…", permissions=["editorial"])
    def set_quality(self, request, queryset):
        form = SetQualityForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            result = services.articles_set_quality(
                articles=queryset, quality=form.cleaned_data["quality"], user=request.user, via=EditorialChange.Via.BULK
            )
            self.message_user(
                request,
                _result_message(f"Set quality {form.cleaned_data['quality']} on", result, "already had it"),
                messages.SUCCESS,
            )
            return None
        select_across = request.POST.get("select_across") == "1"
        paginator = CappedCountPaginator(queryset, 1, cap=CappedCountPaginator.default_cap)
        context = {
            **self.admin_site.each_context(request),
            "title": "Set the quality of the selected articles",
            "opts": self.opts,
            "form": form,
            "count_label": paginator.count_label,
            "sample": list(queryset.select_related(None).prefetch_related(None).only("pk", "title")[:10]),
            "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
            "select_across": select_across,
            "action": "set_quality",
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": self.media,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/articles/article/set_quality.html", context)


def _result_message(verb: str, result: services.EditorialResult, unchanged: str) -> str:
    noun = "article" if result.changed == 1 else "articles"
    message = f"{verb} {formats.number_format(result.changed, force_grouping=True)} {noun}"
    if result.matched > result.changed:
        message += f" ({formats.number_format(result.matched - result.changed, force_grouping=True)} {unchanged})"
    return message + "."
